#include "age/header.hpp"

#include <algorithm>

#include "core/base64.hpp"
#include "tresor/error.hpp"

namespace tresor::age {
namespace {

constexpr std::size_t kColumnsPerLine = 64;
constexpr std::size_t kMacTextChars = 43;  // 32 bytes, unpadded
constexpr std::string_view kStanzaPrefix = "-> ";
constexpr std::string_view kMacPrefix = "--- ";

[[noreturn]] void refuse(std::size_t line, const std::string& why) {
    throw Error(ErrorCode::corrupt, "age header, line " + std::to_string(line) + ": " + why);
}

// The header's lines, one at a time, each without its LF.
class Lines {
  public:
    explicit Lines(std::span<const std::uint8_t> file) : file_(file) {}

    std::string_view next() {
        ++number_;
        const auto rest = file_.subspan(pos_);
        const auto end = std::find(rest.begin(), rest.end(), std::uint8_t{'\n'});
        if (end == rest.end()) {
            refuse(number_, pos_ == file_.size() ? "the file ends inside the header"
                                                 : "the header ends without a line feed");
        }
        const std::size_t size = static_cast<std::size_t>(end - rest.begin());
        line_start_ = pos_;
        pos_ += size + 1;
        return {reinterpret_cast<const char*>(rest.data()), size};
    }
    [[nodiscard]] std::size_t number() const { return number_; }
    [[nodiscard]] std::size_t line_start() const { return line_start_; }
    [[nodiscard]] std::size_t position() const { return pos_; }

  private:
    std::span<const std::uint8_t> file_;
    std::size_t pos_ = 0;
    std::size_t line_start_ = 0;
    std::size_t number_ = 0;
};

bool is_vchar(char c) {
    return c >= 0x21 && c <= 0x7e;
}

std::vector<std::string> parse_arguments(std::string_view text, std::size_t line) {
    std::vector<std::string> arguments;
    while (true) {
        const auto space = text.find(' ');
        const std::string_view argument = text.substr(0, space);
        if (argument.empty() || !std::all_of(argument.begin(), argument.end(), is_vchar)) {
            refuse(line, "a stanza argument is empty or not printable ASCII");
        }
        arguments.emplace_back(argument);
        if (space == std::string_view::npos) {
            return arguments;
        }
        text.remove_prefix(space + 1);
    }
}

// Body lines up to and including the first one shorter than 64 columns.
std::vector<std::uint8_t> parse_body(Lines& lines) {
    std::vector<std::uint8_t> body;
    while (true) {
        const std::string_view line = lines.next();
        if (line.size() > kColumnsPerLine) {
            refuse(lines.number(), "a stanza body line is longer than 64 columns");
        }
        if (!core::decode_base64(body, line, core::Base64Padding::unpadded)) {
            refuse(lines.number(), "a stanza body line is not canonical unpadded base64");
        }
        if (line.size() < kColumnsPerLine) {
            return body;
        }
    }
}

void append(std::vector<std::uint8_t>& out, std::string_view text) {
    out.insert(out.end(), text.begin(), text.end());
}

}  // namespace

Header parse_header(std::span<const std::uint8_t> file) {
    Lines lines(file);
    const std::string_view version = lines.next();
    if (version != kVersionLine) {
        throw Error(ErrorCode::corrupt,
                    version.starts_with("age-encryption.org/")
                        ? "age file of an unsupported version (only age-encryption.org/v1 is read)"
                        : "not an age file (it does not start with age-encryption.org/v1)");
    }
    Header header;
    while (true) {
        const std::string_view line = lines.next();
        if (line.starts_with(kStanzaPrefix)) {
            Stanza stanza{parse_arguments(line.substr(kStanzaPrefix.size()), lines.number()), {}};
            stanza.body = parse_body(lines);
            header.stanzas.push_back(std::move(stanza));
            continue;
        }
        if (!line.starts_with(kMacPrefix)) {
            refuse(lines.number(), "neither a stanza (\"-> \") nor the MAC line (\"--- \")");
        }
        if (header.stanzas.empty()) {
            refuse(lines.number(), "the header has no recipient stanza");
        }
        const std::string_view mac_text = line.substr(kMacPrefix.size());
        std::vector<std::uint8_t> mac;
        if (mac_text.size() != kMacTextChars ||
            !core::decode_base64(mac, mac_text, core::Base64Padding::unpadded)) {
            refuse(lines.number(), "the MAC is not 32 bytes of canonical unpadded base64");
        }
        std::copy(mac.begin(), mac.end(), header.mac.begin());
        header.mac_input_bytes = lines.line_start() + kMacPrefix.size() - 1;  // through "---"
        header.payload_offset = lines.position();
        return header;
    }
}

std::vector<std::uint8_t> encode_header_for_mac(std::span<const Stanza> stanzas) {
    std::vector<std::uint8_t> out;
    append(out, kVersionLine);
    out.push_back('\n');
    for (const Stanza& stanza : stanzas) {
        append(out, "->");
        for (const std::string& argument : stanza.arguments) {
            out.push_back(' ');
            append(out, argument);
        }
        out.push_back('\n');
        std::string text;
        core::append_base64(text, stanza.body, core::Base64Padding::unpadded);
        // Full lines of 64 columns, then one shorter line, empty when the
        // text fills its last line exactly.
        std::string_view rest = text;
        while (rest.size() >= kColumnsPerLine) {
            append(out, rest.substr(0, kColumnsPerLine));
            out.push_back('\n');
            rest.remove_prefix(kColumnsPerLine);
        }
        append(out, rest);
        out.push_back('\n');
    }
    append(out, kMacPrefix.substr(0, 3));
    return out;
}

void append_mac_line(std::vector<std::uint8_t>& header, std::span<const std::uint8_t> mac) {
    header.push_back(' ');
    core::append_base64(header, mac, core::Base64Padding::unpadded);
    header.push_back('\n');
}

}  // namespace tresor::age
