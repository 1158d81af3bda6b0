// age/stream.hpp — an age file's payload (c2sp.org/age, "Payload"): a
// 16-byte random nonce, then the plaintext in chunks of 64 KiB, each sealed
// with ChaCha20-Poly1305 under
//   payload key = HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload")
// and the nonce counter (11 bytes, big endian) || last-chunk flag (0x01 on the
// final chunk only). The final chunk may be shorter than 64 KiB and is empty
// only when the whole plaintext is.
//
// open_payload reads untrusted bytes and gives all the plaintext or none: a
// bad tag, a missing final chunk, an empty final chunk after others, or
// bytes after the final chunk are Error{corrupt}, and no byte of a payload
// that fails is returned. Plaintexts and keys are SecureBytes. Thread
// safety: free functions, reentrant.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "tresor/secret.hpp"

namespace tresor::age {

constexpr std::size_t kPayloadNonceBytes = 16;
constexpr std::size_t kChunkBytes = 64 * 1024;

// nonce || chunks, with a fresh nonce.
[[nodiscard]] std::vector<std::uint8_t> seal_payload(std::span<const std::uint8_t> file_key,
                                                     std::span<const std::uint8_t> plaintext);

// `payload` is nonce || chunks: everything after the header.
[[nodiscard]] SecureBytes open_payload(std::span<const std::uint8_t> file_key,
                                       std::span<const std::uint8_t> payload);

}  // namespace tresor::age
