// last_used_at with a real vault file: recorded on get and header, written
// in one batch when the Store closes (never per read), at most once per
// entry within the flush interval, and without touching the value,
// updated_at or the version (docs/CREDENTIALS.md, "last_used_at").
#define BOOST_TEST_MODULE vault_last_used
#include <boost/test/unit_test.hpp>

#include <stdlib.h>

#include <chrono>

#include "integration/vault/vault_store_fixture.hpp"
#include "tresor/store.hpp"

using tresor::Key;
using tresor::Secret;
using tresor::Store;
using namespace tresor::test;
using namespace tresor::vault;

namespace {

std::int64_t now() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t unix_of(const std::optional<tresor::Timestamp>& t) {
    return t ? std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count() : 0;
}

struct StoreFixture : VaultStoreFixture {
    // The header's write counter: every committed write adds one.
    std::uint64_t generation() const { return vault().info().generation; }
    std::vector<std::uint8_t> value_blob() const {
        RawDb db(path);
        return db.blob("SELECT value FROM records");
    }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(a_get_is_recorded_once_when_the_store_closes, StoreFixture) {
    const Key key{"github", "ci"};
    store().set(key, Secret("ghp_value"));
    const auto before = store().entry(key);
    BOOST_REQUIRE(before);
    BOOST_TEST(!before->last_used_at.has_value());
    const auto generation0 = generation();
    const auto value0 = value_blob();

    const std::int64_t t0 = now();
    {
        Store s = store();
        BOOST_TEST(s.get(key)->view() == "ghp_value");
        BOOST_TEST(s.get(key)->view() == "ghp_value");
        // Kept in memory: reading does not write.
        BOOST_TEST(generation() == generation0);
        BOOST_TEST(!s.entry(key)->last_used_at.has_value());
    }
    const std::int64_t t1 = now();
    BOOST_TEST(generation() == generation0 + 1);  // one write for both gets, at close

    const auto after = store().entry(key);
    BOOST_REQUIRE(after);
    BOOST_TEST(unix_of(after->last_used_at) >= t0);
    BOOST_TEST(unix_of(after->last_used_at) <= t1);
    BOOST_TEST(unix_of(after->updated_at) == unix_of(before->updated_at));
    BOOST_TEST(unix_of(after->created_at) == unix_of(before->created_at));
    BOOST_TEST(after->id == before->id);
    BOOST_TEST(value_blob() == value0);  // the sealed value, byte for byte
    BOOST_TEST(store().get(key)->view() == "ghp_value");
    const auto listed = store().list("github");
    BOOST_REQUIRE(listed.size() == 1u);
    BOOST_TEST(unix_of(listed[0].last_used_at) == unix_of(after->last_used_at));

    // Another use within the interval: nothing is written.
    const auto generation1 = generation();
    {
        Store s = store();
        (void)s.get(key);
    }
    BOOST_TEST(generation() == generation1);
    BOOST_TEST(vault().verify().problems.empty());
}

BOOST_FIXTURE_TEST_CASE(listing_and_entry_are_not_uses_but_header_is, StoreFixture) {
    const Key key{"api", "bot"};
    tresor::SetOptions options;
    options.type = tresor::SecretType::bearer_token;
    store().set(key, Secret("tok"), options);
    const auto generation0 = generation();
    {
        Store s = store();
        (void)s.list();
        (void)s.entry(key);
        (void)s.get({"api", "missing"});
    }
    BOOST_TEST(generation() == generation0);
    BOOST_TEST(!store().entry(key)->last_used_at.has_value());
    {
        Store s = store().narrowed({tresor::Scope::read});
        BOOST_TEST(s.header(key)->view() == "Authorization: Bearer tok");
    }
    BOOST_TEST(store().entry(key)->last_used_at.has_value());
}

BOOST_FIXTURE_TEST_CASE(the_engine_writes_only_stale_uses_and_keeps_them_across_set_and_rotate,
                        VaultFixture) {
    Vault v = create();
    v.set("svc", "a", tresor::test::bytes("one"), {});
    const auto generation0 = v.info().generation;
    BOOST_TEST(v.record_uses(300) == 0u);  // nothing noted: no transaction
    BOOST_TEST(v.info().generation == generation0);

    v.note_use("svc", "a", 1000);
    v.note_use("svc", "gone", 1000);  // a missing entry takes no use
    BOOST_TEST(v.record_uses(300) == 1u);
    BOOST_TEST(v.info().generation == generation0 + 1);
    v.note_use("svc", "a", 1299);  // less than 300 s later: kept as 1000
    BOOST_TEST(v.record_uses(300) == 0u);
    BOOST_TEST(v.stat("svc", "a")->last_used_at == 1000);
    v.note_use("svc", "a", 1300);
    BOOST_TEST(v.record_uses(300) == 1u);
    v.note_use("svc", "a", 900);  // never backwards
    BOOST_TEST(v.record_uses(0) == 0u);
    BOOST_TEST(v.stat("svc", "a")->last_used_at == 1300);

    v.set("svc", "a", tresor::test::bytes("two"), {});
    BOOST_TEST(v.stat("svc", "a")->last_used_at == 1300);
    (void)v.rotate();
    BOOST_TEST(v.stat("svc", "a")->last_used_at == 1300);
    BOOST_TEST(tresor::test::str(v.get("svc", "a")) == "two");
    BOOST_TEST(v.verify().problems.empty());
    Vault reopened = open();
    BOOST_TEST(reopened.stat("svc", "a")->last_used_at == 1300);
}

// Re-sealing at the same version lets an older metadata blob authenticate:
// put back, it reads as the earlier last_used_at, and verify reports it.
BOOST_FIXTURE_TEST_CASE(an_earlier_metadata_blob_put_back_is_found_by_verify, VaultFixture) {
    Vault v = create();
    v.set("svc", "a", tresor::test::bytes("one"), {});
    const auto unused = RawDb(path).blob("SELECT metadata FROM records");
    v.note_use("svc", "a", 1000);
    BOOST_TEST(v.record_uses(300) == 1u);
    RawDb(path).set_blob("UPDATE records SET metadata = ?", unused);
    BOOST_TEST(v.stat("svc", "a")->last_used_at == 0);
    const auto report = v.verify();
    BOOST_REQUIRE(report.problems.size() == 1u);
    BOOST_TEST(report.problems[0].find("manifest") != std::string::npos, report.problems[0]);
}
