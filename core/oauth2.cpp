#include "core/oauth2.hpp"

#include "core/base64.hpp"
#include "core/clock.hpp"
#include "http/url.hpp"
#include "platform/file_lock.hpp"

namespace tresor::core {
namespace {

constexpr std::chrono::milliseconds kTokenTimeout{30'000};
constexpr std::size_t kMaxTokenAnswerBytes = 1024 * 1024;

[[noreturn]] void invalid(const Entry& entry, const std::string& why) {
    throw Error(ErrorCode::invalid_argument,
                "oauth2 credential " + entry.service + "/" + entry.name + ": " + why);
}

const std::string& field(const Entry& entry, const char* name) {
    return required_field(entry, name, "a token request");
}

// application/x-www-form-urlencoded (RFC 6749 Appendix B): every byte but
// the unreserved ones as %XX.
void append_form_encoded(SecureBytes& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
            b == '-' || b == '.' || b == '_' || b == '~') {
            out.push_back(b);
        } else {
            out.push_back('%');
            out.push_back(static_cast<std::uint8_t>(kHex[b >> 4]));
            out.push_back(static_cast<std::uint8_t>(kHex[b & 15]));
        }
    }
}

void append_text(SecureBytes& out, std::string_view text) {
    out.insert(out.end(), text.begin(), text.end());
}

}  // namespace

const std::string& required_field(const Entry& entry, const char* name, std::string_view what) {
    const auto it = entry.attributes.find(name);
    if (it == entry.attributes.end()) {
        invalid(entry, "field '" + std::string(name) + "' is required for " + std::string(what));
    }
    return it->second;
}

std::string optional_field(const Attributes& attributes, const char* name) {
    const auto it = attributes.find(name);
    return it == attributes.end() ? std::string() : it->second;
}

void append_form_parameter(SecureBytes& out, std::string_view name, std::string_view value) {
    if (!out.empty()) {
        out.push_back('&');
    }
    append_form_encoded(out, name);
    out.push_back('=');
    append_form_encoded(out, value);
}

http::Url endpoint_url(const Entry& entry, const char* name) {
    http::Url url = http::parse_url(required_field(entry, name, "this flow"));
    if (url.origin.scheme != "https" && !url.origin.is_loopback()) {
        invalid(entry, std::string(name) +
                           " must be https (http only to localhost): the client secret and "
                           "the tokens travel there");
    }
    return url;
}

http::Response post_form(http::Client& client, const Entry& entry, const Secret& client_secret,
                         const http::Url& url, const TokenGrant& grant) {
    const std::string& client_id = field(entry, "client_id");
    const std::string method = optional_field(entry.attributes, "auth_method");
    const bool post = method == "client_secret_post" || client_secret.empty();

    SecureBytes body;
    if (!grant.grant_type.empty()) {
        append_form_parameter(body, "grant_type", grant.grant_type);
    }
    for (const auto& [name, value] : grant.parameters) {
        append_form_parameter(body, name, value);
    }
    if (grant.secret_value != nullptr) {
        append_form_parameter(body, grant.secret_name, grant.secret_value->view());
    }
    for (const char* name : {"audience", "resource"}) {
        if (const std::string value = optional_field(entry.attributes, name); !value.empty()) {
            append_form_parameter(body, name, value);
        }
    }
    Secret secret_headers;
    if (post) {
        append_form_parameter(body, "client_id", client_id);
        if (!client_secret.empty()) {
            append_form_parameter(body, "client_secret", client_secret.view());
        }
    } else {
        // RFC 6749 §2.3.1: both parts form-encoded before the Basic pair.
        SecureBytes pair;
        append_form_encoded(pair, client_id);
        pair.push_back(':');
        append_form_encoded(pair, client_secret.view());
        append_text(secret_headers.storage(), "Authorization: Basic ");
        append_base64(secret_headers.storage(), pair);
    }

    const std::vector<http::Header> headers = {
        {"Content-Type", "application/x-www-form-urlencoded"},
        {"Accept", "application/json"},
    };
    http::Request request;
    request.method = "POST";
    request.url = &url;
    request.headers = headers;
    request.secret_headers = secret_headers.empty() ? nullptr : &secret_headers;
    request.body = body;
    request.timeout = kTokenTimeout;
    request.max_response_bytes = kMaxTokenAnswerBytes;
    return client.perform(request);
}

TokenRecord request_token(http::Client& client, const Entry& entry, const Secret& client_secret,
                          const TokenGrant& grant) {
    const http::Url url = endpoint_url(entry, "token_url");
    const http::Response response = post_form(client, entry, client_secret, url, grant);
    return parse_token_response(response.status, response.body,
                                core::now().time_since_epoch().count(), url.origin.text());
}

Key token_record_key(const Key& key) {
    return {key.service, key.name + std::string(kTokenRecordSuffix)};
}

bool is_token_record_name(std::string_view name) noexcept {
    return name.ends_with(kTokenRecordSuffix);
}

void forget_token_record(Backend& backend, const Key& key) {
    const Key record = token_record_key(key);
    if (backend.stat(record)) {
        (void)backend.remove(record);
    }
}

bool token_is_stale(const std::optional<Entry>& old, const SetOptions& fresh) {
    if (!old || old->type != SecretType::oauth2 || fresh.type != SecretType::oauth2) {
        return true;
    }
    for (const char* name : {"client_id", "token_url", "scopes", "audience", "resource",
                             "authorization_url", "device_authorization_url"}) {
        if (optional_field(old->attributes, name) != optional_field(fresh.attributes, name)) {
            return true;
        }
    }
    return false;
}

namespace {

std::optional<TokenRecord> stored_record(Backend& backend, const Key& key) {
    std::optional<Secret> value = backend.get(key);
    if (!value) {
        return std::nullopt;
    }
    return decode_token_record(*value);
}

void write_token_record(Backend& backend, const Entry& entry, const TokenRecord& record) {
    SetOptions options;
    options.type = SecretType::custom;
    options.label = "tokens of oauth2 credential " + entry.name;
    backend.set(token_record_key({entry.service, entry.name}), encode_token_record(record),
                options);
}

bool still_good(const TokenRecord& record) {
    return !record.access_token.empty() &&
           record.expires_at - kTokenRenewMargin.count() > core::now().time_since_epoch().count();
}

std::string login_hint(const Entry& entry) {
    return "sign in with 'tresor oauth login " + entry.service + "/" + entry.name + "'";
}

TokenRecord renew(http::Client& client, const Entry& entry, const Secret& value,
                  const std::optional<TokenRecord>& old) {
    std::vector<std::pair<std::string, std::string>> scope;
    if (const std::string scopes = optional_field(entry.attributes, "scopes"); !scopes.empty()) {
        scope.emplace_back("scope", scopes);
    }
    if (old && old->refresh_token) {
        // RFC 6749 §6: the scope may only narrow; the stored one is asked for.
        try {
            TokenRecord fresh =
                request_token(client, entry, value,
                              {"refresh_token", scope, "refresh_token", &*old->refresh_token});
            if (!fresh.refresh_token) {
                fresh.refresh_token = old->refresh_token;  // not rotated: the old one stays good
            }
            return fresh;
        } catch (const TokenEndpointError& e) {
            // A refresh token that is no longer good, where the client
            // secret can get a new token: that is what it is for.
            if (e.kind() != TokenEndpointError::Kind::invalid_grant) {
                throw;
            }
            if (value.empty()) {
                throw TokenEndpointError(e.kind(), std::string(e.what()) + "; " + login_hint(entry),
                                         e.oauth_code());
            }
        }
    }
    if (value.empty()) {
        invalid(entry, "it has no refresh token and no client secret to get a token with; " +
                           login_hint(entry));
    }
    // A refresh token the server adds (RFC 6749 §4.4.3 says it should not)
    // is kept and used first next time.
    return request_token(client, entry, value, {"client_credentials", scope, "", nullptr});
}

}  // namespace

Secret current_access_token(Backend& backend, http::Client& client, const Entry& entry,
                            const Secret& value, std::mutex& refresh_lock) {
    // Refused before any lock or request: what a token request cannot lack.
    (void)field(entry, "client_id");
    (void)field(entry, "token_url");
    const Key record_key = token_record_key({entry.service, entry.name});
    if (std::optional<TokenRecord> record = stored_record(backend, record_key);
        record && still_good(*record)) {
        return std::move(record->access_token);
    }
    const std::lock_guard in_process(refresh_lock);
    const platform::FileLock across_processes = platform::lock_user_file("oauth2.lock");
    // Another caller may have renewed it while this one waited.
    std::optional<TokenRecord> record = stored_record(backend, record_key);
    if (record && still_good(*record)) {
        return std::move(record->access_token);
    }
    TokenRecord fresh = renew(client, entry, value, record);
    write_token_record(backend, entry, fresh);
    return std::move(fresh.access_token);
}

void store_token_record(Backend& backend, const Entry& entry, const TokenRecord& record,
                        std::mutex& refresh_lock) {
    const std::lock_guard in_process(refresh_lock);
    const platform::FileLock across_processes = platform::lock_user_file("oauth2.lock");
    write_token_record(backend, entry, record);
}

}  // namespace tresor::core
