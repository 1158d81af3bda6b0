// vault/detail/header.hpp — the vault header: format version, vault id, the
// key slots that wrap the vault key, and the manifest of every record. One
// authenticated blob (docs/VAULT-FORMAT.md, "Header").
//
// decode() refuses anything outside the format's fixed bounds before any KDF
// runs, so a hostile file cannot make us allocate 64 GiB or loop 2^32 times.
#pragma once

#include <cstdint>
#include <vector>

#include "vault/detail/bytes.hpp"
#include "vault/detail/crypto.hpp"

namespace tresor::vault::detail {

constexpr std::uint16_t kFormatVersion = 1;
constexpr std::size_t kVaultIdBytes = 16;
constexpr std::size_t kSaltBytes = 32;
constexpr std::size_t kWrappedKeyBytes = kKeyBytes + kTagBytes;
constexpr std::size_t kMaxSlots = 8;

// Bounds accepted when reading a slot: fixed, never relative to this machine.
constexpr std::uint32_t kMinReadMemoryKib = 8 * 1024;
constexpr std::uint32_t kMaxReadMemoryKib = 4 * 1024 * 1024;  // 4 GiB
constexpr std::uint32_t kMaxReadIterations = 64;
constexpr std::uint32_t kMaxReadParallelism = 16;

enum class SlotKind : std::uint8_t { password = 1, keyfile = 2 };
constexpr std::uint8_t kKdfNone = 0;
constexpr std::uint8_t kKdfArgon2id13 = 1;  // Argon2id, version 0x13 (RFC 9106)

struct Slot {
    SlotKind kind = SlotKind::password;
    std::uint8_t id = 0;
    std::uint8_t kdf = kKdfArgon2id13;
    Argon2Params params{0, 0, 0};  // zero for key-file slots
    Bytes salt;                    // kSaltBytes
    Bytes nonce;                   // kNonceBytes
    Bytes wrapped_vault_key;       // kWrappedKeyBytes: XChaCha20-Poly1305(vault key)
};

struct Header {
    std::uint16_t format_version = kFormatVersion;
    Bytes vault_id;                // kVaultIdBytes
    std::uint64_t generation = 0;  // +1 on every committed change
    std::uint64_t record_count = 0;
    Bytes manifest;  // kMacBytes: XOR of every record's manifest entry
    std::vector<Slot> slots;
    Bytes mac;  // kMacBytes: HMAC-SHA-256(header key, everything before it)
};

[[nodiscard]] Bytes encode_header_body(const Header& header);
// The slots as stored: what a header change compares to detect that another
// process changed them meanwhile.
[[nodiscard]] Bytes encode_slots(const Header& header);
[[nodiscard]] Bytes encode_header(const Header& header);
[[nodiscard]] Header decode_header(std::span<const std::uint8_t> blob);

// What a slot's wrap authenticates: the slot's own parameters, the vault id
// and the format version, so editing any of them fails the unwrap.
[[nodiscard]] Bytes slot_associated_data(const Header& header, const Slot& slot);

}  // namespace tresor::vault::detail
