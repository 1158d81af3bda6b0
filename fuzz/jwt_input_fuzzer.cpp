// What a jwt credential's signer reads (core/pem_key.hpp,
// core/jwt_claims.hpp); the first byte picks: a PEM private key (the stored
// value), the `claims` field, or all the fields as a JSON object of strings.
#include <nlohmann/json.hpp>

#include "core/jwt_claims.hpp"
#include "core/pem_key.hpp"
#include "fuzz/fuzz_main.hpp"

namespace {

constexpr std::int64_t kNow = 1'800'000'000;

// A payload carries what the fields say and the per-token claims as given.
void check_payload(const tresor::core::Attributes& fields) {
    const auto spec = tresor::core::jwt_spec(fields);
    const auto payload = nlohmann::json::parse(tresor::core::jwt_payload(spec, kNow, "id"));
    if (payload.at("iat") != kNow || payload.at("exp") != kNow + spec.lifetime.count() ||
        payload.at("jti") != "id" || nlohmann::json::parse(spec.header_json).at("typ") != "JWT") {
        std::abort();
    }
    for (const char* field : {"iss", "sub", "aud"}) {
        if (fields.contains(field) && payload.at(field) != fields.at(field)) {
            std::abort();
        }
    }
}

}  // namespace

void fuzz_one(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) {
        return;
    }
    const auto rest = bytes.subspan(1);
    const std::string text(rest.begin(), rest.end());
    switch (bytes[0] % 3) {
        case 0: {
            const auto key = tresor::core::parse_pem_private_key(rest);
            if (key.der.empty()) {
                std::abort();  // an empty block is refused
            }
            (void)tresor::core::ed25519_seed(key);
            break;
        }
        case 1:
            check_payload({{"algorithm", "HS256"}, {"iss", "fuzz"}, {"claims", text}});
            break;
        default: {
            const auto fields = nlohmann::json::parse(text, nullptr, false);
            if (!fields.is_object()) {
                return;
            }
            tresor::core::Attributes attributes;
            for (const auto& [name, value] : fields.items()) {
                if (!value.is_string()) {
                    return;
                }
                attributes[name] = value.get<std::string>();
            }
            check_payload(attributes);
            break;
        }
    }
}
