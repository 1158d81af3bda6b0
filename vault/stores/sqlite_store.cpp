// The SQLite file store: every SQL statement of the file vault is here.
#include "vault/stores/sqlite_store.hpp"

#include "vault/detail/files.hpp"
#include "vault/detail/schema.hpp"
#include "vault/detail/sqlite.hpp"

namespace tresor::vault {
namespace {

using namespace detail;

class SqliteStore final : public RecordStore {
  public:
    explicit SqliteStore(const std::filesystem::path& path) : path_(path), db_(path) {}

    void begin(Access access) override {
        db_.exec(access == Access::write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
    }
    void commit() override { db_.exec("COMMIT"); }
    void rollback() noexcept override {
        sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }

    StoreBytes read_header() override {
        // A schema changed since it was checked is checked again, under the
        // write lock when the caller holds it: no planted trigger runs in a
        // transaction of ours.
        if (schema_version(db_) != checked_schema_.cookie) {
            checked_schema_ = check_schema(db_, path_);
        }
        read_header_.reset();
        if (!read_header_.step()) {
            throw Error(ErrorCode::corrupt, "vault " + path_.string() + " has no header");
        }
        StoreBytes blob = copy(read_header_.blob(0));
        read_header_.reset();
        return blob;
    }

    void write_header(std::span<const std::uint8_t> blob) override {
        write_header_.bind(1, blob).run();
        write_header_.reset();
    }

    std::optional<StoredRecord> find(std::span<const std::uint8_t> name_index,
                                     Columns columns) override {
        Statement& query = columns == Columns::all             ? find_
                           : columns == Columns::without_value ? find_without_value_
                                                               : find_value_;
        query.bind(1, name_index);
        if (!query.step()) {
            query.reset();
            return std::nullopt;
        }
        StoredRecord record;
        if (columns == Columns::value_only) {
            record.record_id = copy(query.blob(0));
            record.name_index.assign(name_index.begin(), name_index.end());
            record.version = static_cast<std::uint64_t>(query.integer(1));
            record.value = copy(query.blob(2));
        } else {
            record = record_of(query, columns == Columns::all);
        }
        query.reset();
        return record;
    }

    void put(const StoredRecord& r) override {
        upsert_.bind(1, r.record_id)
            .bind(2, r.name_index)
            .bind(3, r.service_index)
            .bind(4, static_cast<std::int64_t>(r.version))
            .bind(5, r.metadata)
            .bind(6, r.value)
            .run();
        upsert_.reset();
    }

    void erase(std::span<const std::uint8_t> record_id) override {
        erase_.bind(1, record_id).run();
        erase_.reset();
    }

    void scan(const StoreBytes* service_index, bool with_values,
              const std::function<bool(const StoredRecord&)>& visit) override {
        Statement& query = service_index != nullptr ? (with_values ? by_service_ : by_service_meta_)
                                                    : (with_values ? all_ : all_meta_);
        if (service_index != nullptr) {
            query.bind(1, *service_index);
        }
        while (query.step()) {
            if (!visit(record_of(query, with_values))) {
                break;
            }
        }
        query.reset();
    }

    std::optional<StoredAuditBlock> last_audit_block() override {
        if (!checked_schema_.audit) {
            return std::nullopt;
        }
        Statement& query = audit().last;
        if (!query.step()) {
            return std::nullopt;
        }
        StoredAuditBlock block{
            static_cast<std::uint64_t>(query.integer(0)), copy(query.blob(1)), {}};
        query.reset();
        return block;
    }

    void put_audit_block(const StoredAuditBlock& block) override {
        if (!checked_schema_.audit) {
            // In the caller's write transaction, which re-reads the header
            // (and so checks the schema again) before any later write.
            add_audit_tables(db_);
            checked_schema_ = check_schema(db_, path_);
        }
        audit()
            .put.bind(1, static_cast<std::int64_t>(block.seq))
            .bind(2, block.link)
            .bind(3, block.block)
            .run();
        audit().put.reset();
    }

    void scan_audit(const std::function<bool(const StoredAuditBlock&)>& visit) override {
        if (!checked_schema_.audit) {
            return;
        }
        Statement& query = audit().scan;
        while (query.step()) {
            if (!visit({static_cast<std::uint64_t>(query.integer(0)), copy(query.blob(1)),
                        copy(query.blob(2))})) {
                break;
            }
        }
        query.reset();
    }

    void erase_audit_through(std::uint64_t seq) override {
        if (checked_schema_.audit) {
            audit().erase.bind(1, static_cast<std::int64_t>(seq)).run();
            audit().erase.reset();
        }
    }

    bool add_audit_note(std::span<const std::uint8_t> note, std::size_t max_notes) override {
        if (!checked_schema_.audit) {
            return false;
        }
        Statement& insert = audit().add_note;
        insert.bind(1, note).bind(2, static_cast<std::int64_t>(max_notes)).run();
        insert.reset();
        return sqlite3_changes(db_.handle()) == 1;
    }

    std::vector<std::pair<std::int64_t, StoreBytes>> audit_notes() override {
        std::vector<std::pair<std::int64_t, StoreBytes>> notes;
        if (!checked_schema_.audit) {
            return notes;
        }
        Statement& query = audit().notes;
        while (query.step()) {
            notes.emplace_back(query.integer(0), copy(query.blob(1)));
        }
        query.reset();
        return notes;
    }

    void erase_audit_notes_through(std::int64_t id) override {
        if (checked_schema_.audit) {
            audit().erase_notes.bind(1, id).run();
            audit().erase_notes.reset();
        }
    }

    std::vector<std::string> check_integrity() override {
        std::vector<std::string> problems;
        Statement check(db_.handle(), "PRAGMA quick_check");
        while (check.step()) {
            const auto text = check.blob(0);
            const std::string line(text.begin(), text.end());
            if (line != "ok") {
                problems.push_back("SQLite: " + line);
            }
        }
        return problems;
    }

    // secure_delete zeroes freed cells; VACUUM also rewrites every page, so
    // an old wrapped key is in neither a free page nor the journal.
    void scrub() override { db_.exec("VACUUM"); }

    std::uintmax_t size_bytes() override {
        std::error_code ec;
        return std::filesystem::file_size(path_, ec);
    }
    std::string location() const override { return path_.string(); }
    StoreTraits traits() const override {
        return {.scrubs_freed_data = true, .owner_only_access = true};
    }

  private:
    static StoreBytes copy(std::span<const std::uint8_t> b) { return {b.begin(), b.end()}; }

    // The audit log's statements, prepared once its tables exist.
    struct AuditStatements {
        explicit AuditStatements(sqlite3* db)
            : last(db, "SELECT seq, link FROM audit ORDER BY seq DESC LIMIT 1"),
              put(db, "INSERT OR REPLACE INTO audit (seq, link, block) VALUES (?, ?, ?)"),
              scan(db, "SELECT seq, link, block FROM audit ORDER BY seq"),
              erase(db, "DELETE FROM audit WHERE seq <= ?"),
              add_note(db,
                       "INSERT INTO audit_notes (note) SELECT ? "
                       "WHERE (SELECT count(*) FROM audit_notes) < ?"),
              notes(db, "SELECT id, note FROM audit_notes ORDER BY id"),
              erase_notes(db, "DELETE FROM audit_notes WHERE id <= ?") {}
        Statement last, put, scan, erase, add_note, notes, erase_notes;
    };
    AuditStatements& audit() {
        if (!audit_) {
            audit_.emplace(db_.handle());
        }
        return *audit_;
    }

    // A row of a query selecting record_id, name_index, service_index,
    // version, metadata[, value].
    static StoredRecord record_of(const Statement& q, bool with_value) {
        return {copy(q.blob(0)), copy(q.blob(1)),
                copy(q.blob(2)), static_cast<std::uint64_t>(q.integer(3)),
                copy(q.blob(4)), with_value ? copy(q.blob(5)) : StoreBytes()};
    }

    std::filesystem::path path_;
    Database db_;
    // Before any other statement is prepared: a foreign file must not get
    // as far as "no such table", nor a planted trigger or view into a query.
    SchemaCheck checked_schema_ = check_schema(db_, path_);
    std::optional<AuditStatements> audit_;
    Statement read_header_{db_.handle(), "SELECT blob FROM header WHERE id = 1"};
    Statement write_header_{db_.handle(), "INSERT OR REPLACE INTO header (id, blob) VALUES (1, ?)"};
    Statement find_{db_.handle(),
                    "SELECT record_id, name_index, service_index, version, metadata, value "
                    "FROM records WHERE name_index = ?"};
    Statement find_without_value_{db_.handle(),
                                  "SELECT record_id, name_index, service_index, version, "
                                  "metadata FROM records WHERE name_index = ?"};
    Statement find_value_{db_.handle(),
                          "SELECT record_id, version, value FROM records WHERE name_index = ?"};
    Statement upsert_{db_.handle(),
                      "INSERT OR REPLACE INTO records (record_id, name_index, service_index, "
                      "version, metadata, value) VALUES (?, ?, ?, ?, ?, ?)"};
    Statement erase_{db_.handle(), "DELETE FROM records WHERE record_id = ?"};
    // Listing reads no value column: a large value costs its overflow pages.
    Statement by_service_meta_{db_.handle(),
                               "SELECT record_id, name_index, service_index, version, metadata "
                               "FROM records WHERE service_index = ? ORDER BY rowid"};
    Statement all_meta_{db_.handle(),
                        "SELECT record_id, name_index, service_index, version, metadata "
                        "FROM records ORDER BY rowid"};
    Statement by_service_{db_.handle(),
                          "SELECT record_id, name_index, service_index, version, metadata, value "
                          "FROM records WHERE service_index = ? ORDER BY rowid"};
    Statement all_{db_.handle(),
                   "SELECT record_id, name_index, service_index, version, metadata, value "
                   "FROM records ORDER BY rowid"};
};

}  // namespace

std::unique_ptr<RecordStore> open_sqlite_store(const std::filesystem::path& requested) {
    const std::filesystem::path path = resolve_folder(requested);
    check_private_file(path);
    return std::make_unique<SqliteStore>(path);
}

std::unique_ptr<RecordStore> create_sqlite_store(const std::filesystem::path& path,
                                                 std::span<const std::uint8_t> header_blob) {
    // Built beside the target and renamed into place: a crash leaves either
    // no vault or a whole one, never an unopenable file at path.
    PrivateFile staging = create_private_file(path);
    {
        Database db(staging.path);
        Transaction tx(db);
        create_schema(db);
        Statement(db.handle(), "INSERT INTO header (id, blob) VALUES (1, ?)")
            .bind(1, header_blob)
            .run();
        tx.commit();
    }
    staging.publish();
    return open_sqlite_store(path);
}

StoreAccess sqlite_store_access(const std::filesystem::path& path) {
    return {
        // A symlink counts: opening it is refused loudly, never replaced.
        .exists = [path] { return std::filesystem::exists(std::filesystem::symlink_status(path)); },
        .open = [path] { return open_sqlite_store(path); },
        .create =
            [path](std::span<const std::uint8_t> header) {
                return create_sqlite_store(path, header);
            },
        .where = path.string(),
    };
}

}  // namespace tresor::vault
