// An attacker with write access to the vault file: every change to the
// header, to a record, and every swap, copy, rollback or deletion of rows is
// either refused with a typed error or (for whole-row rollback, deletion and
// insertion) caught by verify(). Never a crash, never a wrong value.
#include <boost/test/unit_test.hpp>

#include "unit/vault/vault_fixture.hpp"

using tresor::Error;
using tresor::ErrorCode;
using tresor::test::bytes;
using tresor::test::RawDb;
using tresor::test::str;
using tresor::test::VaultFixture;
using namespace tresor::vault;

namespace {

bool refused(const Error& e) {
    return e.code() == ErrorCode::auth_failed || e.code() == ErrorCode::corrupt;
}

// Offset of slot 0's memory_kib in the header (docs/VAULT-FORMAT.md):
// magic 4 + version 2 + vault id 16 + generation 8 + count 8 + manifest 32 +
// slot count 1 + kind 1 + id 1 + kdf 1.
constexpr std::size_t kSlotMemoryOffset = 74;

void put_u32(std::vector<std::uint8_t>& blob, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) {
        blob[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
    }
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(every_header_byte_is_authenticated, VaultFixture) {
    (void)create();
    RawDb raw(path);
    const auto header = raw.blob("SELECT blob FROM header");
    BOOST_REQUIRE(header.size() > 100u);
    for (std::size_t i = 0; i < header.size(); ++i) {
        auto bad = header;
        bad[i] ^= 0x5a;
        raw.set_blob("UPDATE header SET blob = ?", bad);
        try {
            (void)open();
            BOOST_ERROR("flipped header byte " << i << " was accepted");
        } catch (const Error& e) {
            BOOST_TEST(refused(e), "byte " << i << ": " << e.what());
        }
    }
    raw.set_blob("UPDATE header SET blob = ?", header);
    BOOST_TEST(open().verify().problems.empty());
}

BOOST_FIXTURE_TEST_CASE(hostile_kdf_parameters_are_refused_before_any_kdf, VaultFixture) {
    (void)create();
    RawDb raw(path);
    const auto header = raw.blob("SELECT blob FROM header");
    for (std::uint32_t memory : {0xFFFFFFFFu, 64u * 1024 * 1024, 1u}) {
        auto bad = header;
        put_u32(bad, kSlotMemoryOffset, memory);
        raw.set_blob("UPDATE header SET blob = ?", bad);
        BOOST_CHECK_EXCEPTION((void)open(), Error, [](const Error& e) {
            return e.code() == ErrorCode::corrupt &&
                   std::string(e.what()).find("Argon2id memory") != std::string::npos;
        });
    }
    auto bad = header;
    put_u32(bad, kSlotMemoryOffset + 4, 0xFFFFFFFFu);  // iterations
    raw.set_blob("UPDATE header SET blob = ?", bad);
    BOOST_CHECK_EXCEPTION((void)open(), Error, [](const Error& e) {
        return std::string(e.what()).find("Argon2id iterations") != std::string::npos;
    });
}

BOOST_FIXTURE_TEST_CASE(every_record_byte_is_authenticated, VaultFixture) {
    Vault v = create();
    v.set("svc", "name", bytes("the value"), {});
    RawDb raw(path);
    for (const char* column : {"value", "metadata", "name_index"}) {
        const std::string select = std::string("SELECT ") + column + " FROM records";
        const std::string update = std::string("UPDATE records SET ") + column + " = ?";
        const auto original = raw.blob(select);
        for (std::size_t i = 0; i < original.size(); ++i) {
            auto bad = original;
            bad[i] ^= 0x01;
            raw.set_blob(update, bad);
            try {
                const auto value = v.get("svc", "name");
                const auto meta = v.stat("svc", "name");
                // A changed index only hides the record; it never returns another value.
                BOOST_TEST(std::string(column) == "name_index", column << " byte " << i);
                BOOST_TEST(!value.has_value());
                BOOST_TEST(!meta.has_value());
            } catch (const Error& e) {
                BOOST_TEST(refused(e), column << " byte " << i << ": " << e.what());
            }
        }
        raw.set_blob(update, original);
    }
    BOOST_TEST(str(v.get("svc", "name")) == "the value");
}

BOOST_FIXTURE_TEST_CASE(swapped_ciphertexts_are_detected_on_read, VaultFixture) {
    Vault v = create();
    v.set("svc", "a", bytes("value of a"), {});
    v.set("svc", "b", bytes("value of b"), {});
    RawDb raw(path);
    raw.exec(
        "CREATE TEMP TABLE saved AS SELECT record_id, value FROM records;"
        "UPDATE records SET value = (SELECT value FROM saved WHERE saved.record_id <> "
        "records.record_id)");
    BOOST_CHECK_EXCEPTION((void)v.get("svc", "a"), Error, refused);
    BOOST_CHECK_EXCEPTION((void)v.get("svc", "b"), Error, refused);
}

BOOST_FIXTURE_TEST_CASE(swapped_name_indexes_are_detected_on_read, VaultFixture) {
    Vault v = create();
    v.set("svc", "a", bytes("value of a"), {});
    v.set("svc", "b", bytes("value of b"), {});
    RawDb raw(path);
    raw.exec(
        "CREATE TEMP TABLE saved AS SELECT record_id, name_index FROM records;"
        "UPDATE records SET name_index = randomblob(32);"
        "UPDATE records SET name_index = (SELECT name_index FROM saved WHERE saved.record_id <> "
        "records.record_id)");
    BOOST_CHECK_EXCEPTION((void)v.get("svc", "a"), Error, refused);
    BOOST_TEST(!v.verify().problems.empty());
}

BOOST_FIXTURE_TEST_CASE(rolled_back_row_is_caught_by_verify, VaultFixture) {
    Vault v = create();
    v.set("svc", "token", bytes("old"), {});
    RawDb raw(path);
    raw.exec("CREATE TABLE old_rows AS SELECT * FROM records");
    v.set("svc", "token", bytes("new"), {});
    raw.exec(
        "DELETE FROM records; INSERT INTO records SELECT * FROM old_rows; DROP TABLE old_rows");
    const VerifyReport report = v.verify();
    BOOST_REQUIRE(!report.problems.empty());
    BOOST_TEST(report.problems.back().find("manifest") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(deleted_row_is_caught_by_verify, VaultFixture) {
    Vault v = create();
    v.set("svc", "a", bytes("1"), {});
    v.set("svc", "b", bytes("2"), {});
    BOOST_TEST(v.verify().problems.empty());
    RawDb(path).exec("DELETE FROM records WHERE rowid = (SELECT min(rowid) FROM records)");
    BOOST_TEST(!v.verify().problems.empty());
}

BOOST_FIXTURE_TEST_CASE(row_copied_from_another_vault_is_caught, VaultFixture) {
    Vault v = create();
    v.set("svc", "a", bytes("mine"), {});
    const auto other_path = dir / "other.db";
    Vault other =
        Vault::create(other_path, tresor::test::password("correct horse"), tresor::test::kFastKdf);
    other.set("svc", "a", bytes("theirs"), {});
    RawDb raw(path);
    raw.exec("ATTACH '" + other_path.string() +
             "' AS o;"
             "DELETE FROM records; INSERT INTO records SELECT * FROM o.records");
    // The copied row is under the other vault's keys: invisible to lookups,
    // and verify names it.
    BOOST_TEST(!v.get("svc", "a").has_value());
    BOOST_TEST(!v.verify().problems.empty());
}
