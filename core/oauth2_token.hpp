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

// The record as the value of its store entry (a JSON object) and back.
// decode throws Error{corrupt} for a value that is not such a record.
[[nodiscard]] Secret encode_token_record(const TokenRecord& record);
[[nodiscard]] TokenRecord decode_token_record(const Secret& value);

}  // namespace tresor::core
