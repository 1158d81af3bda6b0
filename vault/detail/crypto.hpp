// vault/detail/crypto.hpp — the vault's primitives. HKDF-SHA-256,
// HMAC-SHA-256, SHA-256, XChaCha20-Poly1305 (IETF, 24-byte nonce), random
// bytes and constant-time comparison come from libsodium (crypto.cpp; HKDF
// is RFC 5869 over its HMAC), each giving the bytes Botan 2 gives
// (tests/unit/vault/crypto_cross_check_test.cpp); Argon2id is tresor's own
// (vault/argon2/argon2id.hpp), held to libargon2's bytes.
//
// Keys and plaintexts are SecureBytes (zeroed on release). aead_open never
// returns unauthenticated bytes: the tag is checked before anything is
// decrypted, and a bad one gives empty. A key or nonce of the wrong size is
// Error{invalid_argument}.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "vault/detail/bytes.hpp"

namespace tresor::vault::detail {

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kNonceBytes = 24;  // XChaCha20
constexpr std::size_t kTagBytes = 16;
constexpr std::size_t kMacBytes = 32;

struct Argon2Params {
    std::uint32_t memory_kib;
    std::uint32_t iterations;
    std::uint32_t parallelism;
};

// RFC 9106 Argon2id (version 0x13) without secret or associated data, every
// lane on a thread of its own up to the CPUs this process may use
// (vault/argon2/argon2id.hpp). Both KDF ids of a password slot are this
// function (docs/VAULT-FORMAT.md): KDF 2 only gives it a 16-byte salt.
[[nodiscard]] SecureBytes argon2id(std::span<const std::uint8_t> password,
                                   std::span<const std::uint8_t> salt, const Argon2Params& params,
                                   std::size_t output_bytes = kKeyBytes);

// Makes libsodium ready (its fastest code for this CPU, its RNG): called by
// every primitive here, idempotent and thread-safe. Throws Error{io} when
// libsodium cannot start.
void initialize_sodium();

// RFC 5869 with SHA-256; the label is HKDF's info. Throws
// Error{invalid_argument} above 255 × 32 output bytes.
[[nodiscard]] SecureBytes hkdf_sha256(std::span<const std::uint8_t> key,
                                      std::span<const std::uint8_t> salt, std::string_view label,
                                      std::size_t output_bytes = kKeyBytes);

[[nodiscard]] Bytes hmac_sha256(std::span<const std::uint8_t> key,
                                std::span<const std::uint8_t> message);

[[nodiscard]] Bytes sha256(std::span<const std::uint8_t> message);

// nonce || ciphertext || tag, with a fresh random nonce.
[[nodiscard]] Bytes aead_seal(std::span<const std::uint8_t> key,
                              std::span<const std::uint8_t> plaintext,
                              std::span<const std::uint8_t> associated_data);

// Same, with a caller-chosen nonce: for known-answer tests only.
[[nodiscard]] Bytes aead_seal_with_nonce(std::span<const std::uint8_t> key,
                                         std::span<const std::uint8_t> nonce,
                                         std::span<const std::uint8_t> plaintext,
                                         std::span<const std::uint8_t> associated_data);

// The plaintext, or empty when the tag does not verify (or the input is too
// short to hold a nonce and tag).
[[nodiscard]] std::optional<SecureBytes> aead_open(std::span<const std::uint8_t> key,
                                                   std::span<const std::uint8_t> sealed,
                                                   std::span<const std::uint8_t> associated_data);

[[nodiscard]] Bytes random_bytes(std::size_t n);
[[nodiscard]] SecureBytes random_key();

// Lengths are not secret; the contents are compared in constant time.
[[nodiscard]] bool equal_in_constant_time(std::span<const std::uint8_t> a,
                                          std::span<const std::uint8_t> b);

}  // namespace tresor::vault::detail
