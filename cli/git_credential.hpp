// cli/git_credential.hpp — the key=value protocol of git-credential(1), and
// how a git credential maps to a tresor key (docs/INTEGRATIONS.md):
//
//   service  git:<protocol>://<host>[/<path>]   (path only when git sends
//            one: credential.useHttpPath, or a protocol that always has it)
//   name     the username
//   value    the password
//   expiry   password_expiry_utc
//   an oauth_refresh_token goes beside it, under service
//   git-oauth-refresh:<protocol>://<host>[/<path>] and the same name.
//
// A parser of untrusted text: it throws nothing but Error{invalid_argument},
// and keeps the secret attributes in wiped memory.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tresor/secret.hpp"

namespace tresor::cli {

struct GitCredential {
    std::string protocol;
    std::string host;  // may carry ":port"
    std::string path;
    std::string username;
    std::optional<Secret> password;
    std::optional<std::int64_t> password_expiry_utc;  // Unix seconds
    std::optional<Secret> oauth_refresh_token;
};

// Reads lines up to an empty line or the end. Attributes tresor does not
// keep (wwwauth[], capability[], url, ...) are ignored, as git-credential(1)
// asks of helpers; a line without '=' is an error naming its number.
[[nodiscard]] GitCredential parse_git_credential(std::span<const std::uint8_t> request);

// The service of the mapping above; empty when the request names no host
// and no path (nothing to look up).
[[nodiscard]] std::string git_service(const GitCredential& credential);
[[nodiscard]] std::string git_refresh_service(const GitCredential& credential);

// "key=value\n" for git, in wiped memory. Throws Error{invalid_argument}
// when a value holds a newline or NUL, which the protocol cannot carry.
void append_git_attribute(SecureBytes& out, std::string_view key, std::string_view value);

}  // namespace tresor::cli
