// core/oauth2_token.hpp — what an OAuth 2 token endpoint answers (RFC 6749
// §5.1, §5.2), read as untrusted input, and the token record tresor keeps
// for an oauth2 credential (docs/CREDENTIALS.md, "OAuth 2").
//
// Pure code, fuzzed (fuzz/oauth2_token_fuzzer.cpp). Every token lives in
// wiped memory; no message quotes a token, a body or an error_description
// (a server may echo what it was sent).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tresor/error.hpp"
#include "tresor/secret.hpp"

namespace tresor::core {

// Why a token endpoint's answer gave no token. Each kind is an Error whose
// code says what a caller can do: auth_failed for the server's refusals
// (invalid_client, invalid_grant and the other RFC 6749 error codes), io for
// an answer that is not one (an HTTP error, a body that is not JSON, a token
// without expires_in or access_token).
class TokenEndpointError : public Error {
  public:
    enum class Kind {
        invalid_client,   // the client id or secret was refused (or revoked)
        invalid_grant,    // the code, refresh token or device code is no longer good
        oauth_error,      // another RFC 6749/8628 error code
        http_status,      // an HTTP status with no OAuth error in its body
        not_json,         // the body is not a JSON object
        no_expires_in,    // a token without a usable expires_in
        no_access_token,  // a 2xx answer without access_token or token_type Bearer
        access_denied,    // the user (or the server) said no (RFC 6749 §4.1.2.1, RFC 8628 §3.5)
        expired_token,    // the device code ran out before the user approved (RFC 8628 §3.5)
        no_device_code,   // a device authorization answer without what RFC 8628 §3.2 requires
    };
    TokenEndpointError(Kind kind, const std::string& message, std::string oauth_code = {});
    [[nodiscard]] Kind kind() const noexcept { return kind_; }
    // The OAuth error code as sent ("invalid_client"), when it is one of the
    // RFC's token characters; empty otherwise.
    [[nodiscard]] const std::string& oauth_code() const noexcept { return oauth_code_; }

  private:
    Kind kind_;
    std::string oauth_code_;
};

// A token record: the access token, when it stops being good (Unix seconds),
// and the refresh token when the server gave one.
struct TokenRecord {
    Secret access_token;
    std::int64_t expires_at = 0;
    std::optional<Secret> refresh_token;
};

// The answer of a token request made at `now` (Unix seconds): status and
// body. `endpoint` (an origin, never a URL with a query) names the server in
// messages. Throws TokenEndpointError. A 2xx answer must carry
// access_token, token_type "Bearer" (any case) and a positive integer
// expires_in (tresor has to know when to refresh; RFC 6749 leaves it
// optional, and a server without it is named so in the message).
[[nodiscard]] TokenRecord parse_token_response(int status, std::span<const std::uint8_t> body,
                                               std::int64_t now, std::string_view endpoint);

// RFC 8628 §3.5: while the user has not yet approved, a device-code poll
// answers authorization_pending or slow_down. Empty for any other answer,
// which parse_token_response then reads.
enum class DevicePoll { pending, slow_down };
[[nodiscard]] std::optional<DevicePoll> device_poll_state(int status,
                                                          std::span<const std::uint8_t> body);

// What a device authorization endpoint answers (RFC 8628 §3.2): the
// device code tresor polls with (a secret), and what the user is shown: the
// user code and the verification URI(s), printable ASCII only (they go to a
// terminal), the URIs https (or http to a loopback host). `interval` is 5
// when the server sends none. Throws TokenEndpointError (an OAuth error,
// an HTTP error, not JSON, no_device_code) naming `endpoint` as the device
// authorization endpoint.
struct DeviceAuthorization {
    Secret device_code;
    std::string user_code;
    std::string verification_uri;
    std::string verification_uri_complete;  // empty when the server sent none
    std::int64_t expires_in = 0;            // seconds, positive
    std::int64_t interval = 5;              // seconds between polls, positive
};
[[nodiscard]] DeviceAuthorization parse_device_authorization(int status,
                                                             std::span<const std::uint8_t> body,
                                                             std::string_view endpoint);

// The record as the value of its store entry (a JSON object) and back.
// decode throws Error{corrupt} for a value that is not such a record.
[[nodiscard]] Secret encode_token_record(const TokenRecord& record);
[[nodiscard]] TokenRecord decode_token_record(const Secret& value);

}  // namespace tresor::core
