// Vault::open with a cached vault key (the unlock cache's engine side): the
// key is used only when the header MAC verifies under it; a stale or wrong
// one is ignored and the credential is asked for instead.
#include <boost/test/unit_test.hpp>

#include "unit/vault/vault_fixture.hpp"
#include "vault/stores/sqlite_store.hpp"

using namespace tresor::test;
using namespace tresor::vault;

namespace {

struct Asked {
    std::string vault_id;
    int credentials = 0;
};

Vault open_with(const std::filesystem::path& path, const std::optional<SecureBytes>& cached,
                Asked& asked) {
    return Vault::open(
        open_sqlite_store(path),
        [&](const std::string& id) {
            asked.vault_id = id;
            return cached;
        },
        [&] {
            ++asked.credentials;
            return password("correct horse");
        });
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(a_cached_key_that_verifies_skips_the_credential, VaultFixture) {
    Vault first = create();
    first.set("s", "n", bytes("value"), {});
    const SecureBytes key(first.vault_key().begin(), first.vault_key().end());
    Asked asked;
    Vault v = open_with(path, key, asked);
    BOOST_TEST(asked.vault_id == first.id());
    BOOST_TEST(asked.credentials == 0);
    BOOST_TEST(v.unlocked_from_cache());
    BOOST_TEST(str(v.get("s", "n")) == "value");
    BOOST_CHECK_EXCEPTION((void)v.rotate(), tresor::Error,
                          has_code(tresor::ErrorCode::invalid_argument));
}

BOOST_FIXTURE_TEST_CASE(a_stale_or_wrong_cached_key_is_ignored, VaultFixture) {
    Vault first = create();
    first.set("s", "n", bytes("value"), {});
    const SecureBytes before(first.vault_key().begin(), first.vault_key().end());
    (void)first.rotate();
    for (const SecureBytes& candidate : {before, SecureBytes(32, 0x42), SecureBytes(5, 1)}) {
        Asked asked;
        Vault v = open_with(path, candidate, asked);
        BOOST_TEST(asked.credentials == 1);
        BOOST_TEST(!v.unlocked_from_cache());
        BOOST_TEST(str(v.get("s", "n")) == "value");
    }
}
