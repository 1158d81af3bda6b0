// Argon2id, from the provider the build selected (TRESOR_ARGON2):
//   libargon2  the RFC 9106 reference implementation (Debian libargon2-dev):
//              1.25-1.37x faster than Botan 2.19's here, and lanes run on
//              threads, so parallelism > 1 uses the cores (docs/PERFORMANCE.md)
//   botan      Botan 2's Argon2id: single-threaded, no AVX2 code
// Both wipe the memory they fill before freeing it.
#include "tresor/error.hpp"
#include "vault/detail/crypto.hpp"

#if defined(TRESOR_ARGON2_LIBARGON2)
#include <argon2.h>
#else
#include <botan/pwdhash.h>
#endif

namespace tresor::vault::detail {

#if defined(TRESOR_ARGON2_LIBARGON2)

SecureBytes argon2id(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt,
                     const Argon2Params& params, std::size_t output_bytes) {
    SecureBytes out(output_bytes);
    const int rc =
        argon2id_hash_raw(params.iterations, params.memory_kib, params.parallelism, password.data(),
                          password.size(), salt.data(), salt.size(), out.data(), out.size());
    if (rc != ARGON2_OK) {
        // The message names the failing parameter or resource, never an input.
        throw Error(
            rc == ARGON2_MEMORY_ALLOCATION_ERROR ? ErrorCode::io : ErrorCode::invalid_argument,
            std::string("Argon2id failed: ") + argon2_error_message(rc));
    }
    return out;
}

#else

SecureBytes argon2id(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt,
                     const Argon2Params& params, std::size_t output_bytes) {
    auto family = Botan::PasswordHashFamily::create_or_throw("Argon2id");
    // Botan's order is (memory KiB, iterations, parallelism).
    auto hash = family->from_params(params.memory_kib, params.iterations, params.parallelism);
    SecureBytes out(output_bytes);
    hash->derive_key(out.data(), out.size(), reinterpret_cast<const char*>(password.data()),
                     password.size(), salt.data(), salt.size());
    return out;
}

#endif

}  // namespace tresor::vault::detail
