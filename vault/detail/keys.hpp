// vault/detail/keys.hpp — the key hierarchy.
//
//   password --Argon2id--> IKM --HKDF("tresor/v1/kek/password")--> KEK
//   key file --------------------HKDF("tresor/v1/kek/keyfile")---> KEK
//   host key --X25519 with the slot's ephemeral share--HKDF("tresor/v1/kek/recipient")--> KEK
//   KEK --XChaCha20-Poly1305(slot AAD)--> wrapped vault key (in the slot)
//   vault key --HKDF--> record key, index key, header key, manifest key
//
// One key, one purpose: each subkey has its own HKDF label.
#pragma once

#include "vault/detail/header.hpp"
#include "vault/vault.hpp"

namespace tresor::vault::detail {

struct Subkeys {
    SecureBytes record;    // seals record fields
    SecureBytes index;     // blind index of service and name
    SecureBytes header;    // header MAC
    SecureBytes manifest;  // manifest entries
};

[[nodiscard]] Subkeys derive_subkeys(std::span<const std::uint8_t> vault_key,
                                     std::span<const std::uint8_t> vault_id);

// The kind of slot a credential unlocks.
[[nodiscard]] SlotKind slot_kind_for(const Credential& credential);

// Throws Error{corrupt} when the slots of this kind ask for more Argon2id
// memory per slot, or more work in total, than limits allow. Called before
// any KDF runs: the header's MAC cannot be checked before, so these numbers
// are the attacker's.
void check_unlock_cost(const Header& header, SlotKind kind, const KdfLimits& limits);

// The key-encryption key of a slot for a credential of the slot's kind.
[[nodiscard]] SecureBytes slot_kek(const Slot& slot, std::span<const std::uint8_t> vault_id,
                                   const Credential& credential);

// A new password or key-file slot's parameters for the credential: kind,
// id, KDF and a fresh salt; no wrap yet.
[[nodiscard]] Slot new_slot_parameters(std::uint8_t id, const Credential& credential,
                                       const KdfPolicy& policy);

// A new slot of the credential's kind wrapping vault_key, with a fresh salt
// (a host key gets a recipient slot for its own public key, no label).
// Returns the slot and its KEK (kept to re-wrap a password or key-file slot
// on rotation).
[[nodiscard]] std::pair<Slot, SecureBytes> make_slot(const Header& header, std::uint8_t id,
                                                     const Credential& credential,
                                                     const KdfPolicy& policy,
                                                     std::span<const std::uint8_t> vault_key);

// Re-wraps vault_key in slot under an already derived KEK (fresh nonce).
void rewrap_slot(const Header& header, Slot& slot, std::span<const std::uint8_t> kek,
                 std::span<const std::uint8_t> vault_key);

// A new recipient slot wrapping vault_key to a host's public key.
[[nodiscard]] Slot make_recipient_slot(const Header& header, std::uint8_t id,
                                       std::span<const std::uint8_t> public_key,
                                       std::string_view label,
                                       std::span<const std::uint8_t> vault_key);

// Re-wraps vault_key in a recipient slot to its public key, with a new
// ephemeral key and nonce: no private key is needed.
void rewrap_to_recipient(const Header& header, Slot& slot, std::span<const std::uint8_t> vault_key);

// The vault key, if kek unwraps the slot.
[[nodiscard]] std::optional<SecureBytes> unwrap_slot(const Header& header, const Slot& slot,
                                                     std::span<const std::uint8_t> kek);

[[nodiscard]] Bytes header_mac(const Subkeys& keys, const Header& header);

}  // namespace tresor::vault::detail
