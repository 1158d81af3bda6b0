// age/aead.hpp — ChaCha20-Poly1305 (RFC 7539, 12-byte nonce), the AEAD of
// age's stanzas and payload, from libsodium (crypto_aead_chacha20poly1305_ietf).
// The vault's own AEAD is XChaCha20 (vault/detail/crypto.hpp); age fixes the
// shorter nonce. No associated data: age uses none.
//
// chacha20poly1305_open never returns unauthenticated bytes: libsodium checks
// the tag before it decrypts. Keys and plaintexts are SecureBytes; a key or
// nonce of the wrong size is Error{invalid_argument}.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "tresor/secret.hpp"

namespace tresor::age {

constexpr std::size_t kAeadKeyBytes = 32;
constexpr std::size_t kAeadNonceBytes = 12;
constexpr std::size_t kAeadTagBytes = 16;

// ciphertext || tag, appended to `out`.
void chacha20poly1305_seal(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> key,
                           std::span<const std::uint8_t> nonce,
                           std::span<const std::uint8_t> plaintext);

// Appends the plaintext of `sealed` (ciphertext || tag) to `out` and returns
// true, or returns false and leaves `out` as it was when the tag does not
// verify or `sealed` is shorter than a tag.
[[nodiscard]] bool chacha20poly1305_open(SecureBytes& out, std::span<const std::uint8_t> key,
                                         std::span<const std::uint8_t> nonce,
                                         std::span<const std::uint8_t> sealed);

}  // namespace tresor::age
