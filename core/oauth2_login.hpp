// core/oauth2_login.hpp — a user's sign-in for an oauth2 credential, the
// two ways a program on the user's machine can get one (docs/CREDENTIALS.md,
// "Signing in"):
// - the authorization code flow with PKCE (RFC 6749 §4.1, RFC 7636 S256)
//   and a loopback redirect (RFC 8252 §7.3): the user opens the
//   credential's authorization_url in a browser, which comes back to
//   http://127.0.0.1:PORT/callback with the code; `state` is checked and the
//   code exchanged with its code_verifier;
// - device authorization (RFC 8628) for a machine without a browser: the
//   user enters a code on another device while tresor polls the token_url.
// Both return the token record the caller stores (Store::oauth_login).
// What the user is shown goes through LoginOptions::show, never a code or
// a token.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "core/oauth2_token.hpp"
#include "http/client.hpp"
#include "tresor/store.hpp"

namespace tresor::core {

// Why a sign-in gave no tokens, besides the token endpoint's own refusals
// (TokenEndpointError: invalid_grant, access_denied, expired_token, ...).
class LoginError : public Error {
  public:
    enum class Kind {
        state_mismatch,  // the redirect's state is not this login's (another page, an attack)
        access_denied,   // the authorization endpoint redirected with error=access_denied
        refused,         // it redirected with another error
        timed_out,       // no redirect, or no approval, before the timeout
    };
    LoginError(Kind kind, const std::string& message)
        : Error(kind == Kind::timed_out ? ErrorCode::io : ErrorCode::auth_failed, message),
          kind_(kind) {}
    [[nodiscard]] Kind kind() const noexcept { return kind_; }

  private:
    Kind kind_;
};

struct LoginOptions {
    std::function<void(std::string_view)> show;  // a message for the user
    std::chrono::seconds timeout{300};
};

// The path of the loopback redirect URI.
inline constexpr std::string_view kRedirectPath = "/callback";

[[nodiscard]] TokenRecord login_with_code(http::Client& client, const Entry& entry,
                                          const Secret& client_secret, const LoginOptions& options);
[[nodiscard]] TokenRecord login_with_device(http::Client& client, const Entry& entry,
                                            const Secret& client_secret,
                                            const LoginOptions& options);

}  // namespace tresor::core
