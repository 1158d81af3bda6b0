// Findings 5 and 6 of issue 15: two Vault objects on one file, as two
// processes would hold them. A change of the key slots made from a stale view
// fails instead of silently undoing the other one; a reader or writer opened
// before another's rotation carries on with correct values.
#include <boost/test/unit_test.hpp>

#include "unit/vault/vault_fixture.hpp"

using tresor::Error;
using tresor::ErrorCode;
using namespace tresor::test;
using namespace tresor::vault;

namespace {

bool slots_changed_meanwhile(const Error& e) {
    return e.code() == ErrorCode::io &&
           std::string(e.what()).find("another process changed the vault's key slots") !=
               std::string::npos;
}

const std::vector<std::uint8_t> kKeyFile(32, 0x5c);

Credential key_file() {
    return {Credential::Kind::keyfile, SecureBytes(kKeyFile.begin(), kKeyFile.end())};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(concurrent_key_slots)

BOOST_FIXTURE_TEST_CASE(second_password_change_fails_instead_of_losing_the_first, VaultFixture) {
    Vault first = create();
    Vault second = open();
    first.change_password(password("first new"), kFastKdf);
    BOOST_CHECK_EXCEPTION(second.change_password(password("second new"), kFastKdf), Error,
                          slots_changed_meanwhile);
    BOOST_CHECK_NO_THROW((void)open("first new"));
    BOOST_CHECK_EXCEPTION((void)open("second new"), Error, has_code(ErrorCode::auth_failed));
}

BOOST_FIXTURE_TEST_CASE(every_slot_change_is_a_compare_and_swap, VaultFixture) {
    Vault a = create();
    Vault b = open();
    a.add_keyfile(kKeyFile);
    BOOST_CHECK_EXCEPTION(b.add_keyfile(std::vector<std::uint8_t>(32, 1)), Error,
                          slots_changed_meanwhile);
    BOOST_CHECK_EXCEPTION((void)b.rotate(), Error, slots_changed_meanwhile);
    BOOST_TEST(a.rotate() == 1);  // a's own view is current: drops the key file
    Vault c = open();
    BOOST_CHECK_EXCEPTION(b.change_password(password("late"), kFastKdf), Error,
                          slots_changed_meanwhile);
    BOOST_CHECK_NO_THROW(c.add_keyfile(kKeyFile));
    BOOST_TEST(open().info().slots.size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(record_writes_go_on_beside_a_password_change, VaultFixture) {
    Vault a = create();
    Vault b = open();
    a.change_password(password("new"), kFastKdf);
    b.set("svc", "k", bytes("from b"), {});
    BOOST_TEST(b.remove("svc", "k"));
    b.set("svc", "k", bytes("again"), {});
    BOOST_TEST(str(a.get("svc", "k")) == "again");
    a.add_keyfile(kKeyFile);  // a's writes of records did not move its view of the slots
}

BOOST_FIXTURE_TEST_CASE(reader_and_writer_carry_on_across_a_rotation, VaultFixture) {
    Vault writer = create();
    writer.set("svc", "a", bytes("value a"), {});
    writer.set("svc", "b", bytes("value b"), {});
    Vault reader = open();
    Vault other_writer = open();
    BOOST_TEST(str(reader.get("svc", "a")) == "value a");
    for (int round = 0; round < 3; ++round) {
        BOOST_TEST(writer.rotate() == 0);
        BOOST_TEST(str(reader.get("svc", "a")) == "value a");
        const auto meta = reader.stat("svc", "b");
        BOOST_TEST((meta && meta->name == "b"));
        BOOST_TEST(!reader.get("svc", "missing").has_value());
        int listed = 0;
        reader.list(nullptr, [&](const Metadata&) { ++listed; });
        BOOST_TEST(listed == 2);
        other_writer.set("svc", "c", bytes("round " + std::to_string(round)), {});
        BOOST_TEST(str(writer.get("svc", "c")) == "round " + std::to_string(round));
        BOOST_TEST(other_writer.remove("svc", "c"));
    }
    BOOST_TEST(reader.verify().problems.empty());
}

BOOST_FIXTURE_TEST_CASE(rotation_that_removed_our_slot_says_so, VaultFixture) {
    Vault owner = create();
    owner.set("svc", "a", bytes("value a"), {});
    owner.add_keyfile(kKeyFile);
    Vault by_key_file = Vault::open(path, key_file());
    BOOST_TEST(owner.rotate() == 1);  // the key file's slot is gone
    const auto slot_removed = [](const Error& e) {
        return e.code() == ErrorCode::locked &&
               std::string(e.what()).find("rotated by another process") != std::string::npos;
    };
    BOOST_CHECK_EXCEPTION((void)by_key_file.get("svc", "a"), Error, slot_removed);
    BOOST_CHECK_EXCEPTION(by_key_file.set("svc", "b", bytes("b"), {}), Error, slot_removed);
}

BOOST_AUTO_TEST_SUITE_END()
