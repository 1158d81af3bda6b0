// Argon2id of one lane through libsodium (KDF id 2, docs/VAULT-FORMAT.md).
#include <sodium.h>

#include "tresor/error.hpp"
#include "vault/detail/crypto.hpp"

namespace tresor::vault::detail {

SecureBytes argon2id_one_lane(std::span<const std::uint8_t> password,
                              std::span<const std::uint8_t> salt_16_bytes, std::uint32_t memory_kib,
                              std::uint32_t iterations) {
    static_assert(crypto_pwhash_argon2id_SALTBYTES == 16);
    if (salt_16_bytes.size() != crypto_pwhash_argon2id_SALTBYTES) {
        throw Error(ErrorCode::invalid_argument, "Argon2id of one lane takes a 16-byte salt");
    }
    // Else the portable code runs, not the AVX2 or AVX-512 one.
    initialize_sodium();
    // libsodium declares the password non-null, even an empty one (whose
    // span may hold nullptr).
    static const char kEmpty = 0;
    const char* passwd =
        password.empty() ? &kEmpty : reinterpret_cast<const char*>(password.data());
    SecureBytes out(kKeyBytes);
    if (crypto_pwhash_argon2id(out.data(), out.size(), passwd, password.size(),
                               salt_16_bytes.data(), iterations, std::size_t{memory_kib} * 1024,
                               crypto_pwhash_argon2id_ALG_ARGON2ID13) != 0) {
        // libsodium says only -1: the parameters were checked against the
        // format's bounds before, so this is memory.
        throw Error(ErrorCode::io, "Argon2id failed: out of memory (" +
                                       std::to_string(memory_kib / 1024) + " MiB)");
    }
    return out;
}

}  // namespace tresor::vault::detail
