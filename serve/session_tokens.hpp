// serve/session_tokens.hpp — bearer session tokens for `tresor serve`.
//
// A token is "tresor_sess_<id>_<secret>" (id: 16 hex digits, secret: 32
// random bytes in hex). It is shown once, at creation; the store keeps only
// SHA-256(secret), under the reserved service "tresor.sessions" with the id as
// name, the granted scopes as label and the expiry as the entry's own
// expiry, so an expired token reads as missing in every backend.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tresor/store.hpp"

namespace tresor::serve {

inline constexpr std::string_view kSessionService = "tresor.sessions";
// The API's scopes (seed 003) and the Store scopes each one grants.
inline constexpr std::string_view kScopeStore = "credentials:store";
inline constexpr std::string_view kScopeRead = "credentials:read";
// May have tresor make requests with a credential, never read it.
inline constexpr std::string_view kScopeUse = "credentials:use";

// Throws Error{invalid_argument} for an unknown or empty scope list.
[[nodiscard]] std::vector<std::string> parse_api_scopes(std::string_view comma_separated);

// Stores the token's hash and returns the token, for the caller to print once.
[[nodiscard]] Secret create_token(Store& store, const std::vector<std::string>& scopes,
                                  std::optional<std::chrono::seconds> lifetime);

// The scopes of a valid, unexpired token given as an Authorization header
// value ("Bearer <token>"); empty for a missing, malformed, unknown, wrong or
// expired one. The comparison of hashes is constant-time. A valid token's
// id (its public part, never the secret) goes to *id when given: the
// vault's audit log names a session's requests by it.
[[nodiscard]] std::optional<std::vector<std::string>> check_token(Store& store,
                                                                  std::string_view authorization,
                                                                  std::string* id = nullptr);

}  // namespace tresor::serve
