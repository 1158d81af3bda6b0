#include "vault/detail/keys.hpp"

#include "vault/slots/host_key.hpp"
#include "vault/slots/recipient.hpp"

namespace tresor::vault::detail {
namespace {

constexpr std::size_t kMinKeyfileBytes = 32;

SecureBytes password_ikm(const Slot& slot, const Credential& credential) {
    // KDF 2 gives Argon2id the first 16 salt bytes, KDF 1 all 32.
    const std::span<const std::uint8_t> salt = slot.kdf == kKdfArgon2id13OneLane
                                                   ? std::span(slot.salt).first(kOneLaneSaltBytes)
                                                   : std::span(slot.salt);
    return argon2id(credential.bytes, salt, slot.params);
}

}  // namespace

Subkeys derive_subkeys(std::span<const std::uint8_t> vault_key,
                       std::span<const std::uint8_t> vault_id) {
    return {hkdf_sha256(vault_key, vault_id, "tresor/v1/record"),
            hkdf_sha256(vault_key, vault_id, "tresor/v1/index"),
            hkdf_sha256(vault_key, vault_id, "tresor/v1/header"),
            hkdf_sha256(vault_key, vault_id, "tresor/v1/manifest")};
}

SlotKind slot_kind_for(const Credential& credential) {
    switch (credential.kind) {
        case Credential::Kind::keyfile:
            return SlotKind::keyfile;
        case Credential::Kind::hostkey:
            return SlotKind::recipient;
        case Credential::Kind::password:
            break;
    }
    return SlotKind::password;
}

void check_unlock_cost(const Header& header, SlotKind kind, const KdfLimits& limits) {
    std::uint64_t work = 0;
    for (const Slot& slot : header.slots) {
        if (slot.kind != kind) {
            continue;
        }
        if (slot.params.memory_kib > limits.max_memory_kib) {
            throw Error(ErrorCode::corrupt,
                        "vault slot " + std::to_string(slot.id) + " asks for " +
                            std::to_string(slot.params.memory_kib / 1024) +
                            " MiB of Argon2id memory, above this reader's limit of " +
                            std::to_string(limits.max_memory_kib / 1024) +
                            " MiB (raise kdf.max_memory_mib if you trust this vault)");
        }
        if (slot.params.parallelism > limits.max_lanes) {
            throw Error(ErrorCode::corrupt, "vault slot " + std::to_string(slot.id) + " asks for " +
                                                std::to_string(slot.params.parallelism) +
                                                " Argon2id lanes, above this reader's limit of " +
                                                std::to_string(limits.max_lanes) +
                                                " (raise kdf.max_lanes if you trust this vault)");
        }
        work += std::uint64_t{slot.params.memory_kib} * slot.params.iterations;
    }
    if (work > limits.max_work_kib_passes) {
        throw Error(ErrorCode::corrupt,
                    "the vault's key slots ask for " + std::to_string(work / 1024) +
                        " MiB x passes of Argon2id work to unlock, above this reader's limit of " +
                        std::to_string(limits.max_work_kib_passes / 1024) +
                        " (raise kdf.max_work if you trust this vault)");
    }
}

SecureBytes slot_kek(const Slot& slot, std::span<const std::uint8_t> vault_id,
                     const Credential& credential) {
    if (slot.kind == SlotKind::recipient) {
        return recipient_kek(slot, credential.bytes);
    }
    if (slot.kind == SlotKind::keyfile) {
        if (credential.bytes.size() < kMinKeyfileBytes) {
            throw Error(ErrorCode::invalid_argument, "a key file must hold at least 32 bytes");
        }
        return hkdf_sha256(credential.bytes, vault_id, "tresor/v1/kek/keyfile");
    }
    return hkdf_sha256(password_ikm(slot, credential), vault_id, "tresor/v1/kek/password");
}

Slot new_slot_parameters(std::uint8_t id, const Credential& credential, const KdfPolicy& policy) {
    Slot slot;
    slot.id = id;
    slot.salt = random_bytes(kSaltBytes);
    if (credential.kind == Credential::Kind::keyfile) {
        slot.kind = SlotKind::keyfile;
        slot.kdf = kKdfNone;
        return slot;
    }
    check_kdf_policy(policy);
    slot.kind = SlotKind::password;
    // One lane: KDF 2 (a 16-byte salt), as since issue 14; more lanes:
    // KDF 1, which every tresor opens. The same Argon2id computes both.
    if (policy.parallelism == 1) {
        slot.kdf = kKdfArgon2id13OneLane;
        std::fill(slot.salt.begin() + kOneLaneSaltBytes, slot.salt.end(), 0);
    } else {
        slot.kdf = kKdfArgon2id13;
    }
    slot.params = {policy.memory_kib, policy.iterations, policy.parallelism};
    return slot;
}

std::pair<Slot, SecureBytes> make_slot(const Header& header, std::uint8_t id,
                                       const Credential& credential, const KdfPolicy& policy,
                                       std::span<const std::uint8_t> vault_key) {
    if (credential.kind == Credential::Kind::hostkey) {
        Slot slot =
            make_recipient_slot(header, id, host_public_key(credential.bytes), "", vault_key);
        SecureBytes kek = slot_kek(slot, header.vault_id, credential);
        return {std::move(slot), std::move(kek)};
    }
    Slot slot = new_slot_parameters(id, credential, policy);
    SecureBytes kek = slot_kek(slot, header.vault_id, credential);
    rewrap_slot(header, slot, kek, vault_key);
    return {std::move(slot), std::move(kek)};
}

void rewrap_slot(const Header& header, Slot& slot, std::span<const std::uint8_t> kek,
                 std::span<const std::uint8_t> vault_key) {
    const Bytes sealed = aead_seal(kek, vault_key, slot_associated_data(header, slot));
    slot.nonce.assign(sealed.begin(), sealed.begin() + kNonceBytes);
    slot.wrapped_vault_key.assign(sealed.begin() + kNonceBytes, sealed.end());
}

Slot make_recipient_slot(const Header& header, std::uint8_t id,
                         std::span<const std::uint8_t> public_key, std::string_view label,
                         std::span<const std::uint8_t> vault_key) {
    Slot slot;
    slot.kind = SlotKind::recipient;
    slot.id = id;
    slot.kdf = kKdfNone;
    slot.recipient_public_key.assign(public_key.begin(), public_key.end());
    slot.label = label;
    rewrap_to_recipient(header, slot, vault_key);
    return slot;
}

void rewrap_to_recipient(const Header& header, Slot& slot,
                         std::span<const std::uint8_t> vault_key) {
    // The share is part of the AAD: it must be in the slot before the seal.
    const SecureBytes kek = new_recipient_kek(slot);
    rewrap_slot(header, slot, kek, vault_key);
}

std::optional<SecureBytes> unwrap_slot(const Header& header, const Slot& slot,
                                       std::span<const std::uint8_t> kek) {
    Bytes sealed = slot.nonce;
    sealed.insert(sealed.end(), slot.wrapped_vault_key.begin(), slot.wrapped_vault_key.end());
    auto key = aead_open(kek, sealed, slot_associated_data(header, slot));
    if (key && key->size() != kKeyBytes) {
        return std::nullopt;
    }
    return key;
}

Bytes header_mac(const Subkeys& keys, const Header& header) {
    return hmac_sha256(keys.header, encode_header_body(header));
}

}  // namespace tresor::vault::detail
