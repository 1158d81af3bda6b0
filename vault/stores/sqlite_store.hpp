// vault/stores/sqlite_store.hpp — a vault as one SQLite file on disk: the
// record store of the file vault (docs/VAULT-FORMAT.md, "SQLite file").
//
// The file, its folder and any journal beside it are checked against other
// local users before SQLite touches them (vault/detail/files.hpp), and the
// schema must be exactly tresor's before any statement runs on the records
// (vault/detail/schema.hpp). Writes are BEGIN IMMEDIATE transactions, so
// several processes may share one file.
#pragma once

#include <filesystem>
#include <memory>
#include <span>

#include "vault/record_store.hpp"

namespace tresor::vault {

// Opens an existing vault file.
[[nodiscard]] std::unique_ptr<RecordStore> open_sqlite_store(const std::filesystem::path& path);

// Creates a vault file at path holding header_blob and no record: built
// beside it in a 0700 folder and renamed into place (never over a file).
[[nodiscard]] std::unique_ptr<RecordStore> create_sqlite_store(
    const std::filesystem::path& path, std::span<const std::uint8_t> header_blob);

// The three together, for a configured vault file.
[[nodiscard]] StoreAccess sqlite_store_access(const std::filesystem::path& path);

}  // namespace tresor::vault
