// vault/detail/header.hpp — the vault header: format version, vault id, the
// key slots that wrap the vault key, and the manifest of every record. One
// authenticated blob (docs/VAULT-FORMAT.md, "Header").
//
// decode() refuses anything outside the format's fixed bounds before any KDF
// runs, so a hostile file cannot make us allocate 64 GiB or loop 2^32 times.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vault/detail/bytes.hpp"
#include "vault/detail/crypto.hpp"

namespace tresor::vault::detail {

// Format 1: password and key-file slots only; every vault written before
// recipient slots existed. Format 2: the same header with at least one
// recipient slot, whose layout a format-1 reader cannot parse: it refuses the
// version instead of misreading the slot. The version follows from the slots
// (format_version()); the AADs carry kFormatVersion in both, so adding or
// removing the first recipient changes no other slot's wrap and no record.
constexpr std::uint16_t kFormatVersion = 1;
constexpr std::uint16_t kFormatVersionWithRecipients = 2;
// Format 3: a header whose key slots, vault-key commitment and key epoch an
// admin identity signs (Ed25519, vault/trust/admin_signature.hpp): slots of
// every kind, then the admin block before the MAC. The fleet's vaults.
constexpr std::uint16_t kFormatVersionSigned = 3;
constexpr std::size_t kVaultIdBytes = 16;
constexpr std::size_t kSaltBytes = 32;
constexpr std::size_t kWrappedKeyBytes = kKeyBytes + kTagBytes;
// Password and key-file slots (each may cost a KDF run to try): 8, the
// format-1 bound. Recipient slots cost no KDF, and a fleet has many hosts:
// a format-2 header holds up to 64 slots in all.
constexpr std::size_t kMaxSlots = 8;
constexpr std::size_t kMaxSlotsWithRecipients = 64;
constexpr std::size_t kPublicKeyBytes = 32;  // X25519
constexpr std::size_t kMaxLabelBytes = 64;
constexpr std::size_t kAdminPublicKeyBytes = 32;  // Ed25519
constexpr std::size_t kSignatureBytes = 64;       // Ed25519

// Bounds accepted when reading a slot: fixed, never relative to this machine.
constexpr std::uint32_t kMinReadMemoryKib = 8 * 1024;
constexpr std::uint32_t kMaxReadMemoryKib = 4 * 1024 * 1024;  // 4 GiB
constexpr std::uint32_t kMaxReadIterations = 64;
constexpr std::uint32_t kMaxReadParallelism = 16;

enum class SlotKind : std::uint8_t { password = 1, keyfile = 2, recipient = 3 };
constexpr std::uint8_t kKdfNone = 0;
constexpr std::uint8_t kKdfArgon2id13 = 1;  // Argon2id, version 0x13 (RFC 9106)
// The same Argon2id with a 16-byte salt and one lane, the shape libsodium's
// crypto_pwhash_argon2id computes (with AVX2/AVX-512): new password slots of
// one lane. The salt field keeps its 32 bytes; the last 16 must be zero.
constexpr std::uint8_t kKdfArgon2id13OneLane = 2;
constexpr std::size_t kOneLaneSaltBytes = 16;

struct Slot {
    SlotKind kind = SlotKind::password;
    std::uint8_t id = 0;
    // Password and key-file slots only:
    std::uint8_t kdf = kKdfArgon2id13;
    Argon2Params params{0, 0, 0};  // zero for key-file slots
    Bytes salt;                    // kSaltBytes
    // Recipient slots only (vault/slots/recipient.hpp):
    Bytes ephemeral_share;       // kPublicKeyBytes: this wrap's ephemeral X25519 public key
    Bytes recipient_public_key;  // kPublicKeyBytes: the host's X25519 public key
    std::string label;           // at most kMaxLabelBytes, no control characters
    // Every slot:
    Bytes nonce;              // kNonceBytes
    Bytes wrapped_vault_key;  // kWrappedKeyBytes: XChaCha20-Poly1305(vault key)
};

// A replaced admin identity's word for its successor: the previous admin
// key signed handover_message(vault id, previous, next).
struct Handover {
    Bytes previous_admin;  // kAdminPublicKeyBytes
    Bytes signature;       // kSignatureBytes
};

// Format 3's admin block: who may change the key slots, and their word on
// the slots and the vault key (docs/VAULT-FORMAT.md, "Signed headers").
struct AdminBlock {
    std::uint64_t key_epoch = 0;  // >= 1; +1 on every signed change
    Bytes key_commitment;    // kMacBytes: HKDF(vault key, vault id, "tresor/v1/key-commitment")
    Bytes admin_public_key;  // kAdminPublicKeyBytes
    std::optional<Handover> handover;
    Bytes signature;  // kSignatureBytes: Ed25519 over signed_message()
};

struct Header {
    Bytes vault_id;                // kVaultIdBytes
    std::uint64_t generation = 0;  // +1 on every committed change
    std::uint64_t record_count = 0;
    Bytes manifest;  // kMacBytes: XOR of every record's manifest entry
    std::vector<Slot> slots;
    std::optional<AdminBlock> admin;  // format 3 only
    Bytes mac;                        // kMacBytes: HMAC-SHA-256(header key, everything before it)
};

// kFormatVersionSigned with an admin block, else kFormatVersionWithRecipients
// when a slot is a recipient, else kFormatVersion.
[[nodiscard]] std::uint16_t format_version(const Header& header);

// A slot label a header may hold: at most kMaxLabelBytes, and no byte below
// 0x20 nor 0x7f, so printing one cannot move a terminal's cursor.
[[nodiscard]] bool is_valid_slot_label(std::string_view label);

[[nodiscard]] Bytes encode_header_body(const Header& header);
// The slots as stored: what a header change compares to detect that another
// process changed them meanwhile.
[[nodiscard]] Bytes encode_slots(const Header& header);
// What an admin signs: the label "tresor/v1/admin-signature", the format
// version, vault id, key epoch, key commitment, admin public key, slot
// count and encode_slots(). Only for a header with an admin block.
[[nodiscard]] Bytes signed_message(const Header& header);
// What a previous admin signs for its successor.
[[nodiscard]] Bytes handover_message(std::span<const std::uint8_t> vault_id,
                                     std::span<const std::uint8_t> previous_admin,
                                     std::span<const std::uint8_t> next_admin);
[[nodiscard]] Bytes encode_header(const Header& header);
[[nodiscard]] Header decode_header(std::span<const std::uint8_t> blob);

// What a slot's wrap authenticates: every field of the slot before its
// nonce (label included) and the vault id, so editing any of them fails the
// unwrap.
[[nodiscard]] Bytes slot_associated_data(const Header& header, const Slot& slot);

}  // namespace tresor::vault::detail
