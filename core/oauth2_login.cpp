#include "core/oauth2_login.hpp"

#include <sodium.h>

#include <array>
#include <thread>

#include "core/base64.hpp"
#include "core/clock.hpp"
#include "core/oauth2.hpp"
#include "core/oauth2_redirect.hpp"
#include "http/loopback_listener.hpp"

namespace tresor::core {
namespace {

using Clock = std::chrono::steady_clock;

// `bytes` random bytes as base64url: 32 make a code_verifier of 43
// characters (RFC 7636 §4.1), 16 a state no one can guess.
std::string random_text(std::size_t bytes) {
    if (sodium_init() < 0) {
        throw Error(ErrorCode::internal, "libsodium failed to initialize");
    }
    std::array<std::uint8_t, 32> raw{};
    randombytes_buf(raw.data(), bytes);
    std::string out;
    append_base64url(out, std::span(raw.data(), bytes));
    sodium_memzero(raw.data(), raw.size());
    return out;
}

// RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))).
std::string s256_challenge(std::string_view verifier) {
    std::array<std::uint8_t, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(verifier.data()),
                       verifier.size());
    std::string out;
    append_base64url(out, digest);
    return out;
}

std::string who(const Entry& entry) {
    return "oauth2 credential " + entry.service + "/" + entry.name;
}

std::string page(std::string_view title, std::string_view text) {
    return "<!doctype html><html><head><meta charset=\"utf-8\"><title>tresor: " +
           std::string(title) + "</title></head><body><h1>" + std::string(title) + "</h1><p>" +
           std::string(text) + "</p></body></html>\n";
}

std::string authorization_request(const Entry& entry, const http::Url& url,
                                  const std::string& redirect_uri, const std::string& state,
                                  const std::string& challenge) {
    SecureBytes query;
    append_form_parameter(query, "response_type", "code");
    append_form_parameter(query, "client_id", required_field(entry, "client_id", "a sign-in"));
    append_form_parameter(query, "redirect_uri", redirect_uri);
    for (const char* name : {"scopes", "resource"}) {
        if (const std::string value = optional_field(entry.attributes, name); !value.empty()) {
            append_form_parameter(query, std::string_view(name) == "scopes" ? "scope" : name,
                                  value);
        }
    }
    append_form_parameter(query, "state", state);
    append_form_parameter(query, "code_challenge", challenge);
    append_form_parameter(query, "code_challenge_method", "S256");
    const std::string text = url.text();
    return text + (text.find('?') == std::string::npos ? "?" : "&") +
           std::string(query.begin(), query.end());
}

// The seconds a timeout or an interval names, for messages.
std::string seconds(std::chrono::seconds s) {
    return std::to_string(s.count()) + " s";
}

}  // namespace

TokenRecord login_with_code(http::Client& client, const Entry& entry, const Secret& client_secret,
                            const LoginOptions& options) {
    const http::Url authorize = endpoint_url(entry, "authorization_url");
    (void)endpoint_url(entry, "token_url");  // refused before the user is sent anywhere
    http::LoopbackListener listener;
    const std::string redirect_uri =
        "http://127.0.0.1:" + std::to_string(listener.port()) + std::string(kRedirectPath);
    const std::string verifier = random_text(32);
    const std::string state = random_text(16);
    options.show(
        "Open this URL in a browser to sign in (" + who(entry) + "):\n\n  " +
        authorization_request(entry, authorize, redirect_uri, state, s256_challenge(verifier)) +
        "\n\nWaiting for the browser to come back to " + redirect_uri + " (" +
        seconds(options.timeout) + ") ...");
    const Clock::time_point deadline = Clock::now() + options.timeout;
    for (;;) {
        std::optional<http::LoopbackRequest> request = listener.next(deadline);
        if (!request) {
            throw LoginError(LoginError::Kind::timed_out,
                             who(entry) + ": no sign-in came back to " + redirect_uri + " within " +
                                 seconds(options.timeout));
        }
        Redirect redirect = parse_redirect(request->head(), kRedirectPath);
        if (redirect.kind == Redirect::Kind::other_path) {
            request->respond(404, page("Not found", "This is tresor's sign-in page only."));
            continue;
        }
        if (redirect.kind == Redirect::Kind::malformed) {
            // A stray or hostile local request: the login goes on waiting.
            request->respond(400, page("Bad request", "Not a sign-in redirect tresor can read."));
            continue;
        }
        if (redirect.state.size() != state.size() ||
            sodium_memcmp(redirect.state.data(), state.data(), state.size()) != 0) {
            request->respond(400, page("Sign-in refused",
                                       "This page was not opened by the sign-in tresor started."));
            throw LoginError(LoginError::Kind::state_mismatch,
                             who(entry) +
                                 ": the redirect's state is not this sign-in's (a page "
                                 "this login did not open, or a forged redirect)");
        }
        if (redirect.kind == Redirect::Kind::error) {
            request->respond(400, page("Sign-in refused", "See the terminal."));
            const bool denied = redirect.error == "access_denied";
            throw LoginError(denied ? LoginError::Kind::access_denied : LoginError::Kind::refused,
                             who(entry) + ": the authorization endpoint " +
                                 authorize.origin.text() + " answered " + redirect.error +
                                 (denied ? " (the sign-in was refused)" : ""));
        }
        try {
            TokenRecord record =
                request_token(client, entry, client_secret,
                              {"authorization_code",
                               {{"redirect_uri", redirect_uri}, {"code_verifier", verifier}},
                               "code",
                               &redirect.code});
            request->respond(200, page("Signed in", "You can close this tab."));
            return record;
        } catch (...) {
            request->respond(400, page("Sign-in failed", "See the terminal."));
            throw;
        }
    }
}

TokenRecord login_with_device(http::Client& client, const Entry& entry, const Secret& client_secret,
                              const LoginOptions& options) {
    const http::Url device_url = endpoint_url(entry, "device_authorization_url");
    (void)endpoint_url(entry, "token_url");
    std::vector<std::pair<std::string, std::string>> scope;
    if (const std::string scopes = optional_field(entry.attributes, "scopes"); !scopes.empty()) {
        scope.emplace_back("scope", scopes);
    }
    const http::Response answer =
        post_form(client, entry, client_secret, device_url, {"", scope, "", nullptr});
    const DeviceAuthorization device =
        parse_device_authorization(answer.status, answer.body, device_url.origin.text());
    const std::chrono::seconds lifetime{device.expires_in};
    const std::chrono::seconds wait = std::min(lifetime, options.timeout);
    options.show("To sign in (" + who(entry) + "), open " + device.verification_uri +
                 " and enter the code " + device.user_code +
                 (device.verification_uri_complete.empty()
                      ? std::string()
                      : "\n(or open " + device.verification_uri_complete + ")") +
                 "\nWaiting for the approval (" + seconds(wait) + ") ...");
    const Clock::time_point deadline = Clock::now() + wait;
    std::chrono::seconds interval{device.interval};
    for (;;) {
        if (Clock::now() + interval >= deadline) {
            throw LoginError(
                LoginError::Kind::timed_out,
                who(entry) + ": the device code was not approved within " + seconds(wait));
        }
        std::this_thread::sleep_for(interval);
        const http::Url token_url = endpoint_url(entry, "token_url");
        const http::Response poll = post_form(client, entry, client_secret, token_url,
                                              {"urn:ietf:params:oauth:grant-type:device_code",
                                               {},
                                               "device_code",
                                               &device.device_code});
        const std::optional<DevicePoll> state = device_poll_state(poll.status, poll.body);
        if (!state) {
            return parse_token_response(poll.status, poll.body,
                                        core::now().time_since_epoch().count(),
                                        token_url.origin.text());
        }
        if (*state == DevicePoll::slow_down) {
            interval += std::chrono::seconds(5);  // RFC 8628 §3.5, for every later poll
        }
    }
}

}  // namespace tresor::core
