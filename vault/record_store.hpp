// vault/record_store.hpp — where a vault's bytes live.
//
// The vault engine (vault/vault*.cpp) does every cryptographic and manifest step; a
// record store only keeps what the engine hands it — one header blob and
// rows of opaque bytes — and makes a group of changes atomic. Nothing a
// store sees is secret: names are blind indexes, values and metadata are
// sealed, the header holds only wrapped keys. Each store lives in its own
// file under vault/stores/ (the SQLite file today), as git keeps each ref
// backend in its own file behind one table of operations.
//
// Thread safety: a store is used by one thread at a time (its Vault's).
// Errors are tresor::Error: corrupt for a store that is not a tresor vault
// or is damaged, io or unavailable when the medium fails, permission_denied
// when access is refused.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace tresor::vault {

using StoreBytes = std::vector<std::uint8_t>;

// One record as stored: the columns of docs/VAULT-FORMAT.md, "records".
struct StoredRecord {
    StoreBytes record_id;
    StoreBytes name_index;
    StoreBytes service_index;
    std::uint64_t version = 0;
    StoreBytes metadata;  // sealed
    StoreBytes value;     // sealed; empty when read without values
};

// One block of the audit log as stored (docs/VAULT-FORMAT.md, "Audit log").
struct StoredAuditBlock {
    std::uint64_t seq = 0;  // 1, 2, ... in the order appended
    StoreBytes link;        // 32 bytes
    StoreBytes block;       // sealed
};

// What a store guarantees, read by the engine and the CLI instead of assumed
// (SQLite's xDeviceCharacteristics idea).
struct StoreTraits {
    // Replaced or deleted bytes (old ciphertexts, an old wrapped key) are
    // overwritten by scrub(): true for the SQLite file (secure_delete and
    // VACUUM); false where old rows survive in logs, replicas or backups.
    bool scrubs_freed_data = false;
    // Only the owner's processes can reach the bytes (file modes).
    bool owner_only_access = false;
};

class RecordStore {
  public:
    virtual ~RecordStore() = default;

    enum class Access { read, write };

    // Starts a transaction. Access::write: exclusive against other writers
    // (in every process) until commit or rollback; every change below needs
    // one. Access::read: a consistent snapshot of header and rows. Calls
    // outside a transaction each see the latest committed state.
    virtual void begin(Access access) = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;

    // The header blob. Throws Error{corrupt} when there is none.
    [[nodiscard]] virtual StoreBytes read_header() = 0;
    virtual void write_header(std::span<const std::uint8_t> blob) = 0;

    // Which columns a read fills in; the others stay empty.
    enum class Columns {
        all,
        without_value,  // listing and stat never need values
        value_only,     // get's fast path: record_id, name_index, version, value
    };
    // The record with this name index, or none.
    [[nodiscard]] virtual std::optional<StoredRecord> find(std::span<const std::uint8_t> name_index,
                                                           Columns columns) = 0;
    // In a write transaction, before its first read: the name indexes this
    // transaction will find(). A store whose every read is a round trip to
    // a server reads them with the header, in one exchange (the fleet
    // store); a local one has nothing to gain and ignores the hint. What
    // find() returns is the same either way.
    virtual void will_find(std::span<const StoreBytes> name_indexes) { (void)name_indexes; }
    // Inserts or replaces the record with this record_id; a name_index held
    // by another record is a store error.
    virtual void put(const StoredRecord& record) = 0;
    virtual void erase(std::span<const std::uint8_t> record_id) = 0;

    // Visits every record, or those of one service index, in the order they
    // were first put; `visit` returns false to stop.
    virtual void scan(const StoreBytes* service_index, bool with_values,
                      const std::function<bool(const StoredRecord&)>& visit) = 0;

    // The audit log (vault/audit/): sealed blocks by sequence number, and
    // the unsealed notes of failed unlocks. A store made before the log has
    // none of its tables: reads find nothing, the first put_audit_block (in
    // a write transaction) adds them, and add_audit_note does nothing.
    // The last block's number and link (its block left empty), or none.
    [[nodiscard]] virtual std::optional<StoredAuditBlock> last_audit_block() = 0;
    // Inserts or replaces the block with this number.
    virtual void put_audit_block(const StoredAuditBlock& block) = 0;
    // Visits every block in ascending order; `visit` returns false to stop.
    virtual void scan_audit(const std::function<bool(const StoredAuditBlock&)>& visit) = 0;
    // Removes every block up to and including `seq`.
    virtual void erase_audit_through(std::uint64_t seq) = 0;
    // Adds a note outside any transaction, unless the store has no audit
    // tables or holds max_notes already; returns whether it did.
    virtual bool add_audit_note(std::span<const std::uint8_t> note, std::size_t max_notes) = 0;
    // The notes with their ids, oldest first; and their removal.
    [[nodiscard]] virtual std::vector<std::pair<std::int64_t, StoreBytes>> audit_notes() = 0;
    virtual void erase_audit_notes_through(std::int64_t id) = 0;

    // The medium's own consistency check (empty when sound).
    [[nodiscard]] virtual std::vector<std::string> check_integrity() = 0;
    // Overwrites what earlier changes freed, where traits() says it can.
    virtual void scrub() = 0;
    [[nodiscard]] virtual std::uintmax_t size_bytes() = 0;
    // Where it is, for messages: a path, or a database and vault name.
    [[nodiscard]] virtual std::string location() const = 0;
    [[nodiscard]] virtual StoreTraits traits() const = 0;
};

// begin() ... commit(), rolled back when destroyed before commit().
class StoreTransaction {
  public:
    StoreTransaction(RecordStore& store, RecordStore::Access access) : store_(store) {
        store_.begin(access);
    }
    ~StoreTransaction() {
        if (!done_) {
            store_.rollback();
        }
    }
    StoreTransaction(const StoreTransaction&) = delete;
    StoreTransaction& operator=(const StoreTransaction&) = delete;
    void commit() {
        store_.commit();
        done_ = true;
    }

  private:
    RecordStore& store_;
    bool done_ = false;
};

// Makes a new store holding exactly `header_blob` and no record, atomically
// (a crash leaves a whole vault or none); fails when one exists there.
using StoreCreator =
    std::function<std::unique_ptr<RecordStore>(std::span<const std::uint8_t> header_blob)>;

// How to reach one configured vault's store, whatever kind it is.
struct StoreAccess {
    std::function<bool()> exists;  // may connect; false when it was never created
    std::function<std::unique_ptr<RecordStore>()> open;
    StoreCreator create;
    std::string where;  // for messages: a path, or a database and vault name
};

}  // namespace tresor::vault
