// serve/credential_body.hpp — the JSON body of a create (POST) or an update
// (PATCH) of the credential API, in the shapes of seeds 002 and 004, mapped
// onto tresor's value + attributes (docs/API.md):
//
//   seed 002    service, name, key           trimmed at both ends (the seed
//                                            says so); nothing else is
//   seed 004    name, type, value, description, expiresAt, and per type:
//     basic_auth  username -> attribute username, password -> the value
//     oauth2      clientId -> client_id, tokenUrl -> token_url,
//                 scopes (array or string) -> scopes (space-separated),
//                 clientSecret -> the value
//     jwt         algorithm -> algorithm, secret | privateKey -> the value
//                 and attribute key = secret | private_key
//     custom      headers {name: value} -> attribute headers (the names,
//                 comma-separated), the value (the values, one per line)
//   tresor's own  attributes {field: text}
//
// A parser of untrusted input: anything else (an unknown field, a field of
// the wrong JSON type or of another type, a secret given twice, a date that
// is not RFC 3339) throws Error{invalid_argument} naming the field, never a
// value.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tresor/secret.hpp"
#include "tresor/store.hpp"

namespace tresor::serve {

enum class BodyKind { create, update };

struct CredentialBody {
    bool seed_002 = false;  // "service" or "key" given
    std::string service;
    std::string name;
    std::optional<Secret> value;
    std::optional<std::string> type;  // as given; checked by the caller
    std::optional<std::string> description;
    bool expiry_given = false;  // expiresAt present; null clears an expiry
    std::optional<Timestamp> expires_at;
    std::optional<Attributes> attributes;  // "attributes" as given
    Attributes fields;                     // from the type's own fields

    // The attributes to store: "attributes" when given, else `kept`, with
    // the type's fields over them.
    [[nodiscard]] Attributes attributes_over(const Attributes& kept) const;
};

// `type_name` is the type the type-specific fields are read for: the body's
// "type" when given, else `fallback_type` (api_key for a create, the entry's
// own for an update).
[[nodiscard]] CredentialBody parse_credential_body(const nlohmann::json& body, BodyKind kind,
                                                   std::string_view fallback_type);

}  // namespace tresor::serve
