#include "vault/detail/schema.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tresor::vault::detail {
namespace {

constexpr std::int64_t kApplicationId = 1414681430;  // 'TRSV'
constexpr std::int64_t kUserVersion = 1;
// The same schema with the audit log's two tables (docs/VAULT-FORMAT.md,
// "Audit log"): a vault gets them when an audited write first needs them.
constexpr std::int64_t kUserVersionWithAudit = 2;

// One row of sqlite_schema. sql is the text SQLite stores verbatim from the
// CREATE statement; existing vaults hold these bytes, so they never change.
// An empty sql stands for NULL: SQLite's own indexes for PRIMARY KEY and
// UNIQUE have no SQL.
struct SchemaObject {
    std::string_view type;
    std::string_view name;
    std::string_view table;
    std::string_view sql;
};

constexpr std::array<SchemaObject, 5> kObjects{{
    {"table", "header", "header",
     "CREATE TABLE header (id INTEGER PRIMARY KEY CHECK (id = 1), blob BLOB NOT NULL)"},
    {"table", "records", "records",
     "CREATE TABLE records (\n"
     "    record_id BLOB PRIMARY KEY,\n"
     "    name_index BLOB NOT NULL UNIQUE,\n"
     "    service_index BLOB NOT NULL,\n"
     "    version INTEGER NOT NULL,\n"
     "    metadata BLOB NOT NULL,\n"
     "    value BLOB NOT NULL\n"
     ")"},
    {"index", "sqlite_autoindex_records_1", "records", ""},
    {"index", "sqlite_autoindex_records_2", "records", ""},
    {"index", "records_by_service", "records",
     "CREATE INDEX records_by_service ON records (service_index)"},
}};

constexpr std::array<SchemaObject, 2> kAuditObjects{{
    {"table", "audit", "audit",
     "CREATE TABLE audit (\n"
     "    seq INTEGER PRIMARY KEY,\n"
     "    link BLOB NOT NULL,\n"
     "    block BLOB NOT NULL\n"
     ")"},
    {"table", "audit_notes", "audit_notes",
     "CREATE TABLE audit_notes (\n"
     "    id INTEGER PRIMARY KEY,\n"
     "    note BLOB NOT NULL\n"
     ")"},
}};

// kObjects, then kAuditObjects when `audit`.
std::vector<SchemaObject> objects(bool audit) {
    std::vector<SchemaObject> out(kObjects.begin(), kObjects.end());
    if (audit) {
        out.insert(out.end(), kAuditObjects.begin(), kAuditObjects.end());
    }
    return out;
}

[[noreturn]] void refuse(const std::string& why) {
    throw Error(ErrorCode::corrupt, "vault file " + why + " (planted SQL?)");
}

// Object names come from the file: printable ASCII only, bounded, so a
// message cannot carry terminal escapes.
std::string printable(std::span<const std::uint8_t> text) {
    constexpr std::size_t kMax = 64;
    std::string out;
    for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
        const auto c = static_cast<char>(text[i]);
        out += text[i] >= 0x20 && text[i] < 0x7f ? c : '?';
    }
    return text.size() > kMax ? out + "..." : out;
}

std::int64_t pragma(Database& db, const char* sql) {
    Statement query(db.handle(), sql);
    const std::int64_t value = query.step() ? query.integer(0) : -1;
    query.reset();
    return value;
}

std::string_view text_of(const Statement& row, int column) {
    const auto bytes = row.blob(column);
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Compares one row of sqlite_schema with the object of its type and name.
// Returns its index in `expected`.
std::size_t check_object(const Statement& row, const std::vector<SchemaObject>& expected) {
    const std::string_view type = text_of(row, 0);
    const std::string_view name = text_of(row, 1);
    const auto object = std::find_if(expected.begin(), expected.end(), [&](const auto& o) {
        return o.type == type && o.name == name;
    });
    const std::string what = printable(row.blob(0)) + " '" + printable(row.blob(1)) + "'";
    if (object == expected.end()) {
        refuse("has an unexpected " + what);
    }
    const bool sql_matches =
        object->sql.empty() ? row.is_null(3) : !row.is_null(3) && text_of(row, 3) == object->sql;
    if (text_of(row, 2) != object->table || !sql_matches) {
        refuse("has a " + what + " that differs from the one tresor creates");
    }
    return static_cast<std::size_t>(object - expected.begin());
}

}  // namespace

void create_schema(Database& db) {
    db.exec(("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str());
    db.exec(("PRAGMA user_version = " + std::to_string(kUserVersion)).c_str());
    for (const SchemaObject& object : kObjects) {
        if (!object.sql.empty()) {
            db.exec(std::string(object.sql).c_str());
        }
    }
}

std::int64_t schema_version(Database& db) {
    return pragma(db, "PRAGMA schema_version");
}

void add_audit_tables(Database& db) {
    for (const SchemaObject& object : kAuditObjects) {
        db.exec(std::string(object.sql).c_str());
    }
    db.exec(("PRAGMA user_version = " + std::to_string(kUserVersionWithAudit)).c_str());
}

SchemaCheck check_schema(Database& db, const std::filesystem::path& path) {
    if (pragma(db, "PRAGMA application_id") != kApplicationId) {
        throw Error(ErrorCode::corrupt, path.string() + " is not a tresor vault");
    }
    // Read first: a change after this read moves the cookie, so the caller's
    // next comparison checks again rather than trusting a stale check.
    const std::int64_t cookie = schema_version(db);
    const std::int64_t user_version = pragma(db, "PRAGMA user_version");
    if (user_version != kUserVersion && user_version != kUserVersionWithAudit) {
        throw Error(ErrorCode::corrupt, "vault file has user_version " +
                                            std::to_string(user_version) + "; this tresor reads " +
                                            std::to_string(kUserVersion) + " and " +
                                            std::to_string(kUserVersionWithAudit));
    }
    const bool audit = user_version == kUserVersionWithAudit;
    const std::vector<SchemaObject> expected = objects(audit);
    std::vector<bool> seen(expected.size());
    Statement rows(db.handle(), "SELECT type, name, tbl_name, sql FROM sqlite_schema");
    while (rows.step()) {
        seen[check_object(rows, expected)] = true;
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
        if (!seen[i]) {
            refuse("lacks the " + std::string(expected[i].type) + " '" +
                   std::string(expected[i].name) + "' that tresor creates");
        }
    }
    return {cookie, audit};
}

}  // namespace tresor::vault::detail
