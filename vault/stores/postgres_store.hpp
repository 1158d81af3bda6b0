// vault/stores/postgres_store.hpp — a vault in a PostgreSQL database: the
// fleet store (docs/FLEET.md). Several vaults share one database, each a
// row of tresor_vaults (its header) and its rows of tresor_records. The
// database holds only what any record store holds: sealed blobs, blind
// indexes and the header's wrapped keys — a DBA, a backup or a replica
// learns no name and no value.
//
// Connection settings are libpq's own: the conninfo string or URI, the PG*
// environment variables, ~/.pgpass, sslmode. A write transaction locks the
// vault's header row (SELECT ... FOR UPDATE), so writers on different hosts
// serialize on it; a read outside a transaction is one round trip. Every
// round trip, COMMIT included, has a deadline of statement_timeout_ms that
// the client enforces (vault/stores/postgres_connection.hpp), and a COMMIT
// the synchronous standby did not confirm is an error. A connection lost (a
// failover, a deadline) is made again at the next transaction or read.
//
// Errors: permission_denied when a role lacks a grant (SQLSTATE 42501),
// corrupt for a missing or malformed vault, io otherwise — also when no
// server can be reached (naming every host tried): never unavailable, which
// would let a chain put new secrets in its next backend instead.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "vault/record_store.hpp"

namespace tresor::vault {

struct PostgresLocation {
    std::string conninfo;  // may be empty: libpq's defaults (PG* variables)
    std::string vault_name;
    std::uint32_t statement_timeout_ms = 10000;
};

// Opens the vault `vault_name`; Error{corrupt} when it does not exist.
[[nodiscard]] std::unique_ptr<RecordStore> open_postgres_store(const PostgresLocation& where);

// True when the vault exists (a connection is made to find out).
[[nodiscard]] bool postgres_vault_exists(const PostgresLocation& where);

// Creates the tables when missing (they need the CREATE privilege; see
// docs/FLEET.md for the grants) and the vault with this header, in one
// transaction; Error{invalid_argument} when the vault already exists.
[[nodiscard]] std::unique_ptr<RecordStore> create_postgres_store(
    const PostgresLocation& where, std::span<const std::uint8_t> header_blob);

// The three together, for a configured fleet vault.
[[nodiscard]] StoreAccess postgres_store_access(const PostgresLocation& where);

}  // namespace tresor::vault
