// core/credential.hpp — typed credentials (docs/CREDENTIALS.md): which
// non-secret fields (attributes) each type takes, how they travel through the
// plugin ABI, and how a credential is rendered as HTTP header lines at the
// point of use.
//
// Attributes are metadata: listed, never secret. The secret part of a
// credential is the stored value. Messages name types and fields, never a
// value.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "tresor/store.hpp"

namespace tresor::core {

using Attributes = std::map<std::string, std::string>;

// Throws Error{invalid_argument} when the attributes do not make a credential
// of this type (a missing or unknown field, a field that would break a
// header, an origin that is not https or loopback http) or, for custom, the
// value is not one line per header. Other values
// are bytes and are checked when rendered.
void check_credential(SecretType type, const Attributes& attributes, const Secret& value);

// Rewrites the fields that have a canonical form to it: `origins` (each
// origin as http/url.hpp writes it, "HTTPS://API.Example.com:443/" as
// "https://api.example.com"). check_credential refuses other spellings.
void normalize_attributes(Attributes& attributes);

// The ABI text of tresor_entry.attributes: a JSON object of strings, keys
// sorted; "" for none.
[[nodiscard]] std::string encode_attributes(const Attributes& attributes);
// Throws Error{corrupt} naming `backend` for text that is not such an object.
[[nodiscard]] Attributes decode_attributes(std::string_view text, std::string_view backend);

// The header lines ("Name: value", joined by "\n", no trailing newline) that
// present this credential to a server. Throws Error{invalid_argument} for a
// type that has no header form (password) or whose header is not made from
// the value alone (oauth2: Store asks core/oauth2.hpp for a token). A jwt credential renders a
// token signed for this use (core/jwt.hpp).
[[nodiscard]] Secret render_header(const Entry& entry, const Secret& value);

}  // namespace tresor::core
