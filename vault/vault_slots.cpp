// The key slots of a Vault: a new password, key files and host recipients
// added or removed, the vault key rotated, and the admin key that signs the
// slots (docs/VAULT-FORMAT.md, "Key slots" and "Admin key"). Each change is
// a compare-and-swap on the slots this Vault saw (load_header_to_change_slots).
#include "vault/audit/chain.hpp"
#include "vault/slots/recipient.hpp"
#include "vault/vault_state.hpp"

namespace tresor::vault {

namespace {

// A new slot's id: one more than the largest present (docs/VAULT-FORMAT.md,
// "Slot ids"), in u8 arithmetic.
std::uint8_t next_slot_id(const Header& header) {
    std::uint8_t id = 1;
    for (const Slot& slot : header.slots) {
        id = std::max<std::uint8_t>(id, static_cast<std::uint8_t>(slot.id + 1));
    }
    return id;
}

void check_room_for_a_slot(const Header& header, SlotKind kind) {
    const auto unlocking =
        std::count_if(header.slots.begin(), header.slots.end(),
                      [](const Slot& s) { return s.kind != SlotKind::recipient; });
    if (kind != SlotKind::recipient && static_cast<std::size_t>(unlocking) >= kMaxSlots) {
        throw Error(ErrorCode::invalid_argument,
                    "the vault already has the most password and key-file slots (8)");
    }
    if (header.slots.size() >= kMaxSlotsWithRecipients) {
        throw Error(ErrorCode::invalid_argument, "the vault already has the most key slots (64)");
    }
}

}  // namespace

void Vault::change_password(const Credential& new_password, const KdfPolicy& policy) {
    State& s = *state_;
    if (new_password.bytes.empty()) {
        throw Error(ErrorCode::invalid_argument, "a vault password must not be empty");
    }
    check_kdf_policy_readable(policy, s.limits);
    {
        StoreTransaction tx(*s.store, RecordStore::Access::write);
        Header header = s.load_header_to_change_slots();
        std::erase_if(header.slots,
                      [](const Slot& slot) { return slot.kind == SlotKind::password; });
        const std::uint8_t id = next_slot_id(header);
        auto [slot, kek] = make_slot(header, id, new_password, policy, s.vault_key);
        header.slots.push_back(std::move(slot));
        s.audit.stage(audit::Operation::slots, {}, {}, "passwd");
        s.commit_slots(tx, header);
        s.unlock_slot = id;
        s.unlock_kind = SlotKind::password;
        s.unlock_kek = std::move(kek);
        s.unlock_host_key.clear();
    }
    // The old wrapped key must not stay behind where the store can help it.
    s.store->scrub();
}

void Vault::add_keyfile(std::span<const std::uint8_t> keyfile) {
    State& s = *state_;
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    Header header = s.load_header_to_change_slots();
    check_room_for_a_slot(header, SlotKind::keyfile);
    Credential credential{Credential::Kind::keyfile, SecureBytes(keyfile.begin(), keyfile.end())};
    const std::uint8_t id = next_slot_id(header);
    header.slots.push_back(make_slot(header, id, credential, {}, s.vault_key).first);
    s.audit.stage(audit::Operation::slots, {}, {}, "add-keyfile slot " + std::to_string(id));
    s.commit_slots(tx, header);
}

int Vault::add_recipient(std::string_view public_key, std::string_view label) {
    State& s = *state_;
    const std::vector<std::uint8_t> key = parse_public_key(public_key);
    if (!is_valid_slot_label(label)) {
        throw Error(ErrorCode::invalid_argument,
                    "a slot label is at most 64 bytes, without control characters");
    }
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    Header header = s.load_header_to_change_slots();
    check_room_for_a_slot(header, SlotKind::recipient);
    for (const Slot& slot : header.slots) {
        if (slot.kind == SlotKind::recipient && slot.recipient_public_key == key) {
            throw Error(ErrorCode::invalid_argument, "host key " + std::string(public_key) +
                                                         " already has slot " +
                                                         std::to_string(slot.id));
        }
    }
    const std::uint8_t id = next_slot_id(header);
    header.slots.push_back(make_recipient_slot(header, id, key, label, s.vault_key));
    s.audit.stage(audit::Operation::slots, {}, {},
                  "add-recipient slot " + std::to_string(id) + " " + std::string(public_key));
    s.commit_slots(tx, header);
    return id;
}

void Vault::remove_slot(int id) {
    State& s = *state_;
    if (id == s.unlock_slot) {
        throw Error(ErrorCode::invalid_argument,
                    "slot " + std::to_string(id) +
                        " is the one this vault was unlocked with; unlock with another slot to "
                        "remove it (a vault always keeps a slot its remover can open)");
    }
    {
        StoreTransaction tx(*s.store, RecordStore::Access::write);
        Header header = s.load_header_to_change_slots();
        if (std::erase_if(header.slots, [id](const Slot& slot) { return slot.id == id; }) == 0) {
            throw Error(
                ErrorCode::invalid_argument,
                "the vault has no key slot " + std::to_string(id) + " (see `tresor vault slots`)");
        }
        s.audit.stage(audit::Operation::slots, {}, {}, "remove-slot " + std::to_string(id));
        s.commit_slots(tx, header);
    }
    // The removed wrap must not stay behind where the store can help it.
    s.store->scrub();
}

int Vault::rotate() {
    State& s = *state_;
    if (s.unlocked_from_cache) {
        throw Error(ErrorCode::invalid_argument,
                    "rotating needs the vault unlocked with a password, key file or host key, "
                    "not from the unlock cache");
    }
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    Header header = s.load_header_to_change_slots();
    SecureBytes new_key = random_key();
    const Subkeys new_keys = derive_subkeys(new_key, s.vault_id);

    std::vector<std::pair<Row, Metadata>> rows;
    s.store->scan(nullptr, true, [&rows](const Row& row) {
        rows.emplace_back(row, Metadata{});
        return true;
    });
    header.manifest = Bytes(kMacBytes, 0);
    for (auto& [row, meta] : rows) {
        meta = s.open_metadata(row);
        auto value = aead_open(s.keys.record, row.value,
                               record_associated_data(s.identity(row), Field::value));
        if (!value) {
            throw Error(ErrorCode::corrupt, "a record failed authentication; nothing rotated");
        }
        s.store->erase(row.record_id);
        row.name_index = name_index(new_keys, meta.service, meta.name);
        row.service_index = service_index(new_keys, meta.service);
        row.version += 1;
        row.metadata = aead_seal(new_keys.record, encode_metadata(meta),
                                 record_associated_data(s.identity(row), Field::metadata));
        row.value = aead_seal(new_keys.record, *value,
                              record_associated_data(s.identity(row), Field::value));
        xor_into(header.manifest,
                 manifest_entry(new_keys, s.identity(row), row.metadata, row.value));
    }
    for (const auto& entry : rows) {
        s.store->put(entry.first);
    }
    audit::reseal_chain(*s.store, s.audit_keys(), audit::derive_keys(new_key, s.vault_id),
                        s.vault_id, header.manifest);
    const std::size_t before = header.slots.size();
    std::erase_if(header.slots, [&](const Slot& slot) {
        return slot.id != s.unlock_slot && slot.kind != SlotKind::recipient;
    });
    for (Slot& slot : header.slots) {
        if (slot.kind == SlotKind::recipient) {
            rewrap_to_recipient(header, slot, new_key);
        } else {
            rewrap_slot(header, slot, s.unlock_kek, new_key);
        }
    }
    s.adopt_keys(std::move(new_key));
    s.audit.stage(audit::Operation::slots, {}, {}, "rotate");
    s.commit_slots(tx, header);
    s.store->scrub();
    return static_cast<int>(before - header.slots.size());
}

void Vault::use_admin_key(AdminKeyPair key) {
    State& s = *state_;
    const Header header = s.load_header();
    if (!header.admin) {
        throw Error(ErrorCode::invalid_argument, s.store->location() +
                                                     " is not signed: it has no admin key to use "
                                                     "(`tresor vault sign` signs it)");
    }
    if (header.admin->admin_public_key != key.public_key) {
        throw Error(ErrorCode::invalid_argument,
                    "admin key " + admin_identity_text(key.public_key) + " does not sign " +
                        s.store->location() + ": it is signed by " +
                        admin_identity_text(header.admin->admin_public_key));
    }
    s.admin_key = std::move(key);
}

void Vault::sign(AdminKeyPair key) {
    State& s = *state_;
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    Header header = s.load_header_to_change_slots();
    if (header.admin) {
        throw Error(ErrorCode::invalid_argument,
                    s.store->location() + " is signed already, by " +
                        admin_identity_text(header.admin->admin_public_key) +
                        " (`tresor vault hand-over` replaces the identity)");
    }
    header.admin = AdminBlock{};  // key epoch 0: commit_slots signs epoch 1
    s.audit.stage(audit::Operation::slots, {}, {}, "sign " + admin_identity_text(key.public_key));
    s.admin_key = std::move(key);
    s.commit_slots(tx, header);
}

void Vault::hand_over(AdminKeyPair next) {
    State& s = *state_;
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    Header header = s.load_header_to_change_slots();
    if (!header.admin) {
        throw Error(ErrorCode::invalid_argument,
                    s.store->location() + " is not signed: sign it (`tresor vault sign`)");
    }
    header.admin->handover = make_handover(header, *s.admin_key, next.public_key);
    s.audit.stage(audit::Operation::slots, {}, {},
                  "hand-over " + admin_identity_text(next.public_key));
    s.admin_key = std::move(next);
    s.commit_slots(tx, header);
}

bool Vault::accept_restore() {
    State& s = *state_;
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    Header header = s.load_header();
    const bool resign = header.admin && s.admin_key;
    if (resign) {
        // Above every epoch this host knows, so every host takes it as newer.
        header.admin->key_epoch = std::max(header.admin->key_epoch, s.trust.highest_key_epoch());
        s.audit.stage(audit::Operation::slots, {}, {}, "accept-restore");
        s.commit_slots(tx, header);
    }
    s.trust.reset_anchor(header);
    return resign;
}

}  // namespace tresor::vault
