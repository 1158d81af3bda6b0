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

// A field of the credential, or Error{invalid_argument} naming it as
// required for `what` ("a token request").
[[nodiscard]] const std::string& required_field(const Entry& entry, const char* name,
                                                std::string_view what);
[[nodiscard]] std::string optional_field(const Attributes& attributes, const char* name);

// application/x-www-form-urlencoded name=value appended to `out`, after a
// '&' when `out` is not empty (RFC 6749 Appendix B).
void append_form_parameter(SecureBytes& out, std::string_view name, std::string_view value);

// An endpoint URL of the credential's field `name`: https, or http to a
// loopback host only (the client secret and the tokens travel there).
[[nodiscard]] http::Url endpoint_url(const Entry& entry, const char* name);

// Posts `grant` (grant_type omitted when empty) to `url` with the
// credential's client authentication (an empty client secret: a public
// client, client_id in the body) and its audience and resource, and returns
// the answer as it came (up to 1 MiB). Throws Error{io} when the server
// cannot be reached, Error{invalid_argument} for a credential without
// client_id.
[[nodiscard]] http::Response post_form(http::Client& client, const Entry& entry,
                                       const Secret& client_secret, const http::Url& url,
                                       const TokenGrant& grant);

// post_form to the credential's token_url, the answer read
// (parse_token_response). Throws TokenEndpointError too.
[[nodiscard]] TokenRecord request_token(http::Client& client, const Entry& entry,
                                        const Secret& client_secret, const TokenGrant& grant);

// The key of the entry holding the tokens of the credential `key`: its name
// with kTokenRecordSuffix. That entry is the credential's private state:
// the Store lists none, and refuses every name with that suffix
// (Error{invalid_argument}): only the uses of its credential (and its
// login) write it, and its credential's removal or a change of what the
// token was asked for (token_is_stale) drops it.
inline constexpr std::string_view kTokenRecordSuffix = "#token";
[[nodiscard]] Key token_record_key(const Key& key);
[[nodiscard]] bool is_token_record_name(std::string_view name) noexcept;
// Removes the token record of the credential `key` when there is one (a
// stat first: a credential without one leaves no removal in an audit log).
void forget_token_record(Backend& backend, const Key& key);

// Would a token got for the credential `old` be wrong for the credential
// `fresh` set over it: another type, client_id, token_url, scopes, audience,
// resource or authorization endpoint (the stored token was asked of another
// client or server, or for other rights).
[[nodiscard]] bool token_is_stale(const std::optional<Entry>& old, const SetOptions& fresh);

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

// Stores `record` as the token record of the credential `entry` (a login's
// tokens, core/oauth2_login.hpp), under the same locks as a renewal.
void store_token_record(Backend& backend, const Entry& entry, const TokenRecord& record,
                        std::mutex& refresh_lock);

}  // namespace tresor::core
