// cli/git_credential.hpp — the key=value protocol of git-credential(1), and
// how a git credential maps to a tresor key (docs/INTEGRATIONS.md):
//
//   service  git:<protocol>://<host>[/<path>]   (path only when git sends
//            one: credential.useHttpPath, or a protocol that always has it)
//   name     the username; an empty one (a token-only credential) is
//            kNoUsername, as keys have non-empty names
//   value    the password, or for a pre-encoded credential (authtype +
//            credential, git 2.46) "<authtype> <credential>", the
//            Authorization header's value, typed custom with
//            headers=Authorization
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
#include <vector>

#include "tresor/secret.hpp"

namespace tresor::cli {

// The name of a credential whose username is empty ("username=").
inline constexpr std::string_view kNoUsername = "<empty>";

struct GitCredential {
    std::string protocol;
    std::string host;  // may carry ":port"
    std::string path;
    std::optional<std::string> username;  // "username=" is an empty one
    std::optional<Secret> password;
    std::optional<std::int64_t> password_expiry_utc;  // Unix seconds
    std::optional<Secret> oauth_refresh_token;
    // gitcredentials(7) of git 2.46: what the caller understands
    // (capability[]: "authtype", "state"), a pre-encoded credential and its
    // scheme, whether it may be kept, and the opaque state[] values helpers
    // set before (this one sets none).
    std::vector<std::string> capabilities;
    std::string authtype;
    std::optional<Secret> credential;
    bool ephemeral = false;
    std::vector<std::string> state;

    [[nodiscard]] bool understands(std::string_view capability) const;
};

// Reads lines up to an empty line or the end. A repeated "key[]" appends,
// an empty one clears its list (git-credential(1)); attributes tresor does
// not keep (wwwauth[], url, continue, ...) are ignored, as git-credential(1)
// asks of helpers; a line without '=' is an error naming its number.
[[nodiscard]] GitCredential parse_git_credential(std::span<const std::uint8_t> request);

// The service of the mapping above; empty when the request names no host
// and no path (nothing to look up).
[[nodiscard]] std::string git_service(const GitCredential& credential);
[[nodiscard]] std::string git_refresh_service(const GitCredential& credential);

// The store's name for a username, and back. The literal username
// kNoUsername is refused (Error{invalid_argument}), so the mapping is one to
// one.
[[nodiscard]] std::string git_name(std::string_view username);
[[nodiscard]] std::string_view git_username(std::string_view name);

// "key=value\n" for git, in wiped memory. Throws Error{invalid_argument}
// when a value holds a newline or NUL, which the protocol cannot carry.
void append_git_attribute(SecureBytes& out, std::string_view key, std::string_view value);

}  // namespace tresor::cli
