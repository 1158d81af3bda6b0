#include "cli/dotenv.hpp"

#include <algorithm>
#include <string_view>

#include "tresor/error.hpp"

namespace tresor::cli {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

bool starts_name(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool continues_name(char c) {
    return starts_name(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

// A cursor over the text that counts lines.
class Reader {
  public:
    Reader(std::string_view text, const std::string& what) : text_(text), what_(what) {}

    [[nodiscard]] bool done() const { return pos_ >= text_.size(); }
    [[nodiscard]] char peek() const { return done() ? '\0' : text_[pos_]; }
    [[nodiscard]] std::size_t line() const { return line_; }
    char take() {
        const char c = text_[pos_++];
        line_ += c == '\n' ? 1 : 0;
        return c;
    }
    void skip_blanks() {
        while (!done() && is_blank(peek())) {
            take();
        }
    }
    // The rest of the line, its "\n" (or "\r\n") consumed but not returned.
    std::string_view rest_of_line() {
        const std::size_t end = std::min(text_.find('\n', pos_), text_.size());
        std::string_view rest = text_.substr(pos_, end - pos_);
        pos_ = end;
        if (!done()) {
            take();
        }
        if (!rest.empty() && rest.back() == '\r') {
            rest.remove_suffix(1);
        }
        return rest;
    }
    [[noreturn]] void fail(std::size_t line, const std::string& reason) const {
        throw Error(ErrorCode::invalid_argument,
                    what_ + ":" + std::to_string(line) + ": " + reason);
    }

  private:
    std::string_view text_;
    const std::string& what_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
};

// After a closing quote only blanks and a comment may follow on the line.
void end_of_quoted_value(Reader& in, std::size_t line) {
    in.skip_blanks();
    const std::string_view rest = in.rest_of_line();
    if (!rest.empty() && rest.front() != '#') {
        in.fail(line, "unexpected text after the closing quote");
    }
}

SecureBytes quoted_value(Reader& in, std::size_t line) {
    const char quote = in.take();
    SecureBytes value;
    for (;;) {
        if (in.done()) {
            in.fail(line, std::string("the value's ") + (quote == '"' ? "double" : "single") +
                              " quote is never closed");
        }
        char c = in.take();
        if (c == quote) {
            break;
        }
        if (c == '\\' && quote == '"' && !in.done()) {
            const char next = in.take();
            switch (next) {
                case 'n':
                    c = '\n';
                    break;
                case 'r':
                    c = '\r';
                    break;
                case 't':
                    c = '\t';
                    break;
                case '"':
                case '\\':
                case '$':
                    c = next;
                    break;
                default:  // not an escape: both characters stay
                    value.push_back('\\');
                    c = next;
            }
        }
        value.push_back(static_cast<std::uint8_t>(c));
    }
    end_of_quoted_value(in, line);
    return value;
}

SecureBytes unquoted_value(Reader& in) {
    std::string_view rest = in.rest_of_line();
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '#' && (i == 0 || is_blank(rest[i - 1]))) {
            rest = rest.substr(0, i);
            break;
        }
    }
    while (!rest.empty() && is_blank(rest.back())) {
        rest.remove_suffix(1);
    }
    return SecureBytes(rest.begin(), rest.end());
}

std::string read_name(Reader& in) {
    std::string name;
    while (!in.done() && continues_name(in.peek())) {
        name += in.take();
    }
    return name;
}

}  // namespace

std::vector<DotenvEntry> parse_dotenv(std::span<const std::uint8_t> bytes,
                                      const std::string& what) {
    Reader in({reinterpret_cast<const char*>(bytes.data()), bytes.size()}, what);
    std::vector<DotenvEntry> entries;
    while (!in.done()) {
        in.skip_blanks();
        const std::size_t line = in.line();
        if (in.done() || in.peek() == '#' || in.peek() == '\n' || in.peek() == '\r') {
            (void)in.rest_of_line();
            continue;
        }
        std::string name = read_name(in);
        if (name == "export" && is_blank(in.peek())) {
            in.skip_blanks();
            name = read_name(in);
        }
        if (name.empty() || !starts_name(name.front())) {
            in.fail(line,
                    "expected NAME=value, NAME a letter or '_' then letters, digits, '_', "
                    "'.' or '-'");
        }
        in.skip_blanks();
        if (in.peek() != '=') {
            in.fail(line, "expected '=' after " + name);
        }
        (void)in.take();
        in.skip_blanks();
        SecureBytes value =
            in.peek() == '"' || in.peek() == '\'' ? quoted_value(in, line) : unquoted_value(in);
        std::erase_if(entries, [&](const DotenvEntry& e) { return e.name == name; });
        entries.push_back({std::move(name), Secret(std::move(value)), line});
    }
    return entries;
}

}  // namespace tresor::cli
