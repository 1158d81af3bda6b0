// The audit log (vault/audit/, docs/VAULT-FORMAT.md "Audit log"): what it
// records and who, that writes seal their events in their own transaction
// while reads wait for a flush, and that whoever can write the file but holds
// no vault key cannot delete, reorder, edit or truncate it unnoticed:
// `tresor vault verify` and `tresor audit verify` both read this report.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include "unit/vault/vault_fixture.hpp"
#include "vault/audit/codec.hpp"
#include "vault/audit/writer.hpp"
#include "vault/slots/host_key.hpp"
#include "vault/stores/sqlite_store.hpp"
#include "vault/trust/admin_key.hpp"

using tresor::Error;
using tresor::ErrorCode;
using namespace tresor::test;
using namespace tresor::vault;
using audit::Operation;
using audit::Outcome;

namespace {

struct Logged {
    std::uint64_t seq;
    audit::Event event;
};

std::vector<Logged> events_of(Vault& v, audit::ChainReport* report = nullptr) {
    std::vector<Logged> out;
    const audit::ChainReport r = v.read_audit([&](std::uint64_t seq, const audit::Event& e) {
        out.push_back({seq, e});
    });
    if (report != nullptr) {
        *report = r;
    }
    return out;
}

// A vault with audit on and four blocks: one set each, then a flushed read.
struct AuditFixture : VaultFixture {
    AuditFixture() {
        Vault v = create();
        v.enable_audit();
        for (const char* name : {"a", "b", "c"}) {
            v.set("svc", name, bytes("value"), {});
        }
        (void)v.get("svc", "a");
        v.note_read(Operation::get, Outcome::ok, "svc", "a");
        BOOST_REQUIRE(v.flush_audit());
    }
    Vault audited() {
        Vault v = open();
        v.enable_audit();
        return v;
    }
    VerifyReport verify() { return open().verify(); }
    // One bit of one block's column flipped, in the file, as an attacker would.
    void flip_bit(const std::string& column, int seq, std::size_t byte, std::uint8_t mask) {
        RawDb raw(path);
        const std::string where = " WHERE seq = " + std::to_string(seq);
        std::vector<std::uint8_t> blob = raw.blob("SELECT " + column + " FROM audit" + where);
        blob.at(byte) ^= mask;
        raw.set_blob("UPDATE audit SET " + column + " = ?" + where, blob);
    }
    std::int64_t count(const std::string& table) {
        RawDb raw(path);
        const auto n = raw.blob("SELECT CAST(count(*) AS BLOB) FROM " + table);
        return std::stoll(std::string(n.begin(), n.end()));
    }
    bool reported(const VerifyReport& r, const std::string& text) {
        for (const auto& list : {r.audit_problems, r.problems}) {
            for (const std::string& p : list) {
                if (p.find(text) != std::string::npos) {
                    return true;
                }
            }
        }
        return false;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(audit_log)

BOOST_FIXTURE_TEST_CASE(writes_and_reads_are_recorded_with_who, AuditFixture) {
    Vault v = open();
    audit::ChainReport report;
    const auto logged = events_of(v, &report);
    BOOST_TEST(report.problems.empty());
    BOOST_TEST(report.blocks == 4u);
    BOOST_REQUIRE(logged.size() == 4u);
    const std::vector<Operation> ops = {Operation::set, Operation::set, Operation::set,
                                        Operation::get};
    for (std::size_t i = 0; i < logged.size(); ++i) {
        const audit::Event& e = logged[i].event;
        BOOST_TEST(logged[i].seq == i + 1);
        BOOST_TEST((e.operation == ops[i]));
        BOOST_TEST(e.service == "svc");
        BOOST_TEST(e.caller.uid == static_cast<std::uint32_t>(::geteuid()));
        BOOST_TEST(e.caller.pid == static_cast<std::uint32_t>(::getpid()));
        BOOST_TEST(e.caller.executable.find("vault_test") != std::string::npos);
        BOOST_TEST(e.caller.credential == "password slot 1");
        BOOST_TEST(e.time_ms > 1'700'000'000'000);
    }
    BOOST_TEST(logged[1].event.name == "b");
    const VerifyReport r = verify();
    BOOST_TEST(all_problems(r) == "");
    BOOST_TEST(r.audit_events_checked == 4u);
}

BOOST_FIXTURE_TEST_CASE(reads_wait_in_memory_and_ride_with_the_next_write, AuditFixture) {
    Vault v = audited();
    v.set_audit_actor("token:0123456789abcdef");
    v.note_read(Operation::use, Outcome::ok, "svc", "b");
    v.note_read(Operation::get, Outcome::not_found, "svc", "missing");
    BOOST_TEST(!v.audit_due());
    BOOST_TEST(count("audit") == 4);  // noted, not written
    BOOST_TEST(!v.remove("svc", "nothing"));
    v.remove("svc", "c");  // one transaction: a block of the reads and the miss, one of the remove
    BOOST_TEST(count("audit") == 6);
    const auto logged = events_of(v);
    BOOST_REQUIRE(logged.size() == 8u);
    BOOST_TEST((logged[4].event.operation == Operation::use));
    BOOST_TEST(logged[4].event.actor == "token:0123456789abcdef");
    BOOST_TEST((logged[5].event.outcome == Outcome::not_found));
    BOOST_TEST((logged[6].event.operation == Operation::remove));
    BOOST_TEST((logged[6].event.outcome == Outcome::not_found));
    BOOST_TEST((logged[7].event.operation == Operation::remove));
    BOOST_TEST((logged[7].event.outcome == Outcome::ok));
    BOOST_TEST(logged[6].seq == 5u);
    BOOST_TEST(logged[7].seq == 6u);
    BOOST_TEST(verify().audit_problems.empty());
}

BOOST_FIXTURE_TEST_CASE(a_write_that_fails_records_nothing, AuditFixture) {
    Vault v = audited();
    v.note_read(Operation::get, Outcome::ok, "svc", "a");
    RawDb(path).exec("CREATE TRIGGER planted BEFORE INSERT ON records BEGIN SELECT 1; END");
    BOOST_CHECK_THROW(v.set("svc", "new", bytes("x"), {}), Error);
    RawDb(path).exec("DROP TRIGGER planted");
    BOOST_TEST(count("audit") == 4);
    // The noted read was kept for the next transaction; the failed set is not logged.
    BOOST_TEST(v.flush_audit());
    const auto logged = events_of(v);
    BOOST_REQUIRE(logged.size() == 5u);
    BOOST_TEST((logged[4].event.operation == Operation::get));
}

BOOST_FIXTURE_TEST_CASE(a_deleted_block_is_reported, AuditFixture) {
    RawDb(path).exec("DELETE FROM audit WHERE seq = 2");
    const VerifyReport r = verify();
    BOOST_TEST(reported(r, "audit blocks 2 to 2 are missing"), all_problems(r));
}

BOOST_FIXTURE_TEST_CASE(deleted_oldest_blocks_are_reported, AuditFixture) {
    RawDb(path).exec("DELETE FROM audit WHERE seq <= 2");
    const VerifyReport r = verify();
    BOOST_TEST(reported(r, "audit blocks 1 to 2 are missing, and no prune event"), all_problems(r));
}

BOOST_FIXTURE_TEST_CASE(reordered_blocks_are_reported, AuditFixture) {
    // Swap the contents of blocks 2 and 3, each with its link: as if the
    // two sets had happened the other way round.
    RawDb raw(path);
    raw.exec(
        "UPDATE audit SET seq = -1 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3;"
        "UPDATE audit SET seq = 3 WHERE seq = -1");
    const VerifyReport r = verify();
    BOOST_TEST(reported(r, "audit block 2 failed authentication"), all_problems(r));
    BOOST_TEST(reported(r, "audit block 3 failed authentication"), all_problems(r));
}

BOOST_FIXTURE_TEST_CASE(an_edited_block_is_reported, AuditFixture) {
    flip_bit("block", 3, 40, 0x01);
    const VerifyReport r = verify();
    BOOST_TEST(reported(r, "audit block 3 failed authentication"), all_problems(r));
    BOOST_TEST(reported(r, "audit block 3 does not follow"), all_problems(r));
}

BOOST_FIXTURE_TEST_CASE(an_edited_link_is_reported, AuditFixture) {
    flip_bit("link", 2, 0, 0x80);
    const VerifyReport r = verify();
    BOOST_TEST(reported(r, "audit block 2 does not follow"), all_problems(r));
}

BOOST_FIXTURE_TEST_CASE(a_truncated_log_is_reported, AuditFixture) {
    // The newest block gone: the chain that is left holds together, but the
    // manifest, which the header MAC covers, names the block that was last.
    RawDb(path).exec("DELETE FROM audit WHERE seq = 4");
    const VerifyReport r = verify();
    BOOST_TEST(r.audit_problems.empty(), all_problems(r));
    BOOST_TEST(!r.manifest_matches);
    BOOST_TEST(reported(r, "the audit log's newest blocks were removed"), all_problems(r));
    // A log emptied entirely is reported the same way.
    RawDb(path).exec("DELETE FROM audit");
    BOOST_TEST(!verify().manifest_matches);
}

BOOST_FIXTURE_TEST_CASE(a_block_from_another_vault_is_reported, AuditFixture) {
    VaultFixture other;
    {
        Vault v = other.create();
        v.enable_audit();
        for (const char* name : {"a", "b", "c"}) {
            v.set("svc", name, bytes("value"), {});
        }
    }
    const std::vector<std::uint8_t> foreign =
        RawDb(other.path).blob("SELECT block FROM audit WHERE seq = 3");
    RawDb(path).set_blob("UPDATE audit SET block = ? WHERE seq = 3", foreign);
    BOOST_TEST(reported(verify(), "audit block 3 failed authentication"));
}

BOOST_FIXTURE_TEST_CASE(the_log_survives_rotation_and_a_prune, AuditFixture) {
    {
        Vault v = audited();
        (void)v.rotate();
        BOOST_TEST(all_problems(v.verify()) == "");
        const auto logged = events_of(v);
        BOOST_REQUIRE(logged.size() == 5u);
        BOOST_TEST(logged[4].event.detail == "rotate");
        // Everything before now is old enough, but the newest block stays.
        BOOST_TEST(v.prune_audit(audit::now_ms() + 1000) == 4u);
        v.set("svc", "after", bytes("x"), {});
    }
    Vault v = open();
    audit::ChainReport report;
    const auto logged = events_of(v, &report);
    BOOST_TEST(joined(report.problems) == "");
    BOOST_TEST(report.first_seq == 5u);
    BOOST_REQUIRE(logged.size() == 3u);  // the rotation, the prune, the set
    BOOST_TEST((logged[1].event.operation == Operation::prune));
    BOOST_TEST(logged[1].event.detail.starts_with("through=4 link="));
    BOOST_TEST(all_problems(v.verify()) == "");
    // A prune never hides a deletion: with a block missing it refuses.
    RawDb(path).exec("DELETE FROM audit WHERE seq = 6");
    BOOST_CHECK_EXCEPTION((void)v.prune_audit(audit::now_ms() + 1000), Error,
                          tresor::test::has_code(ErrorCode::corrupt));
}

BOOST_FIXTURE_TEST_CASE(failed_unlocks_wait_unsealed_then_are_sealed_in, AuditFixture) {
    BOOST_CHECK_THROW((void)open("wrong password"), Error);
    audit::note_failed_unlock(*open_sqlite_store(path), "password", "wrong password");
    Vault v = audited();
    const auto pending = v.unsealed_audit_notes();
    BOOST_REQUIRE(pending.size() == 1u);
    BOOST_TEST(pending[0].detail == "wrong password");
    BOOST_TEST(pending[0].caller.pid == static_cast<std::uint32_t>(::getpid()));
    v.set("svc", "d", bytes("x"), {});
    BOOST_TEST(v.unsealed_audit_notes().empty());
    const auto logged = events_of(v);
    BOOST_TEST((logged.back().event.operation == Operation::unlock_failed));
    BOOST_TEST(logged.back().event.caller.credential == "password");
    BOOST_TEST(verify().audit_problems.empty());
}

BOOST_FIXTURE_TEST_CASE(a_host_key_is_named_by_its_public_key, AuditFixture) {
    const HostKeyPair host = generate_host_key();
    {
        Vault v = open();
        (void)v.add_recipient(public_key_text(host.public_key), "web2");
    }
    Vault v = Vault::open(path, {Credential::Kind::hostkey, host.private_key});
    v.enable_audit();
    v.set("svc", "from-host", bytes("x"), {});
    const auto logged = events_of(v);
    BOOST_TEST(logged.back().event.caller.credential == "host " + public_key_text(host.public_key));
}

// Signing a vault, handing it over and an admin's accept-restore change its
// header's admin block as slot changes do: each is a slot event.
BOOST_FIXTURE_TEST_CASE(signing_a_hand_over_and_an_accepted_restore_are_recorded, AuditFixture) {
    const AdminKeyPair admin = generate_admin_key();
    const AdminKeyPair next = generate_admin_key();
    const std::string signed_by = "sign " + admin_identity_text(admin.public_key);
    const std::string handed_to = "hand-over " + admin_identity_text(next.public_key);
    Vault v = audited();
    v.sign(admin);
    v.hand_over(next);
    BOOST_TEST(v.accept_restore());
    const auto logged = events_of(v);
    BOOST_REQUIRE(logged.size() == 7u);
    const std::string details[] = {signed_by, handed_to, "accept-restore"};
    for (std::size_t i = 0; i < 3; ++i) {
        BOOST_TEST((logged[4 + i].event.operation == Operation::slots));
        BOOST_TEST(logged[4 + i].event.detail == details[i]);
    }
    BOOST_TEST(all_problems(verify()) == "");
}

BOOST_FIXTURE_TEST_CASE(a_vault_without_audit_stays_user_version_1, VaultFixture) {
    Vault v = create();
    v.set("svc", "a", bytes("x"), {});
    (void)v.get("svc", "a");
    RawDb raw(path);
    const auto version = raw.blob("SELECT CAST(user_version AS BLOB) FROM pragma_user_version");
    BOOST_TEST(std::string(version.begin(), version.end()) == "1");
}

BOOST_AUTO_TEST_CASE(blocks_and_notes_decode_to_what_was_encoded) {
    audit::Event e;
    e.operation = Operation::slots;
    e.time_ms = 1767225600123;
    e.caller = {1000, 4242, "/usr/bin/tresor", "password slot 1"};
    e.detail = "passwd";
    audit::Event f = e;
    f.operation = Operation::get;
    f.caller.pid = 4243;
    f.service = "github";
    f.name = "ci";
    f.actor = "token:0123456789abcdef";
    const std::vector<audit::Event> events = {e, f, e};
    BOOST_TEST((audit::decode_block(audit::encode_block(events)) == events));
    audit::Event note = e;
    note.operation = Operation::unlock_failed;
    note.outcome = Outcome::failed;
    BOOST_TEST((audit::decode_note(audit::encode_note(note)) == note));
    std::vector<std::uint8_t> bad = audit::encode_block(events);
    bad.push_back(0);
    BOOST_CHECK_EXCEPTION((void)audit::decode_block(bad), Error,
                          tresor::test::has_code(ErrorCode::corrupt));
}

BOOST_AUTO_TEST_SUITE_END()
