// http/url.hpp — the URLs and origins tresor sends a credential to.
//
// An origin is a scheme, a host and a port (RFC 6454); a credential names
// the origins it may be sent to, and a request whose URL has any other
// origin is refused. Two texts name the same origin exactly when their
// canonical forms are equal, so the parser refuses every form another
// parser (libcurl's, a resolver's, a browser's) could read differently:
// user information (https://api.example.com@evil.example), non-ASCII or
// percent-encoded hosts (IDN: give the xn-- form), numeric hosts other than
// a dotted quad (2130706433, 0x7f.1, 127.1), IPv6 zone ids, backslashes,
// spaces and control characters. Canonical: scheme and host lowercased, the
// default port (443, 80) dropped, IPv6 as inet_ntop writes it. A trailing
// dot is kept, as the URL standard keeps it: "example.com." is another
// origin than "example.com".
//
// The request target given to the HTTP client is built from the parsed
// parts (parse_url(...).text()), never the caller's text, so libcurl reads
// the origin this parser checked. A parser of untrusted text: fuzzed
// (fuzz/url_fuzzer.cpp); it throws only Error{invalid_argument}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tresor::http {

struct Origin {
    std::string scheme;  // "https" or "http"
    std::string host;    // lowercase name, dotted quad, or IPv6 without brackets
    std::uint16_t port = 0;

    // "https://api.example.com", "http://127.0.0.1:8080", "https://[::1]:8443".
    [[nodiscard]] std::string text() const;
    // localhost, 127.0.0.0/8 or ::1: where plain http may carry a credential.
    [[nodiscard]] bool is_loopback() const;
    friend bool operator==(const Origin&, const Origin&) = default;
};

struct Url {
    Origin origin;
    std::string target;  // path and query, starting with '/'; the fragment is dropped

    // Scheme, host, explicit port and target: the form libcurl is given.
    [[nodiscard]] std::string text() const;
};

// An absolute http or https URL. Throws Error{invalid_argument} saying what
// is refused (never quoting more of the URL than its scheme).
[[nodiscard]] Url parse_url(std::string_view text);

// An origin alone: a URL without path (a single "/" allowed), query or
// fragment.
[[nodiscard]] Origin parse_origin(std::string_view text);

// Origins separated by spaces, as a credential's `origins` field holds them.
// At least one.
[[nodiscard]] std::vector<Origin> parse_origin_list(std::string_view text);

// The parts of `s` between separators, empty ones kept: n separators give
// n + 1 parts (the host's labels, a header list's names).
[[nodiscard]] std::vector<std::string_view> split(std::string_view s, char separator);

}  // namespace tresor::http
