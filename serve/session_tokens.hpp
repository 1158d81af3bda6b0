// serve/session_tokens.hpp — bearer session tokens for `tresor serve`.
//
// A token is "tresor_sess_<id>_<secret>" (id: 16 hex digits, secret: 32
// random bytes in hex). It is shown once, at creation; the store keeps only
// SHA-256(secret), under the reserved service "tresor.sessions" with the id as
// name, the granted scopes as label and the expiry as the entry's own
// expiry, so an expired token reads as missing in every backend.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
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

// Checks the tokens of a server's requests. check() returns the scopes of a
// valid, unexpired token given as an Authorization header value ("Bearer
// <token>"); empty for a missing, malformed, unknown, wrong or expired one.
// Hashes are compared in constant time. A valid token's id (its public
// part, never the secret) goes to *id when given: the vault's audit log
// names a session's requests by it.
//
// A token found valid is remembered (its hash, scopes and expiry, never the
// token) for kRecheckAfter, and within that time a request with it costs one
// SHA-256 and a comparison, no store call (a vault get decrypts the entry
// and records its use: a read and a write per request). Expiry is checked on
// every request; a token removed from the store is refused kRecheckAfter
// later at the latest. Tokens that fail are never remembered. Thread-safe.
class TokenCache {
  public:
    static constexpr std::chrono::seconds kRecheckAfter{1};

    // `store` must be able to read the session service.
    explicit TokenCache(Store store) : store_(std::move(store)) {}
    [[nodiscard]] std::optional<std::vector<std::string>> check(std::string_view authorization,
                                                                std::string* id = nullptr);

  private:
    struct Known {
        SecureBytes hash;
        std::vector<std::string> scopes;
        std::optional<Timestamp> expires_at;
        std::chrono::steady_clock::time_point checked;
    };
    Store store_;
    std::mutex mutex_;
    std::map<std::string, Known, std::less<>> known_;  // by token id
};

}  // namespace tresor::serve
