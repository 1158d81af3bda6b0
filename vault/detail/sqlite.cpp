#include "vault/detail/sqlite.hpp"

namespace tresor::vault::detail {

void throw_sqlite(sqlite3* db, int rc, const std::string& doing) {
    const std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
        case SQLITE_NOTADB:
        case SQLITE_CORRUPT:
        case SQLITE_FORMAT:
            throw Error(ErrorCode::corrupt, "vault file is damaged or not a tresor vault (" +
                                                detail + ") while " + doing);
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            throw Error(ErrorCode::io,
                        "vault is busy in another process (" + detail + ") while " + doing);
        case SQLITE_PERM:
        case SQLITE_READONLY:
        case SQLITE_AUTH:
            throw Error(ErrorCode::permission_denied, "vault: " + detail + " while " + doing);
        default:
            throw Error(ErrorCode::io, "vault: " + detail + " while " + doing);
    }
}

Statement::Statement(sqlite3* db, const char* sql) : db_(db) {
    const int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK) {
        throw_sqlite(db, rc, "preparing a query");
    }
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::span<const std::uint8_t> blob) {
    // SQLITE_STATIC: the caller keeps the bytes alive until the step.
    sqlite3_bind_blob(stmt_, index, blob.empty() ? "" : static_cast<const void*>(blob.data()),
                      static_cast<int>(blob.size()), SQLITE_STATIC);
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    sqlite3_reset(stmt_);
    if (rc != SQLITE_DONE) {
        throw_sqlite(db_, rc, "reading or writing the vault");
    }
    return false;
}

void Statement::run() {
    if (step()) {
        reset();
    }
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::span<const std::uint8_t> Statement::blob(int column) const {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
    return {data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Database::Database(const std::filesystem::path& path) {
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_FULLMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw Error(ErrorCode::io, "cannot open vault " + path.string() + ": " + why);
    }
    // A vault file may come from anywhere: treat its schema as hostile.
    sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    sqlite3_busy_timeout(db_, 10000);
    try {
        exec("PRAGMA cell_size_check = ON");
        exec("PRAGMA secure_delete = ON");
        exec("PRAGMA mmap_size = 0");
        exec("PRAGMA temp_store = MEMORY");
        exec("PRAGMA journal_mode = DELETE");
        exec("PRAGMA synchronous = FULL");
    } catch (...) {
        // A file that is not a database fails here; no destructor will run.
        sqlite3_close_v2(db_);
        throw;
    }
}

Database::~Database() {
    sqlite3_close_v2(db_);
}

void Database::exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc != SQLITE_OK) {
        throw_sqlite(db_, rc, std::string("running ") + sql);
    }
}

Transaction::Transaction(Database& db, Lock lock) : db_(db) {
    db_.exec(lock == Lock::write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

Transaction::~Transaction() {
    if (!done_) {
        sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void Transaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
}

}  // namespace tresor::vault::detail
