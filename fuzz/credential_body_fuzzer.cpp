// The body of a POST or PATCH of `tresor serve`'s credential API: any JSON
// object, read in the shapes of seeds 002 and 004 for each type a field may
// belong to (serve/credential_body.hpp).
#include <string_view>

#include "fuzz/fuzz_main.hpp"
#include "serve/credential_body.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes) {
    const auto body = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        return;
    }
    for (const auto kind : {tresor::serve::BodyKind::create, tresor::serve::BodyKind::update}) {
        for (std::string_view type : {"api_key", "basic_auth", "oauth2", "jwt", "custom"}) {
            try {
                const auto parsed = tresor::serve::parse_credential_body(body, kind, type);
                const auto attributes = parsed.attributes_over({{"kept", "k"}});
                for (const auto& [field, text] : parsed.fields) {
                    if (attributes.at(field) != text) {
                        std::abort();  // a type's own field is what is stored
                    }
                }
            } catch (const tresor::Error&) {
                // refused, naming the field: the next shape
            }
        }
    }
}
