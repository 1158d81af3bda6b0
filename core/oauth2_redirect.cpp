#include "core/oauth2_redirect.hpp"

#include <algorithm>

namespace tresor::core {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// application/x-www-form-urlencoded decoding ('+' is a space), appended to
// `out`; false for a broken %XX or a decoded byte outside printable ASCII
// (RFC 6749 Appendix A: code, state and error are %x20-7E).
template <class Bytes>
bool decode_into(Bytes& out, std::string_view text) {
    using Byte = typename Bytes::value_type;
    for (std::size_t i = 0; i < text.size(); ++i) {
        int b = static_cast<unsigned char>(text[i]);
        if (text[i] == '+') {
            b = ' ';
        } else if (text[i] == '%') {
            const int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
            const int low = high >= 0 ? hex_value(text[i + 2]) : -1;
            if (low < 0) {
                return false;
            }
            b = high * 16 + low;
            i += 2;
        }
        if (b < 0x20 || b > 0x7e) {
            return false;
        }
        out.push_back(static_cast<Byte>(b));
    }
    return true;
}

bool is_plain_code(std::string_view code) {
    constexpr std::size_t kMaxCodeBytes = 64;
    return !code.empty() && code.size() <= kMaxCodeBytes &&
           std::all_of(code.begin(), code.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '.';
           });
}

Redirect malformed() {
    return Redirect{};
}

}  // namespace

Redirect parse_redirect(std::span<const std::uint8_t> head, std::string_view path) {
    const std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
    std::string_view line = text.substr(0, text.find('\n'));
    if (line.ends_with('\r')) {
        line.remove_suffix(1);
    }
    // method SP request-target SP HTTP-version (RFC 9112 §3).
    const std::size_t first = line.find(' ');
    const std::size_t last = line.rfind(' ');
    if (first == std::string_view::npos || last == first) {
        return malformed();
    }
    const std::string_view method = line.substr(0, first);
    const std::string_view target = line.substr(first + 1, last - first - 1);
    const std::string_view version = line.substr(last + 1);
    if (method != "GET" || !version.starts_with("HTTP/1.") || !target.starts_with('/') ||
        target.find(' ') != std::string_view::npos) {
        return malformed();
    }
    const std::size_t question = target.find('?');
    if (target.substr(0, question) != path) {
        return Redirect{Redirect::Kind::other_path, {}, {}, {}};
    }
    if (question == std::string_view::npos) {
        return malformed();
    }
    std::string_view query = target.substr(question + 1);
    query = query.substr(0, query.find('#'));

    Redirect out;
    bool has_code = false;
    bool has_state = false;
    bool has_error = false;
    std::string error;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        const std::size_t eq = pair.find('=');
        const std::string_view name = pair.substr(0, eq);
        const std::string_view value =
            eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
        // RFC 6749 §3.1: a parameter must not be sent twice; other
        // parameters (iss, error_description, ...) are not read.
        bool* seen = name == "code"    ? &has_code
                     : name == "state" ? &has_state
                     : name == "error" ? &has_error
                                       : nullptr;
        if (seen == nullptr) {
            continue;
        }
        if (*seen) {
            return malformed();
        }
        *seen = true;
        const bool decoded = name == "code"    ? decode_into(out.code.storage(), value)
                             : name == "state" ? decode_into(out.state, value)
                                               : decode_into(error, value);
        if (!decoded) {
            return malformed();
        }
    }
    if (has_code == has_error || (has_code && out.code.empty())) {
        return malformed();
    }
    if (has_error) {
        out.kind = Redirect::Kind::error;
        out.code = Secret();
        out.error = is_plain_code(error) ? error : std::string("an error");
        return out;
    }
    out.kind = Redirect::Kind::code;
    return out;
}

}  // namespace tresor::core
