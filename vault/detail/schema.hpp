// vault/detail/schema.hpp — the exact SQLite schema of a vault, created by
// tresor and checked on every open.
//
// A vault file may come from anyone who could write it. trusted_schema = OFF
// stops unsafe functions, not triggers or views: a planted RAISE(IGNORE)
// trigger would make writes report success while changing nothing. So every
// row of sqlite_schema must be one tresor creates, with its exact SQL text,
// before any other statement is prepared (docs/VAULT-FORMAT.md, "SQLite file").
#pragma once

#include <cstdint>
#include <filesystem>

#include "vault/detail/sqlite.hpp"

namespace tresor::vault::detail {

// Sets application_id and user_version and creates the tables and index, in
// the caller's transaction on a new, empty database.
void create_schema(Database& db);

// Adds the audit log's tables (user_version 2), in the caller's write
// transaction on a vault that lacks them.
void add_audit_tables(Database& db);

struct SchemaCheck {
    // PRAGMA schema_version, read before the objects, so that a caller can
    // check again cheaply when the cookie moves.
    std::int64_t cookie = 0;
    bool audit = false;  // user_version 2: the audit log's tables too
};

// Throws Error{corrupt} naming the first object, pragma or application id
// that differs from what create_schema (and add_audit_tables, for
// user_version 2) makes.
[[nodiscard]] SchemaCheck check_schema(Database& db, const std::filesystem::path& path);

// The current schema cookie: one read of the database header.
[[nodiscard]] std::int64_t schema_version(Database& db);

}  // namespace tresor::vault::detail
