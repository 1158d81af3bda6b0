// http/message.hpp — the parts of an HTTP exchange tresor itself reads or
// writes around the client library: the headers a caller may add, the
// header lines a server sends back, and the redaction of a secret a server
// echoes. No I/O here, so the fuzzer (fuzz/http_message_fuzzer.cpp) runs it
// without libcurl; each function throws only Error{invalid_argument}.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tresor/secret.hpp"

namespace tresor::http {

struct Header {
    std::string name;
    std::string value;
};

// RFC 9110's token: what a header name may be.
[[nodiscard]] bool is_token(std::string_view s);

// Throws Error{invalid_argument}, naming the header but never its value,
// unless `name` is a token and `value` has no CR, LF, NUL or other control
// character but tab, each within 8 KiB: a line break would let the caller
// add header lines or a second request of its own (smuggling).
void check_header(std::string_view name, std::string_view value);

// Headers a caller never sets, whoever the credential: the host and
// credentials the request is addressed and authenticated with, and the
// framing and connection headers the client computes (a wrong
// Content-Length on a kept-alive connection makes the rest of the stream a
// request of the caller's choosing). Compared without case.
[[nodiscard]] bool is_reserved_header(std::string_view name);

// Case-insensitive ASCII equality, for header names.
[[nodiscard]] bool same_header_name(std::string_view a, std::string_view b);

// What one header line of a response (as the client library hands it over:
// one line with its CR LF) adds to `headers`. A status line ("HTTP/1.1 200
// OK") starts a new response (after a 100 Continue): the headers so far are
// dropped, and its status is returned. A line beginning with a space or tab
// continues the previous value (obsolete folding); a line that is not
// "token: value" is ignored.
std::optional<int> add_header_line(std::string_view line, std::vector<Header>& headers);

// Replaces every occurrence of each needle in `text` by "[REDACTED]",
// longer needles first; true when anything was replaced. Empty needles are
// skipped. A body is redacted in wiped memory, a header in place.
bool redact(SecureBytes& text, std::span<const Secret> needles);
bool redact(std::string& text, std::span<const Secret> needles);

// The forms in which a server may send a secret back verbatim: the text
// itself and, if different, its JSON string escape (an API echoing the
// request as JSON). Appended to `out`.
void add_needle_forms(std::string_view secret, std::vector<Secret>& out);

}  // namespace tresor::http
