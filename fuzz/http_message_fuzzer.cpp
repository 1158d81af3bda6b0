// What tresor reads around an HTTP exchange (http/message.hpp): a server's
// response header lines (H), a caller's header (C: "name:value"), and the
// redaction of an echoed secret (R: "needle\0text"). Beyond "no crash": a
// redacted text holds no needle that shares no byte with the marker.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_main.hpp"
#include "http/message.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) {
        return;
    }
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()) + 1, bytes.size() - 1);
    switch (bytes[0]) {
        case 'H': {
            std::vector<tresor::http::Header> headers;
            for (std::size_t start = 0; start < text.size();) {
                const std::size_t end = std::min(text.find('\n', start), text.size() - 1);
                (void)tresor::http::add_header_line(text.substr(start, end - start + 1), headers);
                start = end + 1;
            }
            break;
        }
        case 'C': {
            const std::size_t colon = text.find(':');
            tresor::http::check_header(text.substr(0, colon),
                                       colon == std::string_view::npos ? "" : text.substr(colon + 1));
            (void)tresor::http::is_reserved_header(text);
            break;
        }
        default: {
            const std::size_t nul = text.find('\0');
            const std::string_view needle = text.substr(0, nul);
            std::string body(nul == std::string_view::npos ? "" : text.substr(nul + 1));
            std::vector<tresor::Secret> needles;
            tresor::http::add_needle_forms(needle, needles);
            (void)tresor::http::redact(body, needles);
            constexpr std::string_view kMarker = "[REDACTED]";
            const bool disjoint = std::none_of(needle.begin(), needle.end(), [&](char c) {
                return kMarker.find(c) != std::string_view::npos;
            });
            if (disjoint && !needle.empty() && body.find(needle) != std::string::npos) {
                std::abort();
            }
        }
    }
}
