// core/jwt_claims.hpp — what a jwt credential's fields say about the tokens
// it signs (docs/CREDENTIALS.md): the algorithm, the JOSE header and the
// claims, with `iat`, `exp` and `jti` set per token. Pure code (no crypto,
// no clock of its own), fuzzed with the PEM reader by fuzz/jwt_input_fuzzer.cpp.
//
// The fields are metadata, not secrets; messages may name them but never
// the value (the HMAC secret or the private key).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/credential.hpp"

namespace tresor::core {

// RFC 7518 section 3.1's names, and RFC 8037's EdDSA (Ed25519 here).
enum class JwtAlgorithm {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    EdDSA,
};

[[nodiscard]] std::string_view to_string(JwtAlgorithm algorithm);
// True for HS*: the value is a shared secret, not a private key.
[[nodiscard]] bool uses_shared_secret(JwtAlgorithm algorithm);

// The fields of a jwt credential beside `algorithm` and `key`.
inline constexpr std::string_view kJwtClaimFields[] = {"iss",      "sub",    "aud",
                                                       "lifetime", "claims", "kid"};
inline constexpr std::chrono::seconds kDefaultJwtLifetime{300};
inline constexpr std::chrono::seconds kMaxJwtLifetime{366 * 24 * 3600};

struct JwtSpec {
    JwtAlgorithm algorithm;
    std::chrono::seconds lifetime;
    std::string header_json;  // {"alg","kid"?,"typ"}
    Attributes fields;        // the credential's fields, to build each payload
};

// Checks what the fields say, field by field, as `set` does: an unknown
// algorithm, a `key` that contradicts it, a lifetime that is not a number
// of seconds in range, `claims` that is not a JSON object or sets a claim
// tresor sets (iat, exp, jti, or one given as a field). Throws
// Error{invalid_argument} naming the field.
void check_jwt_fields(const Attributes& fields);

// check_jwt_fields, and the algorithm is present (a token needs one).
[[nodiscard]] JwtSpec jwt_spec(const Attributes& fields);

// The payload of one token: the extra claims, iss/sub/aud, iat = now,
// exp = now + lifetime, jti (the caller's random text), as compact JSON.
[[nodiscard]] std::string jwt_payload(const JwtSpec& spec, std::int64_t now_seconds,
                                      std::string_view jti);

}  // namespace tresor::core
