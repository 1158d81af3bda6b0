// Finding 4 of issue 15: an attacker who can write the vault file plants SQL
// (triggers, views, tables, columns, a WITHOUT ROWID table, another
// user_version) that would run on the victim's later writes. Opening refuses
// every such file as corrupt, naming what it found, and leaves it untouched.
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <iterator>

#include "unit/vault/vault_fixture.hpp"

using tresor::Error;
using tresor::ErrorCode;
using namespace tresor::test;
using namespace tresor::vault;

namespace {

std::string file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct PlantedFixture : VaultFixture {
    PlantedFixture() {
        Vault v = create();
        v.set("svc", "token", bytes("original"), {});
        v.set("svc", "old", bytes("to be removed"), {});
    }

    // Plants sql, then plays the victim: open, overwrite a secret, remove
    // another. Opening must refuse with corrupt and a message naming
    // `named`, and the file must be byte for byte what the attacker left.
    void expect_refused(const std::string& sql, const std::string& named) {
        RawDb(path).exec(sql);
        const std::string planted = file_bytes(path);
        try {
            Vault v = open();
            v.set("svc", "token", bytes("changed"), {});
            const bool removed = v.remove("svc", "old");
            BOOST_ERROR("planted SQL accepted; then removed=" << removed << ", token="
                                                              << str(v.get("svc", "token")));
        } catch (const Error& e) {
            BOOST_TEST((e.code() == ErrorCode::corrupt), e.what());
            BOOST_TEST(std::string(e.what()).find(named) != std::string::npos, e.what());
        }
        BOOST_TEST((file_bytes(path) == planted), "the refused vault was written to");
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(planted_sql)

BOOST_FIXTURE_TEST_CASE(raise_ignore_trigger_is_refused, PlantedFixture) {
    expect_refused(
        "CREATE TRIGGER keep BEFORE DELETE ON records BEGIN SELECT RAISE(IGNORE); END;"
        "CREATE TRIGGER frozen BEFORE UPDATE ON records BEGIN SELECT RAISE(IGNORE); END",
        "unexpected trigger 'keep' (planted SQL?)");
}

BOOST_FIXTURE_TEST_CASE(copy_trigger_is_refused, PlantedFixture) {
    // Puts every removed row back: a removed secret survives in the file.
    expect_refused(
        "CREATE TRIGGER resurrect AFTER DELETE ON records BEGIN "
        "INSERT INTO records VALUES (old.record_id, old.name_index, old.service_index, "
        "old.version, old.metadata, old.value); END",
        "unexpected trigger 'resurrect'");
}

BOOST_FIXTURE_TEST_CASE(view_with_instead_of_trigger_replacing_records_is_refused, PlantedFixture) {
    expect_refused(
        "ALTER TABLE records RENAME TO real_records;"
        "CREATE VIEW records AS SELECT * FROM real_records;"
        "CREATE TRIGGER swallow INSTEAD OF DELETE ON records BEGIN SELECT 1; END",
        "'real_records'");
}

BOOST_FIXTURE_TEST_CASE(extra_table_is_refused, PlantedFixture) {
    expect_refused("CREATE TABLE notes (x)", "unexpected table 'notes'");
}

BOOST_FIXTURE_TEST_CASE(extra_column_is_refused, PlantedFixture) {
    expect_refused("ALTER TABLE records ADD COLUMN note TEXT",
                   "table 'records' that differs from the one tresor creates");
}

BOOST_FIXTURE_TEST_CASE(without_rowid_records_table_is_refused_as_corrupt, PlantedFixture) {
    expect_refused(
        "CREATE TABLE r2 (record_id BLOB PRIMARY KEY, name_index BLOB NOT NULL UNIQUE, "
        "service_index BLOB NOT NULL, version INTEGER NOT NULL, metadata BLOB NOT NULL, "
        "value BLOB NOT NULL) WITHOUT ROWID;"
        "INSERT INTO r2 SELECT * FROM records; DROP TABLE records;"
        "ALTER TABLE r2 RENAME TO records;"
        "CREATE INDEX records_by_service ON records (service_index)",
        "(planted SQL?)");
}

BOOST_FIXTURE_TEST_CASE(user_version_3_is_refused, PlantedFixture) {
    expect_refused("PRAGMA user_version = 3", "user_version 3");
}

// user_version 2 is the schema with the audit log's tables, exactly.
BOOST_FIXTURE_TEST_CASE(user_version_2_without_the_audit_tables_is_refused, PlantedFixture) {
    expect_refused("PRAGMA user_version = 2", "lacks the table 'audit'");
}

BOOST_FIXTURE_TEST_CASE(an_audit_table_tresor_did_not_make_is_refused, PlantedFixture) {
    expect_refused(
        "CREATE TABLE audit (seq INTEGER PRIMARY KEY, link BLOB NOT NULL, block BLOB);"
        "CREATE TABLE audit_notes (\n    id INTEGER PRIMARY KEY,\n    note BLOB NOT NULL\n);"
        "PRAGMA user_version = 2",
        "table 'audit' that differs from the one tresor creates");
}

BOOST_FIXTURE_TEST_CASE(a_trigger_on_the_audit_log_is_refused, PlantedFixture) {
    {
        Vault v = open();
        v.enable_audit();
        v.set("svc", "audited", bytes("x"), {});  // adds the audit tables
    }
    expect_refused("CREATE TRIGGER forget BEFORE INSERT ON audit BEGIN SELECT RAISE(IGNORE); END",
                   "unexpected trigger 'forget'");
}

BOOST_FIXTURE_TEST_CASE(trigger_planted_while_open_is_refused_at_the_next_write, VaultFixture) {
    Vault v = create();
    v.set("svc", "old", bytes("to be removed"), {});
    RawDb raw(path);
    raw.exec("CREATE TRIGGER keep BEFORE DELETE ON records BEGIN SELECT RAISE(IGNORE); END");
    BOOST_CHECK_EXCEPTION((void)v.remove("svc", "old"), Error, [](const Error& e) {
        return e.code() == ErrorCode::corrupt &&
               std::string(e.what()).find("trigger 'keep'") != std::string::npos;
    });
    raw.exec("DROP TRIGGER keep");
    BOOST_TEST(v.remove("svc", "old"));
    BOOST_TEST(!v.get("svc", "old").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
