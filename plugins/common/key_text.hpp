// plugins/common/key_text.hpp — a key (service, name) as the one text a store
// names its items by (the kernel keyring's descriptions, Credential Manager's
// target names), and back.
//
// Text: PREFIX escape(service) SEPARATOR escape(name), where escape writes as
// %XX (upper-case hex) '%', the separator and every byte the store may not
// keep bare, and leaves the rest as it is. A text reads back only when it is
// exactly what its key writes, so a listing never reports a key that a get
// would not find under that text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace tresor::plugin {

class KeyText {
  public:
    // bare(byte): whether the store keeps this byte as it is ('%' and the
    // separator are escaped whatever it says).
    using Bare = bool (*)(unsigned char);

    constexpr KeyText(std::string_view prefix, char separator, Bare bare)
        : prefix_(prefix), separator_(separator), bare_(bare) {}

    [[nodiscard]] std::string escape(std::string_view part) const {
        static constexpr std::string_view kHex = "0123456789ABCDEF";
        std::string out;
        out.reserve(part.size());
        for (const char ch : part) {
            const auto byte = static_cast<unsigned char>(ch);
            if (ch == '%' || ch == separator_ || !bare_(byte)) {
                out += '%';
                out += kHex[byte >> 4];
                out += kHex[byte & 0xF];
            } else {
                out += ch;
            }
        }
        return out;
    }

    [[nodiscard]] std::string write(std::string_view service, std::string_view name) const {
        return std::string(prefix_) + escape(service) + separator_ + escape(name);
    }

    // (service, name) of a text written by write(); empty for any other.
    [[nodiscard]] std::optional<std::pair<std::string, std::string>> read(
        std::string_view text) const {
        if (!text.starts_with(prefix_)) {
            return std::nullopt;
        }
        text.remove_prefix(prefix_.size());
        const auto at = text.find(separator_);
        if (at == std::string_view::npos) {
            return std::nullopt;
        }
        auto service = unescape(text.substr(0, at));
        auto name = unescape(text.substr(at + 1));
        if (!service || !name || service->empty() || name->empty()) {
            return std::nullopt;
        }
        return std::pair{std::move(*service), std::move(*name)};
    }

  private:
    // The part that escape() writes as `escaped`; empty where it writes no such text.
    [[nodiscard]] std::optional<std::string> unescape(std::string_view escaped) const {
        std::string out;
        out.reserve(escaped.size());
        for (std::size_t i = 0; i < escaped.size(); ++i) {
            if (escaped[i] != '%') {
                out += escaped[i];
                continue;
            }
            const int high = hex_digit(escaped, i + 1);
            const int low = hex_digit(escaped, i + 2);
            if (high < 0 || low < 0) {
                return std::nullopt;
            }
            out += static_cast<char>(high * 16 + low);
            i += 2;
        }
        // A bare byte escape() would have escaped, or an escape it would not write.
        if (escape(out) != escaped) {
            return std::nullopt;
        }
        return out;
    }

    // The value of an upper-case hex digit at `at`, -1 for anything else.
    static int hex_digit(std::string_view text, std::size_t at) {
        if (at >= text.size()) {
            return -1;
        }
        const char c = text[at];
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    std::string_view prefix_;
    char separator_;
    Bare bare_;
};

}  // namespace tresor::plugin
