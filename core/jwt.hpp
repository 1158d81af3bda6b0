// core/jwt.hpp — a fresh signed JWT (RFC 7519, JWS compact serialization of
// RFC 7515) for each use of a jwt credential: the header and claims its
// fields describe (core/jwt_claims.hpp), `iat`/`exp` from `now`, a random
// `jti`, and a signature by the stored secret or private key.
//
// HS256, HS512 and EdDSA (Ed25519) are libsodium's; RS*, PS*, ES* and HS384
// are Botan 2's, in a module loaded only when one is used (core/jwt_botan.hpp).
#pragma once

#include <chrono>

#include "core/jwt_claims.hpp"
#include "tresor/secret.hpp"

namespace tresor::core {

// The token, in wiped memory (it is a bearer credential until it expires).
// Throws Error{invalid_argument} for fields that make no token, an empty or
// too short secret, a key that does not parse or cannot do the algorithm;
// Error{plugin_abi} when Botan's module is needed and cannot be loaded;
// Error{unavailable} in a build without libsodium (Windows). Messages never
// quote the key.
[[nodiscard]] Secret sign_jwt(const Attributes& fields, const Secret& key,
                              std::chrono::system_clock::time_point now);

}  // namespace tresor::core
