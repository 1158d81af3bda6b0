#include "core/credential.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/base64.hpp"

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
        {SecretType::password, {}, {}},
        {SecretType::api_key, {}, {"header"}},
        {SecretType::bearer_token, {}, {}},
        {SecretType::basic_auth, {"username"}, {}},
        // Optional, unlike seed 004: a refresh token git hands over comes with
        // neither, and entries typed before fields existed must still be set.
        {SecretType::oauth2, {}, {"client_id", "token_url", "scopes"}},
        {SecretType::jwt, {}, {"algorithm", "key"}},
        // Without headers a custom value is any structured secret (e.g. the
        // AWS keys' JSON, docs/INTEGRATIONS.md); it then has no header form.
        {SecretType::custom, {}, {"headers"}},
    }};
    return kRules;
}

const TypeRule& rule_for(SecretType type) {
    return type_rules().at(static_cast<std::size_t>(type));
}

[[noreturn]] void invalid(SecretType type, const std::string& why) {
    throw Error(ErrorCode::invalid_argument, std::string(to_string(type)) + " credential: " + why);
}

// RFC 9110's token: what a header name may be.
bool is_header_name(std::string_view s) {
    constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
    return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               kSpecials.find(c) != std::string_view::npos;
    });
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

std::vector<std::string_view> split(std::string_view s, char separator) {
    std::vector<std::string_view> out;
    for (std::size_t start = 0;;) {
        const std::size_t end = s.find(separator, start);
        out.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) {
            return out;
        }
        start = end + 1;
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
        invalid(type, "field 'header' must be an HTTP header name");
    }
    if (key == "headers") {
        for (std::string_view name : split(value, ',')) {
            if (!is_header_name(name)) {
                invalid(type, "field 'headers' must be HTTP header names separated by commas");
            }
        }
    }
    if (key == "username" && value.find(':') != std::string::npos) {
        invalid(type, "field 'username' must not contain ':' (RFC 7617)");
    }
    if (key == "token_url" && !value.starts_with("https://") && !value.starts_with("http://")) {
        invalid(type, "field 'token_url' must be an http(s) URL");
    }
    if (key == "key" && value != "secret" && value != "private_key") {
        invalid(type, "field 'key' must be 'secret' or 'private_key'");
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
    if (type == SecretType::custom && attributes.contains("headers")) {
        // One value per header name, in the same order, one per line.
        const auto names = split(attributes.at("headers"), ',');
        const auto values = split(value.view(), '\n');
        if (values.size() != names.size() ||
            !std::all_of(values.begin(), values.end(), fits_in_a_header)) {
            invalid(type, "the value must hold one line per header named in 'headers' (" +
                              std::to_string(names.size()) + "), without CR or NUL bytes");
        }
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
                    "its header needs a token exchange at token_url, which tresor "
                    "does not perform");
        case SecretType::jwt:
            invalid(entry.type, "its header needs a signed JWT, which tresor does not generate");
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
        case SecretType::custom: {
            const auto names = split(entry.attributes.at("headers"), ',');
            const auto values = split(value.view(), '\n');
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
