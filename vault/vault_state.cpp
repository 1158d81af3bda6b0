// The steps every vault operation shares (vault/vault_state.hpp): the header
// loaded, checked and unlocked again after another process's rotation; one
// record opened, read or written under the header's manifest; a header
// committed with the audit log's events.
#include "vault/vault_state.hpp"

#include "vault/slots/recipient.hpp"

namespace tresor::vault {

Vault::State::~State() {
    try {
        trust.persist();
    } catch (...) {  // NOLINT(bugprone-empty-catch): see above
    }
}

Header Vault::State::load_header(bool* rekeyed) {
    Header header = load_header_unverified();
    if (header.vault_id != vault_id) {
        throw Error(ErrorCode::auth_failed, kWrongPassword);
    }
    trust.check(header);
    const bool stale = !mac_verifies(header);
    if (stale) {
        unlock_again(header);
    }
    trust.accept(header, vault_key);
    if (rekeyed != nullptr) {
        *rekeyed = stale;
    }
    return header;
}

void Vault::State::unlock_again(const Header& header) {
    const auto slot = std::find_if(header.slots.begin(), header.slots.end(), [&](const Slot& s) {
        return s.id == unlock_slot && s.kind == unlock_kind &&
               (s.kind != SlotKind::recipient ||
                s.recipient_public_key == host_public_key(unlock_host_key));
    });
    std::optional<SecureBytes> key;
    if (slot != header.slots.end()) {
        key = unwrap_slot(
            header, *slot,
            slot->kind == SlotKind::recipient ? recipient_kek(*slot, unlock_host_key) : unlock_kek);
    }
    if (!key) {
        throw Error(ErrorCode::locked,
                    "the vault's key was rotated by another process and the key slot this "
                    "vault was unlocked with was removed or replaced: open it again");
    }
    adopt_keys(std::move(*key));
    if (!mac_verifies(header)) {
        throw Error(ErrorCode::auth_failed, kWrongPassword);
    }
}

Header Vault::State::load_header_to_change_slots() {
    Header header = load_header();
    if (encode_slots(header) != slots_seen) {
        throw Error(ErrorCode::io,
                    "another process changed the vault's key slots since it was opened "
                    "here; nothing was changed (open the vault again and retry)");
    }
    if (header.admin && !admin_key) {
        throw Error(ErrorCode::permission_denied,
                    "the key slots of " + store->location() + " change only with its admin " +
                        "key (" + admin_identity_text(header.admin->admin_public_key) +
                        "), which is not at hand here: run this on the admin's machine");
    }
    return header;
}

std::string Vault::State::audit_credential() const {
    if (unlocked_from_cache) {
        return "unlock cache";
    }
    if (unlock_kind == SlotKind::recipient) {
        return "host " + public_key_text(host_public_key(unlock_host_key));
    }
    return std::string(unlock_kind == SlotKind::keyfile ? "key file" : "password") + " slot " +
           std::to_string(unlock_slot);
}

void Vault::State::commit_header(StoreTransaction& tx, Header& header) {
    if (audit.enabled()) {
        audit.append(*store, audit_keys(), vault_id, header.manifest, audit_credential());
    }
    header.generation += 1;
    header.mac = header_mac(keys, header);
    store->write_header(encode_header(header));
    tx.commit();
    trust.wrote(header);
    audit.committed();
}

Metadata Vault::State::open_metadata(const Row& row) {
    auto plain = aead_open(keys.record, row.metadata,
                           record_associated_data(identity(row), Field::metadata));
    if (!plain) {
        throw Error(ErrorCode::corrupt,
                    "a record of the vault failed authentication "
                    "(tampered, swapped or from another vault)");
    }
    Metadata m = decode_metadata(*plain);
    m.record_id = to_hex(row.record_id);
    return m;
}

Metadata Vault::State::listed_metadata(const Row& row) {
    const auto it = opened_metadata.find(row.record_id);
    if (it != opened_metadata.end() && it->second.version == row.version &&
        it->second.name_index == row.name_index && it->second.sealed == row.metadata) {
        it->second.listed_in = listings;
        return it->second.metadata;
    }
    Metadata m = open_metadata(row);
    opened_metadata[row.record_id] = {row.name_index, row.version, row.metadata, m, listings};
    return m;
}

void Vault::State::put(Header& header, const Vault::NewEntry& entry, Bytes index,
                       std::int64_t now) {
    Row row;
    row.name_index = std::move(index);
    Metadata m = entry.metadata;
    m.service = entry.service;
    m.name = entry.name;
    m.created_at = m.updated_at = now;
    if (auto old = find_row(row.name_index)) {
        const Metadata before = open_metadata(*old);
        m.created_at = before.created_at;
        m.last_used_at = before.last_used_at;  // a new value was still used before
        xor_into(header.manifest, entry_of(*old));
        row.record_id = old->record_id;
        row.version = old->version + 1;
    } else {
        row.record_id = random_bytes(kRecordIdBytes);
        row.version = 1;
        header.record_count += 1;
    }
    row.metadata = aead_seal(keys.record, encode_metadata(m),
                             record_associated_data(identity(row), Field::metadata));
    row.value = aead_seal(keys.record, encode_value(m.expires_at, entry.value),
                          record_associated_data(identity(row), Field::value));
    row.service_index = service_index(keys, entry.service);
    store->put(row);
    xor_into(header.manifest, entry_of(row));
}

std::optional<SecureBytes> Vault::State::read_value(std::string_view service,
                                                    std::string_view name) {
    const std::optional<Row> row =
        find_row(name_index(keys, service, name), RecordStore::Columns::value_only);
    if (!row) {
        return std::nullopt;
    }
    auto plain =
        aead_open(keys.record, row->value, record_associated_data(identity(*row), Field::value));
    if (!plain || plain->size() < 8) {
        throw Error(ErrorCode::corrupt, "the vault's record for " + std::string(service) + "/" +
                                            std::string(name) + " failed authentication");
    }
    Reader r(*plain, "record value");
    const std::int64_t expires_at = r.i64();
    if (expires_at != 0 && now_unix() >= expires_at) {
        return std::nullopt;
    }
    return SecureBytes(plain->begin() + 8, plain->end());
}

void Vault::State::commit_slots(StoreTransaction& tx, Header& header) {
    if (header.admin) {
        sign_header(header, *admin_key, vault_key, header.admin->key_epoch + 1);
    }
    commit_header(tx, header);
    slots_seen = encode_slots(header);
    trust.persist();
}

}  // namespace tresor::vault
