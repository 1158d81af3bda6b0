// core/jwt_botan.hpp — signatures only Botan 2 makes here (RS*, PS*, ES*,
// HS384), through tresor-jwt-botan.so, loaded by the first such signature.
// Loading Botan's shared library costs a process about 11 ms
// (docs/ARCHITECTURE.md, "Crypto"): linked into the CLI or libtresor, every
// `tresor get` would pay it; loaded here, only a process that signs does.
//
// Thread safety: may be called from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/jwt_botan_abi.h"
#include "core/jwt_claims.hpp"

namespace tresor::core {

// Signs `input` with `key` (tresor_jwt_key_form). The module is found beside
// the build tree's core, or in <libdir>/tresor when installed, and opened
// with the trust checks of a plugin (owner, mode, folders) on the
// descriptor it is loaded from. Throws Error{plugin_abi} when it cannot be
// loaded, Error{invalid_argument} for a key that does not parse or cannot
// do the algorithm.
[[nodiscard]] std::vector<std::uint8_t> sign_with_botan(JwtAlgorithm algorithm,
                                                        tresor_jwt_key_form form,
                                                        std::span<const std::uint8_t> key,
                                                        std::string_view input);

}  // namespace tresor::core
