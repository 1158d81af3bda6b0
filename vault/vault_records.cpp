// The record operations of a Vault: get, set, remove, list and stat, each
// one transaction (or one fast read) of its store that keeps the header's
// manifest in step, and last_used_at recorded in batches (record_uses).
#include <vector>

#include "vault/vault_state.hpp"

namespace tresor::vault {

std::optional<SecureBytes> Vault::get(std::string_view service, std::string_view name) {
    State& s = *state_;
    return s.with_current_keys([&] { return s.read_value(service, name); });
}

void Vault::set(std::string_view service, std::string_view name,
                std::span<const std::uint8_t> value, const Metadata& metadata) {
    const NewEntry entry{service, name, value, metadata};
    set_many({&entry, 1});
}

namespace {

std::vector<Bytes> name_indexes_of(const Subkeys& keys, std::span<const Vault::NewEntry> entries) {
    std::vector<Bytes> indexes;
    indexes.reserve(entries.size());
    for (const Vault::NewEntry& entry : entries) {
        indexes.push_back(name_index(keys, entry.service, entry.name));
    }
    return indexes;
}

}  // namespace

void Vault::set_many(std::span<const NewEntry> entries) {
    State& s = *state_;
    // The indexes first, so that the fleet store reads the records with the
    // header; again when another process rotated the key meanwhile.
    std::vector<Bytes> indexes = name_indexes_of(s.keys, entries);
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    s.store->will_find(indexes);
    bool rekeyed = false;
    Header header = s.load_header(&rekeyed);
    if (rekeyed) {
        indexes = name_indexes_of(s.keys, entries);
    }
    const std::int64_t now = now_unix();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        s.put(header, entries[i], std::move(indexes[i]), now);
    }
    for (const NewEntry& entry : entries) {
        s.audit.stage(audit::Operation::set, entry.service, entry.name);
    }
    s.commit_header(tx, header);
}

bool Vault::remove(std::string_view service, std::string_view name) {
    State& s = *state_;
    Bytes index = name_index(s.keys, service, name);
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    s.store->will_find({&index, 1});
    bool rekeyed = false;
    Header header = s.load_header(&rekeyed);
    if (rekeyed) {
        index = name_index(s.keys, service, name);
    }
    auto old = s.find_row(index);
    if (!old) {
        s.audit.note(audit::Operation::remove, audit::Outcome::not_found, service, name);
        return false;
    }
    s.store->erase(old->record_id);
    xor_into(header.manifest, s.entry_of(*old));
    header.record_count -= 1;
    s.audit.stage(audit::Operation::remove, service, name);
    s.commit_header(tx, header);
    return true;
}

void Vault::list(const std::string* service, const std::function<void(const Metadata&)>& sink) {
    State& s = *state_;
    const std::int64_t now = now_unix();
    // Listing reads many rows, so one header read up front costs little and
    // keeps the keys current (another process may have rotated them).
    StoreTransaction snapshot(*s.store, RecordStore::Access::read);
    (void)s.load_header();
    Bytes service_idx;
    if (service != nullptr) {
        service_idx = service_index(s.keys, *service);
    }
    // Every row is read and judged; only those whose sealed bytes changed
    // since this Vault last opened them are decrypted again.
    const std::uint64_t listing = ++s.listings;
    std::vector<Metadata> found;
    s.store->scan(service != nullptr ? &service_idx : nullptr, false, [&](const Row& row) {
        Metadata m = s.listed_metadata(row);
        if (m.expires_at == 0 || now < m.expires_at) {
            found.push_back(std::move(m));
        }
        return true;
    });
    snapshot.commit();
    if (service == nullptr) {
        // What a full listing did not see was removed.
        std::erase_if(s.opened_metadata,
                      [&](const auto& opened) { return opened.second.listed_in != listing; });
    }
    for (const Metadata& m : found) {
        sink(m);
    }
}

std::optional<Metadata> Vault::stat(std::string_view service, std::string_view name) {
    State& s = *state_;
    return s.with_current_keys([&]() -> std::optional<Metadata> {
        auto row =
            s.find_row(name_index(s.keys, service, name), RecordStore::Columns::without_value);
        if (!row) {
            return std::nullopt;
        }
        Metadata m = s.open_metadata(*row);
        if (m.expires_at != 0 && now_unix() >= m.expires_at) {
            return std::nullopt;
        }
        return m;
    });
}

void Vault::note_use(std::string_view service, std::string_view name, std::int64_t when) {
    std::int64_t& latest = state_->uses[{std::string(service), std::string(name)}];
    latest = std::max(latest, when);
}

std::size_t Vault::record_uses(std::int64_t coarseness) {
    State& s = *state_;
    // Whether the stored last_used_at is stale enough for this use to be
    // written; a missing or expired record takes no use.
    auto stale = [&](const Row& row, std::int64_t when, Metadata& m) {
        m = s.open_metadata(row);
        const bool expired = m.expires_at != 0 && now_unix() >= m.expires_at;
        return !expired && when > m.last_used_at && when - m.last_used_at >= coarseness;
    };
    // First without the write lock: most flushes find nothing to write, and
    // a reader should not queue behind writers (or bump the file) for that.
    std::vector<std::pair<std::pair<std::string, std::string>, std::int64_t>> due;
    for (const auto& use : s.uses) {
        // Not structured bindings: clang 14 (the fuzz build) cannot capture them.
        const std::string& service = use.first.first;
        const std::string& name = use.first.second;
        Metadata m;
        auto row = s.with_current_keys([&s, &service, &name] {
            return s.find_row(name_index(s.keys, service, name),
                              RecordStore::Columns::without_value);
        });
        if (row && stale(*row, use.second, m)) {
            due.emplace_back(use.first, use.second);
        }
    }
    if (due.empty()) {
        s.uses.clear();
        return 0;
    }
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    Header header = s.load_header();
    std::size_t written = 0;
    for (const auto& [key, when] : due) {
        auto row = s.find_row(name_index(s.keys, key.first, key.second));
        Metadata m;
        if (!row || !stale(*row, when, m)) {
            continue;  // removed or recorded by another process meanwhile
        }
        xor_into(header.manifest, s.entry_of(*row));
        m.last_used_at = when;
        // Same record, same version, same value blob: only the metadata is
        // sealed again (a fresh nonce), so readers see no new value.
        row->metadata = aead_seal(s.keys.record, encode_metadata(m),
                                  record_associated_data(s.identity(*row), Field::metadata));
        s.store->put(*row);
        xor_into(header.manifest, s.entry_of(*row));
        ++written;
    }
    if (written > 0) {
        s.commit_header(tx, header);
    }
    s.uses.clear();
    return written;
}

}  // namespace tresor::vault
