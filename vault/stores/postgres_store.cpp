// The PostgreSQL store: every SQL statement of the fleet store is here.
// Reads are statements prepared once per connection, binary in and out (one
// round trip for a get); writes wait as SQL text with escaped literals and
// go with the next read or the COMMIT (three round trips for a set).
#include "vault/stores/postgres_store.hpp"

#include "vault/stores/libpq.hpp"
#include "vault/stores/postgres_connection.hpp"

#include <array>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include "tresor/error.hpp"

namespace tresor::vault {
namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS tresor_vaults (
    name text PRIMARY KEY,
    header bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS tresor_records (
    vault text NOT NULL REFERENCES tresor_vaults (name),
    record_id bytea NOT NULL,
    name_index bytea NOT NULL,
    service_index bytea NOT NULL,
    version bigint NOT NULL,
    metadata bytea NOT NULL,
    value bytea NOT NULL,
    PRIMARY KEY (vault, record_id),
    UNIQUE (vault, name_index)
);
CREATE INDEX IF NOT EXISTS tresor_records_by_service ON tresor_records (vault, service_index);
)";

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
constexpr std::array kQueries = {kReadHeader, kFind,        kFindMeta,        kFindValue, kScan,
                                 kScanMeta,   kScanService, kScanServiceMeta, kSize};

// One parameter of a statement: text or raw bytes.
struct Param {
    const char* data;
    int length;
    int binary;
    static Param text(const std::string& s) { return {s.c_str(), 0, 0}; }
    static Param bytes(std::span<const std::uint8_t> b) {
        // libpq wants a pointer even for zero bytes.
        static const char kNothing = 0;
        return {b.empty() ? &kNothing : reinterpret_cast<const char*>(b.data()),
                static_cast<int>(b.size()), 1};
    }
};

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

    // A write costs three round trips, not six: BEGIN goes with the header's
    // locking read, and the writes go with COMMIT. Statements that return
    // nothing the engine needs wait in pending_ (as SQL text with escaped
    // literals) until the next read or the commit sends them in one message;
    // an error in any of them fails that message, so nothing is lost.
    void begin(Access access) override {
        ensure_connected();
        pending_ =
            access == Access::write ? "BEGIN;" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;";
        in_transaction_ = true;
        lock_header_ = access == Access::write;
    }

    void commit() override {
        in_transaction_ = false;
        const std::string batch = std::move(pending_) + "COMMIT";
        pending_.clear();
        conn_.commit(batch);
    }

    void rollback() noexcept override {
        in_transaction_ = false;
        pending_.clear();
        try {
            exec("ROLLBACK", "rolling back");
        } catch (...) {
            // Unanswered: without the connection the server rolls back.
            conn_.drop();
        }
    }

    StoreBytes read_header() override {
        if (lock_header_ && in_transaction_) {
            return locked_header();
        }
        const Result r = run(kReadHeader, {});
        if (libpq().PQntuples(r.get()) != 1) {
            no_vault();
        }
        return bytes_of(r.get(), 0, 0);
    }

    void write_header(std::span<const std::uint8_t> blob) override {
        pending_ += "UPDATE tresor_vaults SET header = " + bytea_literal(blob) +
                    " WHERE name = " + vault_literal_ + ";";
    }

    std::optional<StoredRecord> find(std::span<const std::uint8_t> name_index,
                                     Columns columns) override {
        const Query& query = columns == Columns::all             ? kFind
                             : columns == Columns::without_value ? kFindMeta
                                                                 : kFindValue;
        const Result r = run(query, {Param::bytes(name_index)});
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
        pending_ +=
            "INSERT INTO tresor_records (vault, record_id, name_index, service_index, "
            "version, metadata, value) VALUES (" +
            vault_literal_ + ", " + bytea_literal(r.record_id) + ", " +
            bytea_literal(r.name_index) + ", " + bytea_literal(r.service_index) + ", " +
            std::to_string(r.version) + ", " + bytea_literal(r.metadata) + ", " +
            bytea_literal(r.value) +
            ") ON CONFLICT (vault, record_id) DO UPDATE SET name_index = "
            "EXCLUDED.name_index, service_index = EXCLUDED.service_index, version = "
            "EXCLUDED.version, metadata = EXCLUDED.metadata, value = EXCLUDED.value;";
    }

    void erase(std::span<const std::uint8_t> record_id) override {
        pending_ += "DELETE FROM tresor_records WHERE vault = " + vault_literal_ +
                    " AND record_id = " + bytea_literal(record_id) + ";";
    }

    void scan(const StoreBytes* service_index, bool with_values,
              const std::function<bool(const StoredRecord&)>& visit) override {
        const Result r =
            service_index != nullptr
                ? run(with_values ? kScanService : kScanServiceMeta, {Param::bytes(*service_index)})
                : run(with_values ? kScan : kScanMeta, {});
        for (int row = 0; row < libpq().PQntuples(r.get()); ++row) {
            if (!visit(record_of(r.get(), row, with_values))) {
                break;
            }
        }
    }

    std::vector<std::string> check_integrity() override { return {}; }
    void scrub() override {}  // old rows live on in WAL, replicas and backups

    std::uintmax_t size_bytes() override {
        const Result r = run(kSize, {});
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
        exec("BEGIN", "beginning");
        in_transaction_ = true;
        try {
            exec(kSchema, "creating the tables");
            const Param params[] = {Param::text(where_.vault_name), Param::bytes(header_blob)};
            const Result r = execute_raw(
                "INSERT INTO tresor_vaults (name, header) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                params, 2);
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
    static StoredRecord record_of(const PGresult* r, int row, bool with_value) {
        return {bytes_of(r, row, 0), bytes_of(r, row, 1),
                bytes_of(r, row, 2), int64_of(r, row, 3),
                bytes_of(r, row, 4), with_value ? bytes_of(r, row, 5) : StoreBytes()};
    }

    // In a write transaction: BEGIN (pending) and the header's row, locked
    // until commit (FOR UPDATE) — the compare-and-swap every write makes on
    // it — in one message. The simple protocol returns text: bytea as hex.
    StoreBytes locked_header() {
        const std::string batch = std::move(pending_) + "SELECT header FROM tresor_vaults " +
                                  "WHERE name = " + vault_literal_ + " FOR UPDATE";
        pending_.clear();
        const Result r = exec(batch.c_str(), "lock_header");
        if (libpq().PQntuples(r.get()) != 1) {
            no_vault();
        }
        std::size_t length = 0;
        unsigned char* raw = libpq().PQunescapeBytea(
            reinterpret_cast<const unsigned char*>(libpq().PQgetvalue(r.get(), 0, 0)), &length);
        if (raw == nullptr) {
            throw std::bad_alloc();
        }
        StoreBytes header(raw, raw + length);
        libpq().PQfreemem(raw);
        return header;
    }

    [[noreturn]] void no_vault() const {
        throw Error(ErrorCode::corrupt, "no vault '" + where_.vault_name + "' in " + location() +
                                            " (create it with `tresor vault init`)");
    }

    static std::string bytea_literal(std::span<const std::uint8_t> bytes) {
        static constexpr char kHex[] = "0123456789abcdef";
        std::string out = "'\\x";
        out.reserve(bytes.size() * 2 + 12);
        for (const std::uint8_t b : bytes) {
            out += kHex[b >> 4];
            out += kHex[b & 15];
        }
        return out + "'::bytea";
    }

    void connect() {
        conn_.connect(where_.conninfo);
        // The vault's name as an SQL literal, quoted as this connection's
        // encoding and settings want.
        char* quoted = libpq().PQescapeLiteral(conn_.get(), where_.vault_name.c_str(),
                                               where_.vault_name.size());
        if (quoted == nullptr) {
            const std::string why = libpq().PQerrorMessage(conn_.get());
            conn_.drop();
            throw Error(ErrorCode::invalid_argument, "postgres: cannot quote the vault name '" +
                                                         where_.vault_name + "': " + why);
        }
        vault_literal_ = quoted;
        libpq().PQfreemem(quoted);
        prepared_.fill(false);
    }

    // After a failover (or a deadline) the old connection is gone; the next
    // transaction or read (never one already begun) connects again.
    void ensure_connected() {
        if (!conn_.connected()) {
            connect();
        }
    }

    Result exec(const char* sql, const std::string& doing) {
        return conn_.round_trip([sql](PGconn* c) { return libpq().PQsendQuery(c, sql); }, doing);
    }

    Result execute_raw(const char* sql, const Param* params, int count) {
        std::vector<const char*> values;
        std::vector<int> lengths;
        std::vector<int> formats;
        for (int i = 0; i < count; ++i) {
            values.push_back(params[i].data);
            lengths.push_back(params[i].length);
            formats.push_back(params[i].binary);
        }
        return conn_.round_trip(
            [&](PGconn* c) {
                return libpq().PQsendQueryParams(c, sql, count, nullptr, values.data(),
                                                 lengths.data(), formats.data(), 1);
            },
            "running a statement");
    }

    // Runs a prepared statement with the vault's name as $1.
    Result run(const Query& query, std::initializer_list<Param> rest) {
        if (!in_transaction_) {
            ensure_connected();
        }
        if (!pending_.empty()) {
            const std::string batch = std::move(pending_);
            pending_.clear();
            (void)exec(batch.c_str(), "running a statement");
        }
        std::vector<const char*> values = {where_.vault_name.c_str()};
        std::vector<int> lengths = {0};
        std::vector<int> formats = {0};
        for (const Param& p : rest) {
            values.push_back(p.data);
            lengths.push_back(p.length);
            formats.push_back(p.binary);
        }
        // Prepared on first use on each connection: the tables may not exist
        // when a connection is made (before `tresor vault init`).
        if (!prepared_[query.id]) {
            (void)conn_.round_trip(
                [&query](PGconn* c) {
                    return libpq().PQsendPrepare(c, query.name, query.sql, 0, nullptr);
                },
                query.name);
            prepared_[query.id] = true;
        }
        return conn_.round_trip(
            [&](PGconn* c) {
                return libpq().PQsendQueryPrepared(c, query.name, static_cast<int>(values.size()),
                                                   values.data(), lengths.data(), formats.data(),
                                                   1);
            },
            query.name);
    }

    PostgresLocation where_;
    PostgresConnection conn_;
    std::string vault_literal_;  // the vault's name, quoted for SQL
    bool in_transaction_ = false;
    bool lock_header_ = false;
    std::string pending_;  // statements not sent yet, each ending in ';'

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
