// A small lexer that knows just enough TOML to find keys: comments and the
// four kinds of string are skipped, and a run of key characters, blanks and
// dots (which single-line quoted keys may join) is one key whose dots are
// counted. A float such as 1.5 is a run with one dot, so it never trips the
// bound; anything else ('=', brackets, commas, a newline) ends a run.
#include "conf/text_bounds.hpp"

#include "tresor/error.hpp"

namespace tresor::conf {
namespace {

bool continues_key(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == ' ' || c == '\t';
}

class KeyScanner {
  public:
    KeyScanner(std::string_view text, std::string_view source) : text_(text), source_(source) {}

    void scan() {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == '#') {
                skip_until("\n");
                dots_ = 0;
            } else if (starts_with("\"\"\"") || starts_with("'''")) {
                const std::string_view quote = text_.substr(pos_, 3);
                advance(3);
                skip_until(quote, c == '"');
                dots_ = 0;
            } else if (c == '"' || c == '\'') {
                advance(1);
                skip_until(c == '"' ? "\"" : "'", c == '"');
            } else if (c == '.') {
                if (++dots_ >= kMaxKeyParts) {
                    throw Error(ErrorCode::config,
                                std::string(source_) + ":" + std::to_string(line_) + ":" +
                                    std::to_string(column_) + ": a key with more than " +
                                    std::to_string(kMaxKeyParts) + " dotted parts");
                }
                advance(1);
            } else {
                if (!continues_key(c)) {
                    dots_ = 0;
                }
                advance(1);
            }
        }
    }

  private:
    bool starts_with(std::string_view s) const { return text_.substr(pos_).starts_with(s); }

    void advance(std::size_t n) {
        for (; n > 0 && pos_ < text_.size(); --n, ++pos_) {
            if (text_[pos_] == '\n') {
                ++line_;
                column_ = 1;
            } else {
                ++column_;
            }
        }
    }

    // Moves past the next `end` (a basic string's backslash escapes the next
    // character), or to the end of the text.
    void skip_until(std::string_view end, bool escapes = false) {
        while (pos_ < text_.size() && !starts_with(end)) {
            advance(escapes && text_[pos_] == '\\' ? 2 : 1);
        }
        advance(end.size());
    }

    std::string_view text_;
    std::string_view source_;
    std::size_t pos_ = 0;
    std::size_t dots_ = 0;
    int line_ = 1;
    int column_ = 1;
};

}  // namespace

void check_text_bounds(std::string_view text, std::string_view source) {
    if (text.size() > kMaxConfigBytes) {
        throw Error(ErrorCode::config, std::string(source) + ": " + std::to_string(text.size()) +
                                           " bytes, more than a config may have (" +
                                           std::to_string(kMaxConfigBytes) + ")");
    }
    KeyScanner(text, source).scan();
}

}  // namespace tresor::conf
