#include "core/jwt_claims.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "tresor/error.hpp"

namespace tresor::core {
namespace {

constexpr std::array<std::pair<JwtAlgorithm, std::string_view>, 13> kAlgorithms = {{
    {JwtAlgorithm::HS256, "HS256"},
    {JwtAlgorithm::HS384, "HS384"},
    {JwtAlgorithm::HS512, "HS512"},
    {JwtAlgorithm::RS256, "RS256"},
    {JwtAlgorithm::RS384, "RS384"},
    {JwtAlgorithm::RS512, "RS512"},
    {JwtAlgorithm::PS256, "PS256"},
    {JwtAlgorithm::PS384, "PS384"},
    {JwtAlgorithm::PS512, "PS512"},
    {JwtAlgorithm::ES256, "ES256"},
    {JwtAlgorithm::ES384, "ES384"},
    {JwtAlgorithm::ES512, "ES512"},
    {JwtAlgorithm::EdDSA, "EdDSA"},
}};

// Claims tresor sets on every token, never taken from `claims`.
constexpr std::array<std::string_view, 3> kPerTokenClaims = {"iat", "exp", "jti"};
// Fields that become claims of the same name.
constexpr std::array<std::string_view, 3> kClaimFields = {"iss", "sub", "aud"};

[[noreturn]] void invalid(const std::string& why) {
    throw Error(ErrorCode::invalid_argument, "jwt credential: " + why);
}

std::string algorithm_list() {
    std::string out;
    for (const auto& [_, name] : kAlgorithms) {
        out += (out.empty() ? "" : ", ") + std::string(name);
    }
    return out;
}

std::optional<JwtAlgorithm> parse_algorithm(std::string_view name) {
    for (const auto& [algorithm, known] : kAlgorithms) {
        if (name == known) {
            return algorithm;
        }
    }
    return std::nullopt;
}

std::chrono::seconds parse_lifetime(const std::string& text) {
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size() || seconds < 1 ||
        seconds > kMaxJwtLifetime.count()) {
        invalid("field 'lifetime' must be a number of seconds from 1 to " +
                std::to_string(kMaxJwtLifetime.count()));
    }
    return std::chrono::seconds(seconds);
}

nlohmann::json parse_claims(const Attributes& fields) {
    const auto found = fields.find("claims");
    if (found == fields.end()) {
        return nlohmann::json::object();
    }
    auto claims = nlohmann::json::parse(found->second, nullptr, false);
    if (!claims.is_object()) {
        invalid("field 'claims' must be a JSON object (extra claims of every token)");
    }
    for (const auto& [name, _] : claims.items()) {
        if (std::find(kPerTokenClaims.begin(), kPerTokenClaims.end(), name) !=
            kPerTokenClaims.end()) {
            invalid("field 'claims' must not set '" + name + "': tresor sets it on each token");
        }
        if (std::find(kClaimFields.begin(), kClaimFields.end(), name) != kClaimFields.end() &&
            fields.contains(name)) {
            invalid("field 'claims' sets '" + name + "', which the field '" + name + "' sets too");
        }
    }
    return claims;
}

// Compact JSON; text that is not UTF-8 is refused (a token carries JSON).
std::string dump(const nlohmann::json& json, std::string_view what) {
    try {
        return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
    } catch (const nlohmann::json::type_error&) {
        invalid(std::string(what) + " must be UTF-8 text");
    }
}

}  // namespace

std::string_view to_string(JwtAlgorithm algorithm) {
    return kAlgorithms.at(static_cast<std::size_t>(algorithm)).second;
}

bool uses_shared_secret(JwtAlgorithm algorithm) {
    return algorithm == JwtAlgorithm::HS256 || algorithm == JwtAlgorithm::HS384 ||
           algorithm == JwtAlgorithm::HS512;
}

void check_jwt_fields(const Attributes& fields) {
    if (const auto found = fields.find("algorithm"); found != fields.end()) {
        const auto algorithm = parse_algorithm(found->second);
        if (!algorithm) {
            invalid("field 'algorithm' must be one of " + algorithm_list());
        }
        const auto key = fields.find("key");
        const std::string_view wanted = uses_shared_secret(*algorithm) ? "secret" : "private_key";
        if (key != fields.end() && key->second != wanted) {
            invalid("algorithm " + found->second + " signs with a " +
                    (wanted == "secret" ? "shared secret" : "private key") + ", so field 'key' " +
                    "must be '" + std::string(wanted) + "'");
        }
    }
    if (const auto found = fields.find("lifetime"); found != fields.end()) {
        (void)parse_lifetime(found->second);
    }
    (void)dump(parse_claims(fields), "field 'claims'");
}

JwtSpec jwt_spec(const Attributes& fields) {
    check_jwt_fields(fields);
    const auto algorithm_field = fields.find("algorithm");
    if (algorithm_field == fields.end()) {
        invalid("field 'algorithm' is required to sign a token (one of " + algorithm_list() + ")");
    }
    JwtSpec spec{*parse_algorithm(algorithm_field->second), kDefaultJwtLifetime, {}, fields};
    if (const auto found = fields.find("lifetime"); found != fields.end()) {
        spec.lifetime = parse_lifetime(found->second);
    }
    nlohmann::json header = {{"alg", to_string(spec.algorithm)}, {"typ", "JWT"}};
    if (const auto kid = fields.find("kid"); kid != fields.end()) {
        header["kid"] = kid->second;
    }
    spec.header_json = dump(header, "field 'kid'");
    return spec;
}

std::string jwt_payload(const JwtSpec& spec, std::int64_t now_seconds, std::string_view jti) {
    nlohmann::json payload = parse_claims(spec.fields);
    for (const std::string_view field : kClaimFields) {
        if (const auto found = spec.fields.find(std::string(field)); found != spec.fields.end()) {
            payload[std::string(field)] = found->second;
        }
    }
    payload["iat"] = now_seconds;
    payload["exp"] = now_seconds + spec.lifetime.count();
    payload["jti"] = jti;
    return dump(payload, "the claims");
}

}  // namespace tresor::core
