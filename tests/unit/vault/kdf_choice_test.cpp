// Which KDF a password slot gets: one lane -> KDF 2 (16-byte salt), more
// lanes -> KDF 1 (32-byte salt), both tresor's Argon2id; vaults of KDF 1
// keep opening, and a new one-lane password moves them to KDF 2.
#include <boost/test/unit_test.hpp>

#include "unit/vault/vault_fixture.hpp"
#include "vault/detail/header.hpp"
#include "vault/stores/sqlite_store.hpp"

using namespace tresor::test;
using namespace tresor::vault;

namespace {

detail::Slot password_slot(const std::filesystem::path& path) {
    const detail::Header header = detail::decode_header(open_sqlite_store(path)->read_header());
    BOOST_REQUIRE_EQUAL(header.slots.size(), 1u);
    return header.slots[0];
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(one_lane_slots_use_kdf_2_with_a_16_byte_salt, VaultFixture) {
    (void)create();
    const detail::Slot slot = password_slot(path);
    BOOST_TEST(slot.kdf == detail::kKdfArgon2id13OneLane);
    BOOST_TEST(std::all_of(slot.salt.begin() + 16, slot.salt.end(),
                           [](std::uint8_t b) { return b == 0; }));
    BOOST_TEST(std::any_of(slot.salt.begin(), slot.salt.begin() + 16,
                           [](std::uint8_t b) { return b != 0; }));
    BOOST_TEST(tresor::test::str(open().get("s", "n")) == "<none>");
}

BOOST_FIXTURE_TEST_CASE(kdf_1_slots_of_more_lanes_still_open_and_passwd_moves_them_to_kdf_2,
                        VaultFixture) {
    KdfPolicy lanes = kFastKdf;
    lanes.parallelism = 2;
    {
        Vault v = Vault::create(path, password("old"), lanes);
        v.set("s", "n", tresor::test::bytes("value"), {});
    }
    BOOST_TEST(password_slot(path).kdf == detail::kKdfArgon2id13);
    Vault v = open("old");
    BOOST_TEST(tresor::test::str(v.get("s", "n")) == "value");
    v.change_password(password("new"), kFastKdf);
    BOOST_TEST(password_slot(path).kdf == detail::kKdfArgon2id13OneLane);
    BOOST_TEST(tresor::test::str(open("new").get("s", "n")) == "value");
}
