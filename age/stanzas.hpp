// age/stanzas.hpp — age's two native recipient types without post-quantum
// keys (c2sp.org/age): X25519, and scrypt for a passphrase. Each wraps the
// 16-byte file key in one stanza; an identity unwraps the stanzas of its own
// type and ignores the others.
//
//   -> X25519 <base64 ephemeral share (32)>
//   <base64 ChaCha20-Poly1305(HKDF(X25519(e, R), share || R, "age-encryption.org/v1/X25519"), file
//   key)>
//   -> scrypt <base64 salt (16)> <log2 N>
//   <base64 ChaCha20-Poly1305(scrypt(passphrase, "age-encryption.org/v1/scrypt" || salt, N, r 8, p
//   1), file key)>
//
// Both ChaCha20-Poly1305 nonces are 12 zero bytes (every key is fresh).
// An unwrap gives nothing for a stanza of another type or one that its key
// does not open (another recipient, a wrong passphrase), and throws
// Error{corrupt} for a stanza of its type that breaks the spec: a wrong
// argument count, non-canonical or wrongly sized base64, a body that is not
// exactly 32 bytes (checked before any decryption, against partitioning
// oracles), an all-zero X25519 shared secret, a work factor that is not
// %x31-39 *DIGIT or is above the caller's limit. File keys, identities and
// passphrases are SecureBytes. Thread safety: free functions, reentrant.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "age/header.hpp"
#include "tresor/secret.hpp"

namespace tresor::age {

constexpr std::size_t kFileKeyBytes = 16;
constexpr std::size_t kX25519KeyBytes = 32;
// The work factor `age -p` writes (2^18 × 1 KiB = 256 MiB, about a second).
constexpr int kScryptWriteWorkFactor = 18;
// The reader's ceiling, age's and rage's own: 2^22 × 1 KiB = 4 GiB and many
// seconds, which a hostile file must not make us spend unasked.
constexpr int kScryptMaxWorkFactor = 22;

[[nodiscard]] Stanza x25519_stanza(std::span<const std::uint8_t> file_key,
                                   std::span<const std::uint8_t> recipient_public_key);
[[nodiscard]] std::optional<SecureBytes> unwrap_x25519(const Stanza& stanza,
                                                       std::span<const std::uint8_t> identity);

// work_factor: log2 of scrypt's N, 1 to 30.
[[nodiscard]] Stanza scrypt_stanza(std::span<const std::uint8_t> file_key,
                                   std::span<const std::uint8_t> passphrase, int work_factor);
[[nodiscard]] std::optional<SecureBytes> unwrap_scrypt(const Stanza& stanza,
                                                       std::span<const std::uint8_t> passphrase,
                                                       int max_work_factor);

}  // namespace tresor::age
