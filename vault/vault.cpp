// The vault engine: opening and unlocking, and each operation as one
// transaction of its record store that keeps the header's manifest in step.
// Every cryptographic step is here; where the bytes live is the store's
// business (vault/record_store.hpp).
#include "vault/vault.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <map>

#include "vault/audit/codec.hpp"
#include "vault/audit/writer.hpp"
#include "vault/detail/record_codec.hpp"
#include "vault/record_store.hpp"
#include "vault/slots/host_key.hpp"
#include "vault/slots/recipient.hpp"
#include "vault/stores/sqlite_store.hpp"
#include "vault/trust/admin_key.hpp"
#include "vault/trust/header_trust.hpp"

namespace tresor::vault {

using namespace detail;

namespace {

const char* const kWrongPassword = "wrong password or damaged vault";

std::int64_t now_unix() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

using Row = StoredRecord;

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

const char* kind_name(SlotKind kind) {
    switch (kind) {
        case SlotKind::keyfile:
            return "keyfile";
        case SlotKind::recipient:
            return "recipient";
        case SlotKind::password:
            break;
    }
    return "password";
}

}  // namespace

void check_kdf_policy(const KdfPolicy& p) {
    if (p.memory_kib < kMinWriteMemoryKib || p.iterations < kMinWriteIterations) {
        throw Error(ErrorCode::invalid_argument,
                    "Argon2id parameters below the minimum for a vault (19 MiB, 2 iterations): " +
                        std::to_string(p.memory_kib / 1024) + " MiB, " +
                        std::to_string(p.iterations) + " iterations");
    }
    if (p.memory_kib > kMaxReadMemoryKib || p.iterations > kMaxReadIterations ||
        p.parallelism < 1 || p.parallelism > kMaxReadParallelism) {
        throw Error(ErrorCode::invalid_argument,
                    "Argon2id parameters above what a vault accepts (at most 4096 MiB, 64 "
                    "iterations, 16 lanes)");
    }
}

void check_kdf_policy_readable(const KdfPolicy& p, const KdfLimits& limits) {
    const std::uint64_t work = std::uint64_t{p.memory_kib} * p.iterations;
    if (p.memory_kib > limits.max_memory_kib || work > limits.max_work_kib_passes ||
        p.parallelism > limits.max_lanes) {
        throw Error(ErrorCode::invalid_argument,
                    "Argon2id " + std::to_string(p.memory_kib / 1024) + " MiB x " +
                        std::to_string(p.iterations) + " passes, " + std::to_string(p.parallelism) +
                        " lanes is above what this reader opens (kdf.max_memory_mib " +
                        std::to_string(limits.max_memory_kib / 1024) + ", kdf.max_work " +
                        std::to_string(limits.max_work_kib_passes / 1024) + ", kdf.max_lanes " +
                        std::to_string(limits.max_lanes) +
                        "): raise those too, or the vault could not be opened");
    }
}

std::chrono::nanoseconds time_kdf(const KdfPolicy& policy) {
    const Bytes password = random_bytes(16);
    const Bytes salt = random_bytes(kSaltBytes);
    const auto start = std::chrono::steady_clock::now();
    (void)argon2id(password, salt, {policy.memory_kib, policy.iterations, policy.parallelism});
    return std::chrono::steady_clock::now() - start;
}

struct Vault::State {
    std::unique_ptr<RecordStore> store;
    Bytes vault_id;
    SecureBytes vault_key;
    Subkeys keys;
    // What unlocking needs again after another process rotates the vault
    // key: rotation re-wraps a password or key-file slot under the same KEK,
    // so no KDF runs; a recipient slot gets a new ephemeral share, so its
    // KEK is derived again from the host key.
    std::uint8_t unlock_slot = 0;
    SlotKind unlock_kind = SlotKind::password;
    SecureBytes unlock_kek;
    SecureBytes unlock_host_key;       // only when unlocked by a host key
    bool unlocked_from_cache = false;  // no slot, no KEK: unlock_slot is 0
    std::string id_hex;
    // What this reader opens; a new password slot must stay within it.
    KdfLimits limits;
    // The slots as this Vault unlocked them or last wrote them; a header
    // change is refused when they changed meanwhile (compare-and-swap).
    Bytes slots_seen;
    // Uses noted since the last record_uses: (service, name) -> latest use.
    std::map<std::pair<std::string, std::string>, std::int64_t> uses;
    // What the audit log gets from this Vault's next write (vault/audit/).
    audit::Writer audit;
    // The admin block, the pin and the rollback anchor (header_trust.hpp);
    // the admin key when this Vault may change the slots of a signed vault.
    HeaderTrust trust;
    std::optional<AdminKeyPair> admin_key;

    State(std::unique_ptr<RecordStore> s, const Trust& t)
        : store(std::move(s)), trust(t, store->location()) {}
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    // What this Vault saw and wrote, for the anchor; a failure loses only
    // that (the next open stores what it sees).
    ~State() {
        try {
            trust.persist();
        } catch (...) {  // NOLINT(bugprone-empty-catch): see above
        }
    }

    Header load_header_unverified() { return decode_header(store->read_header()); }

    // Re-reads the header (another process may have written) and checks its
    // MAC under our keys. When another process rotated the vault key since
    // we unlocked, unlocks again first; rekeyed says whether it did.
    Header load_header(bool* rekeyed = nullptr) {
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

    bool mac_verifies(const Header& header) const {
        return equal_in_constant_time(header_mac(keys, header), header.mac);
    }

    void unlock_again(const Header& header) {
        const auto slot =
            std::find_if(header.slots.begin(), header.slots.end(), [&](const Slot& s) {
                return s.id == unlock_slot && s.kind == unlock_kind &&
                       (s.kind != SlotKind::recipient ||
                        s.recipient_public_key == host_public_key(unlock_host_key));
            });
        std::optional<SecureBytes> key;
        if (slot != header.slots.end()) {
            key = unwrap_slot(header, *slot,
                              slot->kind == SlotKind::recipient
                                  ? recipient_kek(*slot, unlock_host_key)
                                  : unlock_kek);
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

    // A change of the key slots is a compare-and-swap: under the write lock
    // they must still be those this Vault saw, or another process's change
    // (a new password, a rotation) would be silently overwritten.
    Header load_header_to_change_slots() {
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

    // Runs a read on the fast path, under the keys we hold. A miss or a
    // failed authentication may instead mean that another process rotated
    // the vault key since: then, on one snapshot, re-reads the header and,
    // if the key did change, reads once more under the new one. A hit costs
    // no header read.
    template <typename Lookup>
    auto with_current_keys(const Lookup& lookup) -> decltype(lookup()) {
        std::exception_ptr failure;
        try {
            if (auto found = lookup()) {
                return found;
            }
        } catch (const Error& e) {
            if (e.code() != ErrorCode::corrupt) {
                throw;
            }
            failure = std::current_exception();
        }
        StoreTransaction snapshot(*store, RecordStore::Access::read);
        bool rekeyed = false;
        (void)load_header(&rekeyed);
        if (rekeyed) {
            return lookup();
        }
        if (failure) {
            std::rethrow_exception(failure);
        }
        return {};
    }

    // What unlocked this Vault, as the audit log names it.
    std::string audit_credential() const {
        if (unlocked_from_cache) {
            return "unlock cache";
        }
        if (unlock_kind == SlotKind::recipient) {
            return "host " + public_key_text(host_public_key(unlock_host_key));
        }
        return std::string(unlock_kind == SlotKind::keyfile ? "key file" : "password") + " slot " +
               std::to_string(unlock_slot);
    }

    audit::Keys audit_keys() const { return audit::derive_keys(vault_key, vault_id); }

    // Every write ends here, in its transaction: the audit log takes its
    // events (and the reads noted so far) before the manifest is MACed. The
    // header is taken as seen only once committed (a failed COMMIT left the
    // store where it was, and the retry must not find it "older").
    void commit_header(StoreTransaction& tx, Header& header) {
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

    RecordIdentity identity(const Row& row) const {
        return {vault_id, row.record_id, row.name_index, row.version};
    }

    std::optional<Row> find_row(std::span<const std::uint8_t> index,
                                RecordStore::Columns columns = RecordStore::Columns::all) {
        return store->find(index, columns);
    }

    Metadata open_metadata(const Row& row) {
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

    Bytes entry_of(const Row& row) const {
        return manifest_entry(keys, identity(row), row.metadata, row.value);
    }

    // Writes one record inside the caller's transaction and keeps the
    // header's manifest and count in step; the caller stores the header.
    void put(Header& header, const Vault::NewEntry& entry, std::int64_t now) {
        Row row;
        row.name_index = name_index(keys, entry.service, entry.name);
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

    // get() under the keys we hold: one indexed read, one HMAC, one AEAD open.
    std::optional<SecureBytes> read_value(std::string_view service, std::string_view name) {
        const std::optional<Row> row =
            find_row(name_index(keys, service, name), RecordStore::Columns::value_only);
        if (!row) {
            return std::nullopt;
        }
        auto plain = aead_open(keys.record, row->value,
                               record_associated_data(identity(*row), Field::value));
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

    void adopt_keys(SecureBytes key) {
        vault_key = std::move(key);
        keys = derive_subkeys(vault_key, vault_id);
    }

    // Writes a header whose slots this Vault changed (signed again at the
    // next key epoch when the vault is signed), and takes them as the ones
    // it has seen.
    void commit_slots(StoreTransaction& tx, Header& header) {
        if (header.admin) {
            sign_header(header, *admin_key, vault_key, header.admin->key_epoch + 1);
        }
        commit_header(tx, header);
        slots_seen = encode_slots(header);
        trust.persist();
    }
};

Vault::Vault(std::unique_ptr<State> state) : state_(std::move(state)) {}
Vault::Vault(Vault&&) noexcept = default;
Vault& Vault::operator=(Vault&&) noexcept = default;
Vault::~Vault() = default;

Vault Vault::create(const std::filesystem::path& path, const Credential& credential,
                    const KdfPolicy& policy, const KdfLimits& limits) {
    return create(
        [&path](std::span<const std::uint8_t> header) { return create_sqlite_store(path, header); },
        credential, policy, limits);
}

Vault Vault::create(const StoreCreator& create_store, const Credential& credential,
                    const KdfPolicy& policy, const KdfLimits& limits, const AdminKeyPair* admin,
                    const Trust& trust) {
    if (credential.kind == Credential::Kind::password && credential.bytes.empty()) {
        throw Error(ErrorCode::invalid_argument, "a vault password must not be empty");
    }
    check_kdf_policy_readable(policy, limits);
    Header header;
    header.vault_id = random_bytes(kVaultIdBytes);
    header.manifest = Bytes(kMacBytes, 0);
    SecureBytes vault_key = random_key();
    auto [slot, kek] = make_slot(header, 1, credential, policy, vault_key);
    header.slots.push_back(std::move(slot));
    if (admin != nullptr) {
        sign_header(header, *admin, vault_key, 1);
    }
    header.mac = header_mac(derive_subkeys(vault_key, header.vault_id), header);
    Vault vault = open(create_store(encode_header(header)), credential, limits, trust);
    if (admin != nullptr) {
        vault.state_->admin_key = *admin;
    }
    return vault;
}

Vault Vault::open(const std::filesystem::path& path, const Credential& credential,
                  const KdfLimits& limits) {
    return open(open_sqlite_store(path), credential, limits);
}

std::string read_vault_id(RecordStore& store) {
    return to_hex(decode_header(store.read_header()).vault_id);
}

Vault Vault::open(std::unique_ptr<RecordStore> store, const Credential& credential,
                  const KdfLimits& limits, const Trust& trust) {
    return open(
        std::move(store), [](const std::string&) { return std::optional<SecureBytes>(); },
        [&credential] { return credential; }, limits, trust);
}

Vault Vault::open(std::unique_ptr<RecordStore> store, const CachedKey& cached,
                  const std::function<Credential()>& obtain_credential, const KdfLimits& limits,
                  const Trust& trust) {
    auto state = std::make_unique<State>(std::move(store), trust);
    state->limits = limits;
    const Header header = state->load_header_unverified();
    state->vault_id = header.vault_id;
    state->id_hex = to_hex(header.vault_id);
    // Before any KDF runs: a substitute or an older vault costs nothing.
    state->trust.check(header);
    if (auto key = cached(state->id_hex); key && key->size() == kKeyBytes) {
        state->adopt_keys(std::move(*key));
        if (state->mac_verifies(header)) {
            state->trust.accept(header, state->vault_key);
            state->trust.persist();
            state->unlocked_from_cache = true;
            state->slots_seen = encode_slots(header);
            return Vault(std::move(state));
        }
    }
    const Credential credential = obtain_credential();
    const SlotKind wanted = slot_kind_for(credential);
    check_unlock_cost(header, wanted, limits);
    // A host key tries only the slots wrapped to its own public key: the
    // others would fail anyway, and this way the error can say so.
    std::vector<std::uint8_t> host_key;
    if (wanted == SlotKind::recipient) {
        host_key = host_public_key(credential.bytes);
        state->unlock_host_key = credential.bytes;
    }
    bool tried = false;
    for (const Slot& slot : header.slots) {
        if (slot.kind != wanted ||
            (wanted == SlotKind::recipient && slot.recipient_public_key != host_key)) {
            continue;
        }
        tried = true;
        SecureBytes kek = slot_kek(slot, header.vault_id, credential);
        if (auto key = unwrap_slot(header, slot, kek)) {
            state->adopt_keys(std::move(*key));
            state->unlock_slot = slot.id;
            state->unlock_kind = slot.kind;
            state->unlock_kek = std::move(kek);
            // The header MAC, checked before any record is read.
            state->slots_seen = encode_slots(state->load_header());
            state->trust.persist();
            return Vault(std::move(state));
        }
    }
    if (wanted == SlotKind::recipient && !tried) {
        throw Error(ErrorCode::auth_failed,
                    "no key slot of this vault is for host key " + public_key_text(host_key) +
                        " (an administrator adds it with `tresor vault add-recipient`)");
    }
    throw Error(ErrorCode::auth_failed, wanted == SlotKind::recipient
                                            ? "the host key's slot did not unwrap: damaged vault"
                                            : kWrongPassword);
}

std::optional<SecureBytes> Vault::get(std::string_view service, std::string_view name) {
    State& s = *state_;
    return s.with_current_keys([&] { return s.read_value(service, name); });
}

void Vault::set(std::string_view service, std::string_view name,
                std::span<const std::uint8_t> value, const Metadata& metadata) {
    const NewEntry entry{service, name, value, metadata};
    set_many({&entry, 1});
}

void Vault::set_many(std::span<const NewEntry> entries) {
    State& s = *state_;
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    Header header = s.load_header();
    const std::int64_t now = now_unix();
    for (const NewEntry& entry : entries) {
        s.put(header, entry, now);
    }
    for (const NewEntry& entry : entries) {
        s.audit.stage(audit::Operation::set, entry.service, entry.name);
    }
    s.commit_header(tx, header);
}

bool Vault::remove(std::string_view service, std::string_view name) {
    State& s = *state_;
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    Header header = s.load_header();
    auto old = s.find_row(name_index(s.keys, service, name));
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
    std::vector<Metadata> found;
    s.store->scan(service != nullptr ? &service_idx : nullptr, false, [&](const Row& row) {
        Metadata m = s.open_metadata(row);
        if (m.expires_at == 0 || now < m.expires_at) {
            found.push_back(std::move(m));
        }
        return true;
    });
    snapshot.commit();
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

const std::string& Vault::id() const {
    return state_->id_hex;
}

std::span<const std::uint8_t> Vault::vault_key() const {
    return state_->vault_key;
}

bool Vault::unlocked_from_cache() const {
    return state_->unlocked_from_cache;
}

VerifyReport Vault::verify() {
    State& s = *state_;
    VerifyReport report;
    report.problems = s.store->check_integrity();
    // One snapshot, safe from concurrent writers.
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    const Header header = s.load_header();
    Bytes manifest(kMacBytes, 0);
    s.store->scan(nullptr, true, [&](const Row& row) {
        ++report.records_checked;
        const std::string where = "record " + to_hex(row.record_id);
        try {
            const Metadata m = s.open_metadata(row);
            if (!aead_open(s.keys.record, row.value,
                           record_associated_data(s.identity(row), Field::value))) {
                report.problems.push_back(where + ": value failed authentication");
            }
            if (name_index(s.keys, m.service, m.name) != row.name_index ||
                service_index(s.keys, m.service) != row.service_index) {
                report.problems.push_back(where + ": index does not match its contents");
            }
        } catch (const Error& e) {
            report.problems.push_back(where + ": " + e.what());
        }
        xor_into(manifest, s.entry_of(row));
        return true;
    });
    // The manifest covers the audit log's last block too.
    const audit::ChainReport chain =
        audit::read_chain(*s.store, s.audit_keys(), s.vault_id, [](auto, const auto&) {});
    report.audit_blocks_checked = chain.blocks;
    report.audit_events_checked = chain.events;
    report.audit_problems = chain.problems;
    if (!chain.head.empty()) {
        xor_into(manifest, chain.head);
    }
    report.manifest_matches = report.records_checked == header.record_count &&
                              equal_in_constant_time(manifest, header.manifest);
    if (!report.manifest_matches) {
        report.problems.push_back(
            chain.blocks == 0
                ? "the records do not match the authenticated manifest (a record was added, "
                  "removed, rolled back or replaced outside tresor)"
                : "the records or the audit log do not match the authenticated manifest (a record "
                  "was added, removed, rolled back or replaced outside tresor, or the audit log's "
                  "newest blocks were removed)");
    }
    return report;
}

void Vault::enable_audit() {
    state_->audit.enable();
}

void Vault::set_audit_actor(std::string_view actor) {
    state_->audit.set_actor(actor);
}

void Vault::note_read(audit::Operation operation, audit::Outcome outcome, std::string_view service,
                      std::string_view name, std::string_view detail) {
    state_->audit.note(operation, outcome, service, name, detail);
}

bool Vault::audit_due() const {
    return state_->audit.due();
}

bool Vault::flush_audit() {
    State& s = *state_;
    if (!s.audit.has_noted()) {
        return false;
    }
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    Header header = s.load_header();
    s.commit_header(tx, header);
    return true;
}

audit::ChainReport Vault::read_audit(
    const std::function<void(std::uint64_t, const audit::Event&)>& sink) {
    State& s = *state_;
    StoreTransaction snapshot(*s.store, RecordStore::Access::read);
    (void)s.load_header();  // current keys
    return audit::read_chain(*s.store, s.audit_keys(), s.vault_id, sink);
}

std::vector<audit::Event> Vault::unsealed_audit_notes() {
    std::vector<audit::Event> out;
    for (const auto& note : state_->store->audit_notes()) {
        try {
            out.push_back(audit::decode_note(note.second));
        } catch (const Error&) {
            // Anyone who can write the store can add a note: an unreadable
            // one is skipped here and sealed as unreadable by the next write.
        }
    }
    return out;
}

std::uint64_t Vault::prune_audit(std::int64_t before_ms) {
    State& s = *state_;
    s.audit.enable();  // a prune is always sealed: readers start the chain from it
    StoreTransaction tx(*s.store, RecordStore::Access::write);
    Header header = s.load_header();
    const auto pruned = audit::prune_blocks(*s.store, s.audit_keys(), s.vault_id, before_ms);
    if (!pruned) {
        return 0;
    }
    s.audit.stage(audit::Operation::prune, {}, {}, pruned->detail);
    s.commit_header(tx, header);
    return pruned->blocks;
}

Info Vault::info() {
    State& s = *state_;
    const Header header = s.load_header();
    Info info;
    info.format_version = format_version(header);
    info.vault_id = to_hex(header.vault_id);
    info.generation = header.generation;
    info.record_count = header.record_count;
    if (header.admin) {
        info.admin = admin_identity_text(header.admin->admin_public_key);
        info.key_epoch = header.admin->key_epoch;
        if (header.admin->handover) {
            info.handed_over_from = admin_identity_text(header.admin->handover->previous_admin);
        }
    }
    info.admin_pinned = s.trust.pinned();
    for (const Slot& slot : header.slots) {
        info.slots.push_back(
            {kind_name(slot.kind),
             slot.id,
             {slot.params.memory_kib, slot.params.iterations, slot.params.parallelism},
             slot.label,
             slot.kind == SlotKind::recipient ? public_key_text(slot.recipient_public_key) : ""});
    }
    info.file_bytes = s.store->size_bytes();
    info.location = s.store->location();
    info.store = s.store->traits();
    return info;
}

}  // namespace tresor::vault
