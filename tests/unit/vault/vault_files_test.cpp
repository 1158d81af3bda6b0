// The file vault's place on disk against another local user (issue 15,
// finding 1): a folder others can write, a journal or WAL planted beside the
// vault, a vault owned by someone else. Each attack is carried out for real
// as uid 65534 where one is needed; the vault must be refused with a message
// that says what to fix, and must come out of it with nothing lost.
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "support/other_user.hpp"
#include "unit/vault/vault_fixture.hpp"

using namespace tresor;
using namespace tresor::test;

namespace {

// A vault with one secret in `folder`, which only the test's user can write
// while the vault is made.
std::filesystem::path make_vault(const std::filesystem::path& folder) {
    std::filesystem::create_directories(folder);
    const auto path = folder / "vault.db";
    vault::Vault v = vault::Vault::create(path, password("pw"), kFastKdf);
    v.set("svc", "token", bytes("s3cret"), {});
    return path;
}

std::string open_error(const std::filesystem::path& path) {
    try {
        (void)vault::Vault::open(path, password("pw"));
    } catch (const Error& e) {
        BOOST_CHECK(e.code() == ErrorCode::permission_denied);
        return e.what();
    }
    BOOST_FAIL("the vault " + path.string() + " opened");
    return "";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

void expect_intact(const std::filesystem::path& path) {
    vault::Vault v = vault::Vault::open(path, password("pw"));
    BOOST_CHECK_EQUAL(str(v.get("svc", "token")), "s3cret");
    BOOST_CHECK(v.verify().problems.empty());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(vault_files)

BOOST_AUTO_TEST_CASE(a_hot_journal_planted_by_another_user_is_refused_not_replayed,
                     *boost::unit_test::precondition(CanActAsOtherUser())) {
    TempDir dir;
    ::chmod(dir.path().c_str(), 0755);
    const auto shared = dir / "shared";
    const auto path = make_vault(shared);
    ::chmod(shared.c_str(), 01777);  // like /tmp: anyone may create files
    // The attacker makes a database of their own, dies in the middle of a
    // transaction (a hot rollback journal stays behind) and gives the
    // journal the vault's name: SQLite would replay it onto the vault.
    const ProcessResult attack = run_as_other_user(
        shared.string(),
        "sqlite3 -init /dev/null evil.db 'CREATE TABLE t(x); INSERT INTO t VALUES (1);' && "
        "printf 'BEGIN;\\nDELETE FROM t;\\n.system kill -9 $PPID\\n' | "
        "sqlite3 -init /dev/null evil.db; "
        "test -s evil.db-journal && mv evil.db-journal vault.db-journal");
    BOOST_REQUIRE_MESSAGE(attack.exit_status == 0, "the attack did not run: " + attack.err);

    const std::string folder_error = open_error(path);
    // Issue 22, finding 15: chmod go-w on a shared sticky folder (/tmp)
    // would break its other users; the advice is to move the file.
    BOOST_CHECK_MESSAGE(contains(folder_error, "folder " + shared.string()) &&
                            contains(folder_error, "move it into a folder only you can write") &&
                            !contains(folder_error, "chmod"),
                        folder_error);
    // With the folder fixed, the journal it let in is still not replayed.
    ::chmod(shared.c_str(), 0700);
    const std::string journal_error = open_error(path);
    BOOST_CHECK_MESSAGE(contains(journal_error, (shared / "vault.db-journal").string()) &&
                            contains(journal_error, "uid 65534"),
                        journal_error);
    std::filesystem::remove(shared / "vault.db-journal");
    expect_intact(path);
}

BOOST_AUTO_TEST_CASE(a_wal_or_shm_file_not_ours_is_refused) {
    TempDir dir;
    const auto path = make_vault(dir / "data");
    for (const std::string suffix : {"-wal", "-shm"}) {
        const auto sidecar = path.string() + suffix;
        { std::ofstream(sidecar) << "planted"; }
        ::chmod(sidecar.c_str(), 0644);
        const std::string error = open_error(path);
        BOOST_CHECK_MESSAGE(contains(error, sidecar) && contains(error, "chmod 600"), error);
        std::filesystem::remove(sidecar);
    }
    expect_intact(path);
}

BOOST_AUTO_TEST_CASE(a_symlinked_journal_is_named) {
    TempDir dir;
    const auto path = make_vault(dir / "data");
    const auto journal = path.string() + "-journal";
    std::filesystem::create_symlink("/nonexistent/elsewhere", journal);
    const std::string error = open_error(path);
    BOOST_CHECK_MESSAGE(contains(error, journal) && contains(error, "symlink"), error);
    std::filesystem::remove(journal);
    expect_intact(path);
}

BOOST_AUTO_TEST_CASE(a_vault_owned_by_another_user_is_refused_even_to_root,
                     *boost::unit_test::precondition(CanActAsOtherUser())) {
    TempDir dir;
    const auto path = make_vault(dir / "data");
    BOOST_REQUIRE(::chown(path.c_str(), kOtherUid, kOtherUid) == 0);
    const std::string error = open_error(path);
    BOOST_CHECK_MESSAGE(contains(error, "owned by uid 65534"), error);
    BOOST_REQUIRE(::chown(path.c_str(), ::geteuid(), ::getegid()) == 0);
    expect_intact(path);
}

BOOST_AUTO_TEST_CASE(a_vault_folder_others_can_write_is_refused_also_when_creating) {
    TempDir dir;
    const auto shared = dir / "shared";
    std::filesystem::create_directories(shared);
    ::chmod(shared.c_str(), 0777);
    BOOST_CHECK_EXCEPTION((void)vault::Vault::create(shared / "vault.db", password("pw"), kFastKdf),
                          Error, [&](const Error& e) {
                              return e.code() == ErrorCode::permission_denied &&
                                     contains(e.what(), "chmod go-w " + shared.string());
                          });
    BOOST_CHECK(!std::filesystem::exists(shared / "vault.db"));
}

BOOST_AUTO_TEST_CASE(a_folder_above_the_vault_that_others_can_write_is_refused) {
    TempDir dir;
    const auto path = make_vault(dir / "open" / "data");
    ::chmod((dir / "open").c_str(), 0777);  // not sticky: anyone may rename "data"
    const std::string error = open_error(path);
    BOOST_CHECK_MESSAGE(contains(error, "folder " + (dir / "open").string()), error);
    ::chmod((dir / "open").c_str(), 0755);
    expect_intact(path);
}

// SQLite opens the vault by path after the checks: a symlink left in that
// path, in a folder others can write, could be swapped in between. The
// folder is resolved first, and the target's folders are the ones checked.
BOOST_AUTO_TEST_CASE(a_symlinked_folder_is_resolved_before_the_checks) {
    TempDir dir;
    const auto path = make_vault(dir / "private");
    std::filesystem::create_directories(dir / "shared");
    ::chmod((dir / "shared").c_str(), 01777);
    std::filesystem::create_directory_symlink(dir / "private", dir / "shared/link");
    vault::Vault v = vault::Vault::open(dir / "shared/link/vault.db", password("pw"));
    BOOST_CHECK_EQUAL(v.info().location, path.string());
    BOOST_CHECK_EQUAL(str(v.get("svc", "token")), "s3cret");
    ::chmod((dir / "private").c_str(), 0777);  // now the target's own folder is open
    const std::string error = open_error(dir / "shared/link/vault.db");
    BOOST_CHECK_MESSAGE(contains(error, "folder " + (dir / "private").string()), error);
}

BOOST_AUTO_TEST_SUITE_END()
