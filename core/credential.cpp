#include "core/credential.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/base64.hpp"
#include "core/clock.hpp"
#include "core/jwt.hpp"
#include "http/message.hpp"
#include "http/url.hpp"

namespace tresor::core {
namespace {

constexpr std::size_t kMaxAttributeBytes = 4096;

struct TypeRule {
    SecretType type;
    std::vector<std::string_view> required;
    std::vector<std::string_view> optional;
};

// Seed 004's table. client_id is not secret (RFC 6749, 2.2); the client
// secret is the value.
const std::array<TypeRule, 7>& type_rules() {
    static const std::array<TypeRule, 7> kRules = {{
        // `origins`: where Store::request may send the credential (every
        // type but password, which has no header form).
        {SecretType::password, {}, {}},
        {SecretType::api_key, {}, {"header", "origins"}},
        {SecretType::bearer_token, {}, {"origins"}},
        {SecretType::basic_auth, {"username"}, {"origins"}},
        // Optional, unlike seed 004: a refresh token git hands over comes with
        // neither, and entries typed before fields existed must still be set.
        // The token requests' fields are core/oauth2.hpp's.
        {SecretType::oauth2,
         {},
         {"client_id", "token_url", "scopes", "auth_method", "audience", "resource",
          "authorization_url", "device_authorization_url", "origins"}},
        // What each signed token says (core/jwt_claims.hpp); the value is the
        // HMAC secret or the PEM private key.
        {SecretType::jwt,
         {},
         {"algorithm", "key", "iss", "sub", "aud", "lifetime", "claims", "kid", "origins"}},
        // Without headers a custom value is any structured secret (e.g. the
        // AWS keys' JSON, docs/INTEGRATIONS.md); it then has no header form.
        {SecretType::custom, {}, {"headers", "origins"}},
    }};
    return kRules;
}

const TypeRule& rule_for(SecretType type) {
    return type_rules().at(static_cast<std::size_t>(type));
}

[[noreturn]] void invalid(SecretType type, const std::string& why) {
    throw Error(ErrorCode::invalid_argument, std::string(to_string(type)) + " credential: " + why);
}

// A name a credential's header may have: an RFC 9110 token, and never the
// host or a framing header (http/message.hpp), whose value would address
// or frame the request rather than authenticate it (a PATCH that cannot
// read the value must not turn it into a Host or Content-Length).
// Authorization and Proxy-Authorization are what credentials are for.
bool is_header_name(std::string_view s) {
    return http::is_token(s) &&
           (!http::is_reserved_header(s) || http::same_header_name(s, "authorization") ||
            http::same_header_name(s, "proxy-authorization"));
}

bool has_control_byte(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b < 0x20 || b == 0x7f;
    });
}

// A value that goes into a header line verbatim: a CR or LF would let it add
// lines of its own (header injection).
bool fits_in_a_header(std::string_view s) {
    return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Each origin in its canonical form (http/url.hpp), https or, to a
// loopback host only, plain http: elsewhere anyone on the path would read
// the credential.
void check_origins(SecretType type, const std::string& value) {
    std::vector<http::Origin> origins;
    try {
        origins = http::parse_origin_list(value);
    } catch (const Error& e) {
        invalid(type,
                "field 'origins' must be origins separated by spaces: " + std::string(e.what()));
    }
    std::string canonical;
    for (const http::Origin& o : origins) {
        if (o.scheme != "https" && !o.is_loopback()) {
            invalid(type, "field 'origins': " + o.text() +
                              " is plain http; a credential is sent over https (http only to "
                              "localhost)");
        }
        canonical += (canonical.empty() ? "" : " ") + o.text();
    }
    if (canonical != value) {
        invalid(type, "field 'origins' must be written in canonical form: '" + canonical + "'");
    }
}

void check_attribute(SecretType type, const std::string& key, const std::string& value) {
    if (value.empty() || value.size() > kMaxAttributeBytes || has_control_byte(value)) {
        invalid(type, "field '" + key + "' must be 1 to " + std::to_string(kMaxAttributeBytes) +
                          " bytes without control characters");
    }
    // The fields travel and are stored as JSON text (encode_attributes),
    // which carries UTF-8 only: other bytes were an internal error.
    try {
        (void)nlohmann::json(key).dump();
        (void)nlohmann::json(value).dump();
    } catch (const nlohmann::json::type_error&) {
        invalid(type, "field '" + (is_header_name(key) ? key : std::string("?")) +
                          "' must be UTF-8 text");
    }
    if (key == "header" && !is_header_name(value)) {
        invalid(type, "field 'header' must be an HTTP header name, not Host or a framing header");
    }
    if (key == "headers") {
        for (std::string_view name : http::split(value, ',')) {
            if (!is_header_name(name)) {
                invalid(type,
                        "field 'headers' must be HTTP header names separated by commas, not Host "
                        "or a framing header");
            }
        }
    }
    if (key == "username" && value.find(':') != std::string::npos) {
        invalid(type, "field 'username' must not contain ':' (RFC 7617)");
    }
    if ((key == "token_url" || key == "authorization_url" || key == "device_authorization_url") &&
        !value.starts_with("https://") && !value.starts_with("http://")) {
        invalid(type, "field '" + key + "' must be an http(s) URL");
    }
    if (key == "auth_method" && value != "client_secret_basic" && value != "client_secret_post") {
        invalid(type, "field 'auth_method' must be 'client_secret_basic' or 'client_secret_post'");
    }
    if (key == "key" && value != "secret" && value != "private_key") {
        invalid(type, "field 'key' must be 'secret' or 'private_key'");
    }
    if (key == "origins") {
        check_origins(type, value);
    }
}

void append(SecureBytes& out, std::string_view text) {
    out.insert(out.end(), text.begin(), text.end());
}

void check_fields(SecretType type, const Attributes& attributes) {
    const TypeRule& rule = rule_for(type);
    for (std::string_view required : rule.required) {
        if (!attributes.contains(std::string(required))) {
            invalid(type, "field '" + std::string(required) + "' is required");
        }
    }
    for (const auto& [key, text] : attributes) {
        const bool known =
            std::find(rule.required.begin(), rule.required.end(), key) != rule.required.end() ||
            std::find(rule.optional.begin(), rule.optional.end(), key) != rule.optional.end();
        if (!known) {
            invalid(type, "unknown field '" + key + "'");
        }
        check_attribute(type, key, text);
    }
}

}  // namespace

void check_credential(SecretType type, const Attributes& attributes, const Secret& value) {
    check_fields(type, attributes);
    if (type == SecretType::jwt) {
        check_jwt_fields(attributes);
    }
    if (type == SecretType::custom && attributes.contains("headers")) {
        // One value per header name, in the same order, one per line.
        const auto names = http::split(attributes.at("headers"), ',');
        const auto values = http::split(value.view(), '\n');
        if (values.size() != names.size() ||
            !std::all_of(values.begin(), values.end(), fits_in_a_header)) {
            invalid(type, "the value must hold one line per header named in 'headers' (" +
                              std::to_string(names.size()) + "), without CR or NUL bytes");
        }
    }
}

void normalize_attributes(Attributes& attributes) {
    const auto it = attributes.find("origins");
    if (it == attributes.end()) {
        return;
    }
    try {
        std::string canonical;
        for (const http::Origin& o : http::parse_origin_list(it->second)) {
            canonical += (canonical.empty() ? "" : " ") + o.text();
        }
        it->second = std::move(canonical);
    } catch (const Error&) {
        // Left as it is: check_credential says what is wrong with it.
    }
}

std::string encode_attributes(const Attributes& attributes) {
    if (attributes.empty()) {
        return {};
    }
    return nlohmann::json(attributes).dump();
}

Attributes decode_attributes(std::string_view text, std::string_view backend) {
    if (text.empty()) {
        return {};
    }
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (!json.is_object() ||
        !std::all_of(json.begin(), json.end(), [](const auto& item) { return item.is_string(); })) {
        throw Error(ErrorCode::corrupt, "backend '" + std::string(backend) +
                                            "' returned credential fields that are not a JSON "
                                            "object of strings");
    }
    return json.get<Attributes>();
}

Secret render_header(const Entry& entry, const Secret& value) {
    switch (entry.type) {
        case SecretType::password:
            invalid(entry.type,
                    "a password has no header form (store it as api_key, "
                    "bearer_token or basic_auth)");
        case SecretType::oauth2:
            invalid(entry.type,
                    "its header is an access token from token_url (core/oauth2.hpp), not a "
                    "rendering of the stored value");
        case SecretType::custom:
            if (!entry.attributes.contains("headers")) {
                invalid(entry.type, "it has no 'headers' field naming the headers to render");
            }
            break;
        default:
            break;
    }
    // Checked again here: the entry may have been stored before it was typed,
    // or by a program that bypassed these rules.
    check_credential(entry.type, entry.attributes, value);
    SecureBytes out;
    switch (entry.type) {
        case SecretType::basic_auth: {
            SecureBytes pair;
            append(pair, entry.attributes.at("username") + ":");
            append(pair, value.view());
            append(out, "Authorization: Basic ");
            append_base64(out, pair);
            break;
        }
        case SecretType::jwt:
            append(out, "Authorization: Bearer ");
            append(out, sign_jwt(entry.attributes, value, now()).view());
            break;
        case SecretType::custom: {
            const auto names = http::split(entry.attributes.at("headers"), ',');
            const auto values = http::split(value.view(), '\n');
            for (std::size_t i = 0; i < names.size(); ++i) {
                append(out, std::string(i == 0 ? "" : "\n") + std::string(names[i]) + ": ");
                append(out, values.at(i));
            }
            break;
        }
        default: {  // api_key, bearer_token
            if (value.empty() || !fits_in_a_header(value.view())) {
                invalid(entry.type,
                        "the value is empty or holds CR, LF or NUL bytes, which "
                        "a header cannot carry");
            }
            const auto header = entry.attributes.find("header");
            append(out, header != entry.attributes.end() ? header->second + ": "
                                                         : std::string("Authorization: Bearer "));
            append(out, value.view());
            break;
        }
    }
    return Secret(std::move(out));
}

}  // namespace tresor::core
