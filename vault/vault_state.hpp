// vault/vault_state.hpp — what an open Vault holds (its store, keys, unlock
// slot, trust and audit writer) and the steps every operation shares:
// loading and checking the header, reading and writing one record under the
// manifest, committing a header. Private to the engine: only vault/vault*.cpp
// include it (vault.hpp is the one door).
//
// The engine's files speak the format's pieces (vault/detail/) throughout,
// hence the using-directive of this private header.
#pragma once

#include <algorithm>
#include <chrono>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vault/audit/writer.hpp"
#include "vault/detail/record_codec.hpp"
#include "vault/record_store.hpp"
#include "vault/slots/host_key.hpp"
#include "vault/trust/admin_key.hpp"
#include "vault/trust/header_trust.hpp"
#include "vault/vault.hpp"

namespace tresor::vault {

using namespace detail;

inline constexpr const char* kWrongPassword = "wrong password or damaged vault";

inline std::int64_t now_unix() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

using Row = StoredRecord;

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
    // The metadata this Vault has decrypted for a listing, by record id,
    // with the sealed bytes and identity it was opened from (tresor serve
    // lists on every request). A row whose bytes are those is the same
    // AEAD input under the same keys, so its metadata is reused instead of
    // opened again; any other row is opened (and refused if tampered), as
    // is every row after adopt_keys. Metadata only: nothing in it is secret.
    struct OpenedMetadata {
        Bytes name_index;
        std::uint64_t version = 0;
        Bytes sealed;
        Metadata metadata;
        std::uint64_t listed_in = 0;  // the listing that last read its row
    };
    std::map<Bytes, OpenedMetadata> opened_metadata;
    // Counts the listings, so that a full one can forget what it did not
    // read (removed since) without a set of the ids it did.
    std::uint64_t listings = 0;

    State(std::unique_ptr<RecordStore> s, const Trust& t)
        : store(std::move(s)), trust(t, store->location()) {}
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    // What this Vault saw and wrote, for the anchor; a failure loses only
    // that (the next open stores what it sees).
    ~State();

    Header load_header_unverified() { return decode_header(store->read_header()); }

    // Re-reads the header (another process may have written) and checks its
    // MAC under our keys. When another process rotated the vault key since
    // we unlocked, unlocks again first; rekeyed says whether it did.
    Header load_header(bool* rekeyed = nullptr);

    bool mac_verifies(const Header& header) const {
        return equal_in_constant_time(header_mac(keys, header), header.mac);
    }

    void unlock_again(const Header& header);

    // A change of the key slots is a compare-and-swap: under the write lock
    // they must still be those this Vault saw, or another process's change
    // (a new password, a rotation) would be silently overwritten.
    Header load_header_to_change_slots();

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
    std::string audit_credential() const;

    audit::Keys audit_keys() const { return audit::derive_keys(vault_key, vault_id); }

    // Every write ends here, in its transaction: the audit log takes its
    // events (and the reads noted so far) before the manifest is MACed. The
    // header is taken as seen only once committed (a failed COMMIT left the
    // store where it was, and the retry must not find it "older").
    void commit_header(StoreTransaction& tx, Header& header);

    RecordIdentity identity(const Row& row) const {
        return {vault_id, row.record_id, row.name_index, row.version};
    }

    std::optional<Row> find_row(std::span<const std::uint8_t> index,
                                RecordStore::Columns columns = RecordStore::Columns::all) {
        return store->find(index, columns);
    }

    Metadata open_metadata(const Row& row);
    // open_metadata, or what it gave for these very bytes (opened_metadata).
    Metadata listed_metadata(const Row& row);

    Bytes entry_of(const Row& row) const {
        return manifest_entry(keys, identity(row), row.metadata, row.value);
    }

    // Writes one record (its name index given, under the current keys)
    // inside the caller's transaction and keeps the header's manifest and
    // count in step; the caller stores the header.
    void put(Header& header, const Vault::NewEntry& entry, Bytes index, std::int64_t now);

    // get() under the keys we hold: one indexed read, one HMAC, one AEAD open.
    std::optional<SecureBytes> read_value(std::string_view service, std::string_view name);

    void adopt_keys(SecureBytes key) {
        vault_key = std::move(key);
        keys = derive_subkeys(vault_key, vault_id);
        opened_metadata.clear();
    }

    // Writes a header whose slots this Vault changed (signed again at the
    // next key epoch when the vault is signed), and takes them as the ones
    // it has seen.
    void commit_slots(StoreTransaction& tx, Header& header);
};

}  // namespace tresor::vault
