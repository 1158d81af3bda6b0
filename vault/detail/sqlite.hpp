// vault/detail/sqlite.hpp — a thin RAII layer over SQLite with the vault's
// hardening: defensive mode, no trusted schema, cell size checks, secure
// delete, full fsync, no mmap. Errors become tresor::Error.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "vault/detail/bytes.hpp"

namespace tresor::vault::detail {

class Statement {
  public:
    Statement(sqlite3* db, const char* sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::span<const std::uint8_t> blob);
    Statement& bind(int index, std::int64_t value);
    // True while a row is available; resets itself after the last row.
    bool step();
    void run();  // a statement that returns no row
    void reset();

    [[nodiscard]] std::span<const std::uint8_t> blob(int column) const;
    [[nodiscard]] std::int64_t integer(int column) const;
    [[nodiscard]] bool is_null(int column) const;

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

class Database {
  public:
    // Opens an existing file (create = false) or a new, empty one that the
    // caller created with mode 0600.
    explicit Database(const std::filesystem::path& path);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    [[nodiscard]] sqlite3* handle() const { return db_; }
    void exec(const char* sql);

  private:
    sqlite3* db_ = nullptr;
};

// Maps a SQLite result code to the tresor error it means for a vault.
[[noreturn]] void throw_sqlite(sqlite3* db, int rc, const std::string& doing);

// BEGIN ... COMMIT; rolls back if destroyed before commit(). A write
// transaction takes the write lock at once (BEGIN IMMEDIATE); a read one
// (BEGIN DEFERRED) gives its statements one snapshot without blocking writers
// longer than a read does.
class Transaction {
  public:
    enum class Lock { read, write };
    explicit Transaction(Database& db, Lock lock = Lock::write);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

  private:
    Database& db_;
    bool done_ = false;
};

}  // namespace tresor::vault::detail
