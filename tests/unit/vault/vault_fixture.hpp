// A vault in a fresh directory, with the cheapest KDF a vault accepts (the
// tests are about the format, not about Argon2's cost), and raw SQLite access
// for tampering with the file the way an attacker would.
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

#include "support/test_support.hpp"
#include "tresor/error.hpp"
#include "vault/vault.hpp"

namespace tresor::test {

inline vault::Credential password(const std::string& text) {
    return {vault::Credential::Kind::password, vault::SecureBytes(text.begin(), text.end())};
}

inline std::span<const std::uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline const vault::KdfPolicy kFastKdf{vault::kMinWriteMemoryKib, vault::kMinWriteIterations, 1};

inline auto has_code(ErrorCode code) {
    return [code](const Error& e) { return e.code() == code; };
}

inline std::string str(const std::optional<vault::SecureBytes>& v) {
    return v ? std::string(v->begin(), v->end()) : "<none>";
}

// A list of problems as one message, "" when there are none. Checks name
// what went wrong with this, never with problems.front(): Boost.Test takes a
// message's operands even when the check passes, and front() of the empty
// list a passing check has binds a reference to null (UBSan stops there).
inline std::string joined(const std::vector<std::string>& problems) {
    std::string out;
    for (const std::string& p : problems) {
        out += p + "; ";
    }
    return out;
}

// Everything a verification reported: the audit log's problems, then the rest.
inline std::string all_problems(const vault::VerifyReport& r) {
    return joined(r.audit_problems) + joined(r.problems);
}

struct VaultFixture {
    TempDir dir;
    std::filesystem::path path = dir / "data/vault.db";

    vault::Vault create(const std::string& pw = "correct horse") {
        return vault::Vault::create(path, password(pw), kFastKdf);
    }
    vault::Vault open(const std::string& pw = "correct horse") {
        return vault::Vault::open(path, password(pw));
    }
};

// A plain SQLite connection to a vault file: what an attacker can do.
class RawDb {
  public:
    explicit RawDb(const std::filesystem::path& path) {
        if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
            throw std::runtime_error("cannot open raw db");
        }
    }
    ~RawDb() { sqlite3_close(db_); }
    RawDb(const RawDb&) = delete;
    RawDb& operator=(const RawDb&) = delete;

    void exec(const std::string& sql) {
        char* error = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
            std::string message = error != nullptr ? error : "?";
            sqlite3_free(error);
            throw std::runtime_error("raw sql failed: " + message);
        }
    }
    std::vector<std::uint8_t> blob(const std::string& sql) {
        sqlite3_stmt* stmt = nullptr;
        sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
        std::vector<std::uint8_t> out;
        if (sqlite3_step(stmt) == SQLITE_ROW) {
            const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt, 0));
            out.assign(p, p + sqlite3_column_bytes(stmt, 0));
        }
        sqlite3_finalize(stmt);
        return out;
    }
    void set_blob(const std::string& sql, const std::vector<std::uint8_t>& value) {
        sqlite3_stmt* stmt = nullptr;
        sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
        sqlite3_bind_blob(stmt, 1, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
        const int rc = sqlite3_step(stmt);
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE) {
            throw std::runtime_error("raw update failed");
        }
    }

  private:
    sqlite3* db_ = nullptr;
};

}  // namespace tresor::test
