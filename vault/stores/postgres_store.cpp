// The PostgreSQL store: every SQL statement of the fleet store is here.
// Statements are prepared once per connection, binary in and out, and sent
// in libpq's pipeline mode: a get is one round trip; a set two — BEGIN, the
// header's lock and the record's read, then the writes and COMMIT. Writes
// wait until the next read or the COMMIT takes them along.
#include "vault/stores/postgres_store.hpp"

#include "vault/stores/libpq.hpp"
#include "vault/stores/postgres_connection.hpp"

#include <array>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <vector>

#include "tresor/error.hpp"

namespace tresor::vault {
namespace {

// The tables, one statement each (a pipeline takes no string of several).
constexpr const char* kSchemaVaults = R"(CREATE TABLE IF NOT EXISTS tresor_vaults (
    name text PRIMARY KEY,
    header bytea NOT NULL
))";
constexpr const char* kSchemaRecords = R"(CREATE TABLE IF NOT EXISTS tresor_records (
    vault text NOT NULL REFERENCES tresor_vaults (name),
    record_id bytea NOT NULL,
    name_index bytea NOT NULL,
    service_index bytea NOT NULL,
    version bigint NOT NULL,
    metadata bytea NOT NULL,
    value bytea NOT NULL,
    PRIMARY KEY (vault, record_id),
    UNIQUE (vault, name_index)
))";
constexpr const char* kSchemaByService =
    "CREATE INDEX IF NOT EXISTS tresor_records_by_service ON tresor_records (vault, "
    "service_index)";

// The audit log's tables (docs/VAULT-FORMAT.md, "Audit log"): with a new
// fleet database, or added by the first audited write to an older one.
constexpr std::array<const char*, 2> kAuditSchema = {
    R"(CREATE TABLE IF NOT EXISTS tresor_audit (
    vault text NOT NULL REFERENCES tresor_vaults (name),
    seq bigint NOT NULL,
    link bytea NOT NULL,
    block bytea NOT NULL,
    PRIMARY KEY (vault, seq)
))",
    R"(CREATE TABLE IF NOT EXISTS tresor_audit_notes (
    vault text NOT NULL REFERENCES tresor_vaults (name),
    id bigserial,
    note bytea NOT NULL,
    PRIMARY KEY (vault, id)
))"};

// Each prepared statement: its name, text and parameter count. $1 is always
// the vault's name.
struct Query {
    std::size_t id;  // its place in kQueries
    const char* name;
    const char* sql;
};
constexpr Query kReadHeader{0, "read_header", "SELECT header FROM tresor_vaults WHERE name = $1"};
constexpr Query kFind{1, "find",
                      "SELECT record_id, name_index, service_index, version, metadata, value "
                      "FROM tresor_records WHERE vault = $1 AND name_index = $2"};
constexpr Query kFindMeta{2, "find_meta",
                          "SELECT record_id, name_index, service_index, version, metadata "
                          "FROM tresor_records WHERE vault = $1 AND name_index = $2"};
constexpr Query kFindValue{3, "find_value",
                           "SELECT record_id, version, value "
                           "FROM tresor_records WHERE vault = $1 AND name_index = $2"};
constexpr Query kScan{4, "scan",
                      "SELECT record_id, name_index, service_index, version, metadata, value "
                      "FROM tresor_records WHERE vault = $1"};
constexpr Query kScanMeta{5, "scan_meta",
                          "SELECT record_id, name_index, service_index, version, metadata "
                          "FROM tresor_records WHERE vault = $1"};
constexpr Query kScanService{6, "scan_service",
                             "SELECT record_id, name_index, service_index, version, metadata, "
                             "value FROM tresor_records WHERE vault = $1 AND service_index = $2"};
constexpr Query kScanServiceMeta{7, "scan_service_meta",
                                 "SELECT record_id, name_index, service_index, version, metadata "
                                 "FROM tresor_records WHERE vault = $1 AND service_index = $2"};
constexpr Query kSize{8, "size",
                      "SELECT coalesce(sum(octet_length(metadata) + octet_length(value) + "
                      "octet_length(record_id) + octet_length(name_index) + "
                      "octet_length(service_index)), 0)::bigint + (SELECT octet_length(header) "
                      "FROM tresor_vaults WHERE name = $1) FROM tresor_records WHERE vault = $1"};
// $1, the vault's name, is every query's first parameter; this one only
// types it.
constexpr Query kAuditTables{9, "audit_tables",
                             "SELECT to_regclass('tresor_audit') IS NOT NULL AND $1::text IS NOT "
                             "NULL"};
constexpr Query kLastAudit{10, "last_audit",
                           "SELECT seq, link FROM tresor_audit WHERE vault = $1 "
                           "ORDER BY seq DESC LIMIT 1"};
constexpr Query kScanAudit{11, "scan_audit",
                           "SELECT seq, link, block FROM tresor_audit WHERE vault = $1 "
                           "ORDER BY seq"};
constexpr Query kAddNote{12, "add_audit_note",
                         "INSERT INTO tresor_audit_notes (vault, note) SELECT $1, $2 WHERE "
                         "(SELECT count(*) FROM tresor_audit_notes WHERE vault = $1) < $3::bigint"};
constexpr Query kNotes{13, "audit_notes",
                       "SELECT id, note FROM tresor_audit_notes WHERE vault = $1 ORDER BY id"};
// A write transaction's first reads: the header's row, locked until commit,
// and the records it will find.
constexpr Query kLockHeader{14, "lock_header",
                            "SELECT header FROM tresor_vaults WHERE name = $1 FOR UPDATE"};
constexpr Query kFindMany{15, "find_many",
                          "SELECT record_id, name_index, service_index, version, metadata, value "
                          "FROM tresor_records WHERE vault = $1 AND name_index = ANY($2::bytea[])"};
constexpr Query kWriteHeader{16, "write_header",
                             "UPDATE tresor_vaults SET header = $2 WHERE name = $1"};
constexpr Query kPut{17, "put",
                     "INSERT INTO tresor_records (vault, record_id, name_index, service_index, "
                     "version, metadata, value) VALUES ($1, $2, $3, $4, $5::bigint, $6, $7) "
                     "ON CONFLICT (vault, record_id) DO UPDATE SET name_index = "
                     "EXCLUDED.name_index, service_index = EXCLUDED.service_index, version = "
                     "EXCLUDED.version, metadata = EXCLUDED.metadata, value = EXCLUDED.value"};
constexpr Query kErase{18, "erase",
                       "DELETE FROM tresor_records WHERE vault = $1 AND record_id = $2"};
constexpr std::array kQueries = {
    kReadHeader,      kFind,     kFindMeta,    kFindValue, kScan,      kScanMeta, kScanService,
    kScanServiceMeta, kSize,     kAuditTables, kLastAudit, kScanAudit, kAddNote,  kNotes,
    kLockHeader,      kFindMany, kWriteHeader, kPut,       kErase};

// The audit log's writes, not prepared: its tables may be added by the
// transaction that first uses them.
constexpr const char* kPutAudit =
    "INSERT INTO tresor_audit (vault, seq, link, block) VALUES ($1, $2::bigint, $3, $4) "
    "ON CONFLICT (vault, seq) DO UPDATE SET link = EXCLUDED.link, block = EXCLUDED.block";
constexpr const char* kEraseAudit =
    "DELETE FROM tresor_audit WHERE vault = $1 AND seq <= $2::bigint";
constexpr const char* kEraseNotes =
    "DELETE FROM tresor_audit_notes WHERE vault = $1 AND id <= $2::bigint";

// A statement of a pipeline: prepared (once per connection) or SQL text,
// with $1 the vault's name unless `bare`, then its own parameters, each a
// copy.
struct Statement {
    const Query* query = nullptr;
    const char* sql = nullptr;
    bool bare = false;  // no parameter at all (BEGIN, COMMIT, a CREATE TABLE)
    std::vector<std::string> values;
    std::vector<int> formats;

    Statement& bytes(std::span<const std::uint8_t> b) {
        values.emplace_back(reinterpret_cast<const char*>(b.data()), b.size());
        formats.push_back(1);
        return *this;
    }
    Statement& int64(std::uint64_t v) {  // network byte order, as int8's binary form
        std::string out(8, '\0');
        for (int i = 7; i >= 0; --i, v >>= 8) {
            out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
        }
        values.push_back(std::move(out));
        formats.push_back(1);
        return *this;
    }
    Statement& text(const std::string& s) {
        values.push_back(s);
        formats.push_back(0);
        return *this;
    }
};

Statement prepared(const Query& query) {
    Statement st;
    st.query = &query;
    return st;
}
Statement text_statement(const char* sql, bool bare) {
    Statement st;
    st.sql = sql;
    st.bare = bare;
    return st;
}

// A bytea[] in the binary array format: dimensions, element type, then
// each element's length and bytes.
std::string bytea_array(std::span<const StoreBytes> elements) {
    std::string out;
    auto put32 = [&out](std::uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            out += static_cast<char>((v >> shift) & 0xff);
        }
    };
    constexpr std::uint32_t kByteaOid = 17;
    put32(1);  // one dimension
    put32(0);  // no NULL
    put32(kByteaOid);
    put32(static_cast<std::uint32_t>(elements.size()));
    put32(1);  // lower bound
    for (const StoreBytes& e : elements) {
        put32(static_cast<std::uint32_t>(e.size()));
        out.append(reinterpret_cast<const char*>(e.data()), e.size());
    }
    return out;
}

// The column as bytes (results are binary).
StoreBytes bytes_of(const PGresult* r, int row, int column) {
    const auto* data = reinterpret_cast<const std::uint8_t*>(libpq().PQgetvalue(r, row, column));
    return StoreBytes(data, data + libpq().PQgetlength(r, row, column));
}

std::uint64_t int64_of(const PGresult* r, int row, int column) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(libpq().PQgetvalue(r, row, column));
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) {
        value = (value << 8) | p[i];  // network byte order
    }
    return value;
}

class PostgresStore final : public RecordStore {
  public:
    explicit PostgresStore(PostgresLocation where)
        : where_(std::move(where)),
          conn_(where_.vault_name, std::chrono::milliseconds(where_.statement_timeout_ms)) {
        connect();
    }

    // A write costs two round trips: BEGIN and the reads of the records it
    // will find (will_find) go with the header's locking read, and the
    // writes with COMMIT. Statements that return nothing the engine needs
    // wait in pending_ until the next read or the commit takes them along
    // in one pipeline; an error in any of them fails that exchange, so
    // nothing is lost.
    void begin(Access access) override {
        ensure_connected();
        pending_.clear();
        pending_.push_back(text_statement(
            access == Access::write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
            true));
        in_transaction_ = true;
        lock_header_ = access == Access::write;
        forget_reads();
    }

    void commit() override {
        in_transaction_ = false;
        forget_reads();
        pending_.push_back(text_statement("COMMIT", true));
        std::vector<Statement> statements = std::move(pending_);
        pending_.clear();
        (void)exchange(statements, "committing", true);
    }

    void rollback() noexcept override {
        in_transaction_ = false;
        pending_.clear();
        forget_reads();
        audit_tables_.reset();  // tables this transaction was to add are gone
        try {
            (void)conn_.round_trip([](PGconn* c) { return libpq().PQsendQuery(c, "ROLLBACK"); },
                                   "rolling back");
        } catch (...) {
            // Unanswered: without the connection the server rolls back.
            conn_.drop();
        }
    }

    StoreBytes read_header() override {
        if (lock_header_ && in_transaction_) {
            return locked_header();
        }
        const Result r = run(prepared(kReadHeader));
        if (libpq().PQntuples(r.get()) != 1) {
            no_vault();
        }
        return bytes_of(r.get(), 0, 0);
    }

    void write_header(std::span<const std::uint8_t> blob) override {
        pending_.push_back(prepared(kWriteHeader).bytes(blob));
    }

    void will_find(std::span<const StoreBytes> name_indexes) override {
        if (in_transaction_ && lock_header_) {
            wanted_.assign(name_indexes.begin(), name_indexes.end());
        }
    }

    std::optional<StoredRecord> find(std::span<const std::uint8_t> name_index,
                                     Columns columns) override {
        if (auto read = found_.find(StoreBytes(name_index.begin(), name_index.end()));
            read != found_.end()) {
            // Read with the header's lock: taken once, then found on the
            // server (which then has this transaction's writes).
            std::optional<StoredRecord> record = std::move(read->second);
            found_.erase(read);
            if (record) {
                found_ids_.erase(record->record_id);
                if (columns == Columns::without_value) {
                    record->value.clear();
                } else if (columns == Columns::value_only) {
                    record->service_index.clear();
                    record->metadata.clear();
                }
            }
            return record;
        }
        const Query& query = columns == Columns::all             ? kFind
                             : columns == Columns::without_value ? kFindMeta
                                                                 : kFindValue;
        const Result r = run(prepared(query).bytes(name_index));
        if (libpq().PQntuples(r.get()) == 0) {
            return std::nullopt;
        }
        if (columns == Columns::value_only) {
            StoredRecord record;
            record.record_id = bytes_of(r.get(), 0, 0);
            record.name_index.assign(name_index.begin(), name_index.end());
            record.version = int64_of(r.get(), 0, 1);
            record.value = bytes_of(r.get(), 0, 2);
            return record;
        }
        return record_of(r.get(), 0, columns == Columns::all);
    }

    void put(const StoredRecord& r) override {
        forget_found(r.record_id);
        found_.erase(r.name_index);
        Statement st = prepared(kPut);
        st.bytes(r.record_id)
            .bytes(r.name_index)
            .bytes(r.service_index)
            .int64(r.version)
            .bytes(r.metadata)
            .bytes(r.value);
        pending_.push_back(std::move(st));
    }

    void erase(std::span<const std::uint8_t> record_id) override {
        forget_found(StoreBytes(record_id.begin(), record_id.end()));
        pending_.push_back(prepared(kErase).bytes(record_id));
    }

    void scan(const StoreBytes* service_index, bool with_values,
              const std::function<bool(const StoredRecord&)>& visit) override {
        const Result r =
            service_index != nullptr
                ? run(prepared(with_values ? kScanService : kScanServiceMeta).bytes(*service_index))
                : run(prepared(with_values ? kScan : kScanMeta));
        for (int row = 0; row < libpq().PQntuples(r.get()); ++row) {
            if (!visit(record_of(r.get(), row, with_values))) {
                break;
            }
        }
    }

    std::optional<StoredAuditBlock> last_audit_block() override {
        if (!has_audit_tables()) {
            return std::nullopt;
        }
        const Result r = run(prepared(kLastAudit));
        if (libpq().PQntuples(r.get()) == 0) {
            return std::nullopt;
        }
        return StoredAuditBlock{int64_of(r.get(), 0, 0), bytes_of(r.get(), 0, 1), {}};
    }

    void put_audit_block(const StoredAuditBlock& block) override {
        if (!has_audit_tables()) {
            // Sent with the transaction's other writes; a role without
            // CREATE fails the write, naming the table.
            for (const char* sql : kAuditSchema) {
                pending_.push_back(text_statement(sql, true));
            }
            audit_tables_ = true;
        }
        pending_.push_back(
            text_statement(kPutAudit, false).int64(block.seq).bytes(block.link).bytes(block.block));
    }

    void scan_audit(const std::function<bool(const StoredAuditBlock&)>& visit) override {
        if (!has_audit_tables()) {
            return;
        }
        const Result r = run(prepared(kScanAudit));
        for (int row = 0; row < libpq().PQntuples(r.get()); ++row) {
            if (!visit({int64_of(r.get(), row, 0), bytes_of(r.get(), row, 1),
                        bytes_of(r.get(), row, 2)})) {
                break;
            }
        }
    }

    void erase_audit_through(std::uint64_t seq) override {
        if (has_audit_tables()) {
            pending_.push_back(text_statement(kEraseAudit, false).int64(seq));
        }
    }

    bool add_audit_note(std::span<const std::uint8_t> note, std::size_t max_notes) override {
        if (!has_audit_tables()) {
            return false;
        }
        const Result r = run(prepared(kAddNote).bytes(note).text(std::to_string(max_notes)));
        return std::strcmp(libpq().PQcmdTuples(r.get()), "1") == 0;
    }

    std::vector<std::pair<std::int64_t, StoreBytes>> audit_notes() override {
        std::vector<std::pair<std::int64_t, StoreBytes>> notes;
        if (!has_audit_tables()) {
            return notes;
        }
        const Result r = run(prepared(kNotes));
        for (int row = 0; row < libpq().PQntuples(r.get()); ++row) {
            notes.emplace_back(static_cast<std::int64_t>(int64_of(r.get(), row, 0)),
                               bytes_of(r.get(), row, 1));
        }
        return notes;
    }

    void erase_audit_notes_through(std::int64_t id) override {
        if (has_audit_tables()) {
            pending_.push_back(
                text_statement(kEraseNotes, false).int64(static_cast<std::uint64_t>(id)));
        }
    }

    std::vector<std::string> check_integrity() override { return {}; }
    void scrub() override {}  // old rows live on in WAL, replicas and backups

    std::uintmax_t size_bytes() override {
        const Result r = run(prepared(kSize));
        return libpq().PQntuples(r.get()) == 1 && !libpq().PQgetisnull(r.get(), 0, 0)
                   ? int64_of(r.get(), 0, 0)
                   : 0;
    }

    std::string location() const override {
        const std::string address = conn_.address();
        return "postgres" + (address.empty() ? "" : "://" + address) + " vault '" +
               where_.vault_name + "'";
    }

    StoreTraits traits() const override {
        return {.scrubs_freed_data = false, .owner_only_access = false};
    }

    // For create: the tables and the vault's row, in one transaction.
    void create_vault(std::span<const std::uint8_t> header_blob) {
        begin(Access::write);
        try {
            pending_.push_back(text_statement(kSchemaVaults, true));
            pending_.push_back(text_statement(kSchemaRecords, true));
            pending_.push_back(text_statement(kSchemaByService, true));
            for (const char* sql : kAuditSchema) {
                pending_.push_back(text_statement(sql, true));
            }
            const Result r =
                run(text_statement("INSERT INTO tresor_vaults (name, header) VALUES ($1, $2) "
                                   "ON CONFLICT DO NOTHING",
                                   false)
                        .bytes(header_blob));
            if (std::strcmp(libpq().PQcmdTuples(r.get()), "1") != 0) {
                throw Error(ErrorCode::invalid_argument,
                            "vault '" + where_.vault_name + "' already exists in " + location());
            }
            commit();
        } catch (...) {
            rollback();
            throw;
        }
    }

  private:
    // Whether this database has the audit log's tables, asked once per
    // connection (a fleet database made before the log has none).
    bool has_audit_tables() {
        if (!audit_tables_) {
            const Result r = run(prepared(kAuditTables));
            audit_tables_ = libpq().PQgetvalue(r.get(), 0, 0)[0] != 0;
        }
        return *audit_tables_;
    }

    static StoredRecord record_of(const PGresult* r, int row, bool with_value) {
        return {bytes_of(r, row, 0), bytes_of(r, row, 1),
                bytes_of(r, row, 2), int64_of(r, row, 3),
                bytes_of(r, row, 4), with_value ? bytes_of(r, row, 5) : StoreBytes()};
    }

    void forget_reads() {
        wanted_.clear();
        found_.clear();
        found_ids_.clear();
    }

    // A record read with the header's lock and not found yet, when put or
    // erased first, is no longer what the store holds.
    void forget_found(const StoreBytes& record_id) {
        if (const auto id = found_ids_.find(record_id); id != found_ids_.end()) {
            found_.erase(id->second);
            found_ids_.erase(id);
        }
    }

    // In a write transaction: BEGIN (pending), the header's row, locked
    // until commit (FOR UPDATE) — the compare-and-swap every write makes on
    // it — and the records the transaction will find, in one exchange. The
    // records' read is a statement of its own, after the lock: under READ
    // COMMITTED it sees what every writer before us committed (one
    // statement with the lock would read the snapshot from before its wait).
    StoreBytes locked_header() {
        std::vector<Statement> statements = std::move(pending_);
        pending_.clear();
        statements.push_back(prepared(kLockHeader));
        const bool finding = !wanted_.empty();
        if (finding) {
            Statement find_many = prepared(kFindMany);
            find_many.values.push_back(bytea_array(wanted_));
            find_many.formats.push_back(1);
            statements.push_back(std::move(find_many));
        }
        const std::vector<Result> results = exchange(statements, "lock_header", false);
        const PGresult* header = results[results.size() - (finding ? 2 : 1)].get();
        if (libpq().PQntuples(header) != 1) {
            no_vault();
        }
        if (finding) {
            for (StoreBytes& index : wanted_) {
                found_.emplace(std::move(index), std::nullopt);
            }
            wanted_.clear();
            const PGresult* rows = results.back().get();
            for (int row = 0; row < libpq().PQntuples(rows); ++row) {
                StoredRecord record = record_of(rows, row, true);
                StoreBytes index = record.name_index;
                found_ids_[record.record_id] = index;
                found_[std::move(index)] = std::move(record);
            }
        }
        return bytes_of(header, 0, 0);
    }

    [[noreturn]] void no_vault() const {
        throw Error(ErrorCode::corrupt, "no vault '" + where_.vault_name + "' in " + location() +
                                            " (create it with `tresor vault init`)");
    }

    void connect() {
        conn_.connect(where_.conninfo);
        prepared_.fill(false);
        audit_tables_.reset();
    }

    // After a failover (or a deadline) the old connection is gone; the next
    // transaction or read (never one already begun) connects again.
    void ensure_connected() {
        if (!conn_.connected()) {
            connect();
        }
    }

    // The statements in one pipeline, each prepared statement prepared in
    // it on its first use on this connection (the tables may not exist
    // when a connection is made, before `tresor vault init`); one result
    // per statement. An exchange that fails after preparing may have
    // prepared some: the connection is dropped, and made again with none.
    std::vector<Result> exchange(const std::vector<Statement>& statements, const std::string& doing,
                                 bool committing) {
        std::vector<PostgresConnection::Send> sends;
        std::vector<std::size_t> result_at;
        bool preparing = false;
        for (const Statement& st : statements) {
            if (st.query != nullptr && !prepared_[st.query->id]) {
                prepared_[st.query->id] = true;
                preparing = true;
                sends.emplace_back([q = st.query](PGconn* c) {
                    return libpq().PQsendPrepare(c, q->name, q->sql, 0, nullptr);
                });
            }
            result_at.push_back(sends.size());
            sends.emplace_back([this, &st](PGconn* c) { return send(c, st); });
        }
        std::vector<Result> all;
        try {
            all = conn_.pipeline(sends, doing, committing);
        } catch (...) {
            if (preparing) {
                conn_.drop();
            }
            throw;
        }
        std::vector<Result> results;
        for (const std::size_t at : result_at) {
            if (at >= all.size()) {
                throw Error(ErrorCode::io, "postgres vault '" + where_.vault_name +
                                               "': fewer results than statements while " + doing);
            }
            results.push_back(std::move(all[at]));
        }
        return results;
    }

    int send(PGconn* c, const Statement& st) const {
        std::vector<const char*> values;
        std::vector<int> lengths;
        std::vector<int> formats;
        if (!st.bare) {
            values.push_back(where_.vault_name.c_str());
            lengths.push_back(0);
            formats.push_back(0);
        }
        for (std::size_t i = 0; i < st.values.size(); ++i) {
            values.push_back(st.values[i].c_str());
            lengths.push_back(static_cast<int>(st.values[i].size()));
            formats.push_back(st.formats[i]);
        }
        const int n = static_cast<int>(values.size());
        return st.query != nullptr
                   ? libpq().PQsendQueryPrepared(c, st.query->name, n, values.data(),
                                                 lengths.data(), formats.data(), 1)
                   : libpq().PQsendQueryParams(c, st.sql, n, nullptr, values.data(), lengths.data(),
                                               formats.data(), 1);
    }

    // Runs one statement, after the pending ones, in one exchange.
    Result run(Statement statement) {
        if (!in_transaction_) {
            ensure_connected();
        }
        std::vector<Statement> statements = std::move(pending_);
        pending_.clear();
        const std::string doing =
            statement.query != nullptr ? statement.query->name : "running a statement";
        statements.push_back(std::move(statement));
        return std::move(exchange(statements, doing, false).back());
    }

    PostgresLocation where_;
    PostgresConnection conn_;
    bool in_transaction_ = false;
    bool lock_header_ = false;
    std::vector<Statement> pending_;  // statements not sent yet
    // will_find's name indexes, read with the header's lock; then what that
    // read found (none: no such record), each until found or changed, and
    // the name index of each record found there by its id.
    std::vector<StoreBytes> wanted_;
    std::map<StoreBytes, std::optional<StoredRecord>> found_;
    std::map<StoreBytes, StoreBytes> found_ids_;
    std::optional<bool> audit_tables_;

    std::array<bool, kQueries.size()> prepared_{};
};

}  // namespace

std::unique_ptr<RecordStore> open_postgres_store(const PostgresLocation& where) {
    auto store = std::make_unique<PostgresStore>(where);
    (void)store->read_header();  // a missing vault fails here, not at first use
    return store;
}

bool postgres_vault_exists(const PostgresLocation& where) {
    try {
        (void)open_postgres_store(where);
        return true;
    } catch (const Error& e) {
        if (e.code() == ErrorCode::corrupt) {
            return false;
        }
        if (e.code() == ErrorCode::io &&
            std::string(e.what()).find("SQLSTATE 42P01") != std::string::npos) {
            return false;  // no tables yet: nothing was ever created here
        }
        throw;
    }
}

std::unique_ptr<RecordStore> create_postgres_store(const PostgresLocation& where,
                                                   std::span<const std::uint8_t> header_blob) {
    auto store = std::make_unique<PostgresStore>(where);
    store->create_vault(header_blob);
    return store;
}

StoreAccess postgres_store_access(const PostgresLocation& where) {
    return {
        .exists = [where] { return postgres_vault_exists(where); },
        .open = [where] { return open_postgres_store(where); },
        .create =
            [where](std::span<const std::uint8_t> header) {
                return create_postgres_store(where, header);
            },
        .where = "postgres vault '" + where.vault_name + "'",
    };
}

}  // namespace tresor::vault
