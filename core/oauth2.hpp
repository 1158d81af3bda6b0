// core/oauth2.hpp — the token requests of an oauth2 credential (RFC 6749,
// docs/CREDENTIALS.md "OAuth 2") over http/client.hpp, and the access token
// kept for it in the store.
//
// An oauth2 credential's fields: client_id, token_url, scopes (space
// separated), auth_method (client_secret_basic, the default, or
// client_secret_post), audience and resource (sent with every token
// request), origins. Its value is the client secret. The tokens tresor gets
// for it are a second entry beside it, NAME#token in the same backend
// (sealed like any value; a custom entry holding the TokenRecord of
// core/oauth2_token.hpp), so they outlive the process and are shared by
// every program that uses the credential.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "core/backend.hpp"
#include "core/oauth2_token.hpp"
#include "http/client.hpp"
#include "tresor/store.hpp"

namespace tresor::core {

// A token request's grant and its own parameters (RFC 6749 §4.4, §6, §4.1.3;
// RFC 8628 §3.4), name=value pairs that are not secret, and `secret_value`
// (a refresh token, a code, a device code) sent as the parameter
// `secret_name`.
struct TokenGrant {
    std::string grant_type;
    std::vector<std::pair<std::string, std::string>> parameters;
    std::string secret_name;
    const Secret* secret_value = nullptr;
};

// Posts `grant` to the credential's token_url with its client
// authentication (an empty client secret: a public client, client_id in the
// body) and reads the answer (parse_token_response). Throws
// TokenEndpointError, Error{io} when the server cannot be reached,
// Error{invalid_argument} for a credential without client_id or token_url.
[[nodiscard]] TokenRecord request_token(http::Client& client, const Entry& entry,
                                        const Secret& client_secret, const TokenGrant& grant);

// The key of the entry holding the tokens of the credential `key`.
[[nodiscard]] Key token_record_key(const Key& key);

// How long before its expiry an access token is no longer handed out: a
// request made with it must still reach the server in time.
inline constexpr std::chrono::seconds kTokenRenewMargin{60};

// The access token to send for the credential (entry, value) held by
// `backend`: the stored one while it is good for kTokenRenewMargin more,
// otherwise a new one (refresh_token grant when a refresh token is stored,
// keeping the rotated one the server returns; client_credentials when not),
// stored before it is returned. `refresh_lock` serializes the renewals of
// this credential in this process, and a lock file
// (platform/file_lock.hpp) those of every process of the user: the callers
// that waited find the new token stored and use it, so N concurrent callers
// make one token request.
[[nodiscard]] Secret current_access_token(Backend& backend, http::Client& client,
                                          const Entry& entry, const Secret& value,
                                          std::mutex& refresh_lock);

}  // namespace tresor::core
