// core/oauth2_redirect.hpp — the request a browser makes to tresor's
// loopback redirect URI at the end of an authorization code login
// (RFC 6749 §4.1.2, RFC 8252 §7.3), read as untrusted input: any local
// process can connect to the port.
//
// Pure code, fuzzed (fuzz/oauth2_token_fuzzer.cpp). The code lives in
// wiped memory; nothing here quotes the request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tresor/secret.hpp"

namespace tresor::core {

struct Redirect {
    enum class Kind {
        code,        // ?code=...&state=...: the authorization code
        error,       // ?error=...&state=...: the server said no (error holds its code)
        other_path,  // a GET of another path (a browser's /favicon.ico): not the redirect
        malformed,   // not a GET request line with a query tresor can read
    };
    Kind kind = Kind::malformed;
    Secret code;
    std::string state;  // as sent, percent-decoded; compared by the caller
    // The OAuth error code when it is plain (letters, digits, '_', '-',
    // '.'); "an error" otherwise, as a message could not show it safely.
    std::string error;
};

// Reads the head of a request sent to the redirect URI whose path is
// `path` ("/callback"): "GET /callback?code=..&state=.. HTTP/1.1". A
// parameter given twice, a code or state holding bytes outside printable
// ASCII, or a query with neither code nor error is malformed.
[[nodiscard]] Redirect parse_redirect(std::span<const std::uint8_t> head, std::string_view path);

}  // namespace tresor::core
