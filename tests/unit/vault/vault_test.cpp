// The vault engine's behaviour: round trips, metadata, unlocking, password
// change, rotation, key files, permissions and hostile parameters.
#define BOOST_TEST_MODULE vault
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include "unit/vault/vault_fixture.hpp"
#include "vault/settings.hpp"

using tresor::Error;
using tresor::ErrorCode;
using namespace tresor::test;
using namespace tresor::vault;

BOOST_FIXTURE_TEST_CASE(values_round_trip_through_reopening, VaultFixture) {
    const std::string binary("\0\x01\xff\0z", 5);
    const std::string big(1 << 20, 'x');
    {
        Vault v = create();
        v.set("svc", "binary", bytes(binary), {});
        v.set("svc", "empty", {}, {});
        v.set("svc", "big", bytes(big), {});
        v.set("sérvice ☃", "näme/with:odd=chars\x7f", bytes("unicode"), {});
    }
    Vault v = open();
    BOOST_TEST(str(v.get("svc", "binary")) == binary);
    BOOST_TEST(v.get("svc", "empty").has_value());
    BOOST_TEST(v.get("svc", "empty")->empty());
    BOOST_TEST(str(v.get("svc", "big")) == big);
    BOOST_TEST(str(v.get("sérvice ☃", "näme/with:odd=chars\x7f")) == "unicode");
    BOOST_TEST(!v.get("svc", "missing").has_value());
    BOOST_TEST(!v.get("sv", "cbinary").has_value());
}

BOOST_FIXTURE_TEST_CASE(length_prefixed_names_do_not_collide, VaultFixture) {
    Vault v = create();
    v.set("ab", "c", bytes("one"), {});
    v.set("a", "bc", bytes("two"), {});
    BOOST_TEST(str(v.get("ab", "c")) == "one");
    BOOST_TEST(str(v.get("a", "bc")) == "two");
}

// A credential's non-secret fields are kept with its metadata, and survive
// a rotation; a record without them reads back with none.
BOOST_FIXTURE_TEST_CASE(credential_attributes_round_trip, VaultFixture) {
    {
        Vault v = create();
        Metadata m;
        m.type = 3;  // basic_auth
        m.attributes = R"({"username":"alice"})";
        v.set("github", "ci", bytes("pw"), m);
        v.set("github", "plain", bytes("pw"), {});
        (void)v.rotate();
    }
    Vault v = open();
    BOOST_TEST(v.stat("github", "ci")->attributes == R"({"username":"alice"})");
    BOOST_TEST(v.stat("github", "plain")->attributes.empty());
    std::vector<std::string> listed;
    v.list(nullptr, [&](const Metadata& e) { listed.push_back(e.attributes); });
    BOOST_TEST(listed.size() == 2u);
    BOOST_TEST(v.verify().problems.empty());
}

BOOST_FIXTURE_TEST_CASE(metadata_and_listing_never_need_the_value, VaultFixture) {
    Vault v = create();
    Metadata m;
    m.type = 1;
    m.label = "CI";
    m.description = "release token";
    m.expires_at = 4102444800;
    v.set("github", "ci", bytes("v1"), m);
    v.set("github", "alice", bytes("pw"), {});
    v.set("gitlab", "bob", bytes("pw"), {});
    const auto first = v.stat("github", "ci");
    BOOST_REQUIRE(first.has_value());
    v.set("github", "ci", bytes("v2"), m);
    const auto meta = v.stat("github", "ci");
    BOOST_REQUIRE(meta.has_value());
    BOOST_TEST(meta->label == "CI");
    BOOST_TEST(meta->description == "release token");
    BOOST_TEST(meta->type == 1u);
    BOOST_TEST(meta->expires_at == 4102444800);
    BOOST_TEST(meta->created_at == first->created_at);
    BOOST_TEST(meta->updated_at >= first->updated_at);
    std::vector<std::string> names;
    const std::string github = "github";
    v.list(&github, [&](const Metadata& e) { names.push_back(e.name); });
    std::sort(names.begin(), names.end());
    BOOST_TEST(names == (std::vector<std::string>{"alice", "ci"}),
               boost::test_tools::per_element());
    int all = 0;
    v.list(nullptr, [&](const Metadata&) { ++all; });
    BOOST_TEST(all == 3);
}

BOOST_FIXTURE_TEST_CASE(remove_says_whether_it_removed, VaultFixture) {
    Vault v = create();
    v.set("s", "n", bytes("v"), {});
    BOOST_TEST(v.remove("s", "n"));
    BOOST_TEST(!v.remove("s", "n"));
    BOOST_TEST(!v.get("s", "n").has_value());
    BOOST_TEST(v.verify().problems.empty());
}

BOOST_FIXTURE_TEST_CASE(set_many_writes_a_batch_in_one_transaction, VaultFixture) {
    Vault v = create();
    v.set("s", "existing", bytes("old"), {});
    const auto created = v.stat("s", "existing")->created_at;
    Metadata labelled;
    labelled.label = "imported";
    const std::vector<Vault::NewEntry> batch{
        {"s", "a", bytes("1"), labelled},
        {"s", "existing", bytes("new"), {}},
        {"t", "b", bytes("2"), {}},
        {"s", "a", bytes("1 again"), labelled},  // the later one wins
    };
    const auto generation = v.info().generation;
    v.set_many(batch);
    BOOST_TEST(v.info().generation == generation + 1);  // one header write
    BOOST_TEST(v.info().record_count == 3u);
    BOOST_TEST(str(v.get("s", "a")) == "1 again");
    BOOST_TEST(v.stat("s", "a")->label == "imported");
    BOOST_TEST(str(v.get("s", "existing")) == "new");
    BOOST_TEST(v.stat("s", "existing")->created_at == created);
    BOOST_TEST(str(v.get("t", "b")) == "2");
    BOOST_TEST(v.verify().problems.empty());
}

BOOST_FIXTURE_TEST_CASE(expired_entries_read_as_missing, VaultFixture) {
    Vault v = create();
    Metadata m;
    m.expires_at = 1000;
    v.set("s", "old", bytes("stale"), m);
    BOOST_TEST(!v.get("s", "old").has_value());
    BOOST_TEST(!v.stat("s", "old").has_value());
}

BOOST_FIXTURE_TEST_CASE(wrong_password_is_one_clear_error, VaultFixture) {
    (void)create();
    BOOST_CHECK_EXCEPTION((void)open("wrong"), Error, [](const Error& e) {
        return e.code() == ErrorCode::auth_failed &&
               std::string(e.what()) == "wrong password or damaged vault";
    });
}

BOOST_FIXTURE_TEST_CASE(password_change_retires_the_old_password, VaultFixture) {
    {
        Vault v = create("old password");
        v.set("s", "n", bytes("kept"), {});
        v.change_password(password("new password"), kFastKdf);
    }
    BOOST_CHECK_EXCEPTION((void)open("old password"), Error, has_code(ErrorCode::auth_failed));
    Vault v = open("new password");
    BOOST_TEST(str(v.get("s", "n")) == "kept");
    BOOST_TEST(v.verify().problems.empty());
}

BOOST_FIXTURE_TEST_CASE(key_file_slot_unlocks_the_same_vault, VaultFixture) {
    const std::string keyfile(64, 'k');
    {
        Vault v = create();
        v.set("s", "n", bytes("via key file"), {});
        v.add_keyfile(bytes(keyfile));
    }
    Vault v =
        Vault::open(path, {Credential::Kind::keyfile, SecureBytes(keyfile.begin(), keyfile.end())});
    BOOST_TEST(str(v.get("s", "n")) == "via key file");
    const std::string other(64, 'o');
    BOOST_CHECK_EXCEPTION((void)Vault::open(path, {Credential::Kind::keyfile,
                                                   SecureBytes(other.begin(), other.end())}),
                          Error, has_code(ErrorCode::auth_failed));
    BOOST_TEST(open().info().slots.size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(rotation_reencrypts_everything_under_a_new_key, VaultFixture) {
    Vault v = create();
    for (int i = 0; i < 20; ++i) {
        v.set("s", "n" + std::to_string(i), bytes("value " + std::to_string(i)), {});
    }
    v.add_keyfile(bytes(std::string(32, 'k')));
    RawDb raw(path);
    const auto before = raw.blob("SELECT value FROM records ORDER BY record_id LIMIT 1");
    BOOST_TEST(v.rotate() == 1);  // the key-file slot could not be re-wrapped
    const auto after = raw.blob("SELECT value FROM records ORDER BY record_id LIMIT 1");
    BOOST_TEST(before != after);
    BOOST_TEST(str(v.get("s", "n7")) == "value 7");
    BOOST_TEST(v.verify().problems.empty());
    Vault reopened = open();
    BOOST_TEST(str(reopened.get("s", "n19")) == "value 19");
    BOOST_TEST(reopened.info().slots.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(files_are_private_and_a_readable_vault_is_refused, VaultFixture) {
    (void)create();
    struct stat st {};
    ::stat(path.c_str(), &st);
    BOOST_TEST((st.st_mode & 0777) == 0600u);
    ::stat(path.parent_path().c_str(), &st);
    BOOST_TEST((st.st_mode & 0777) == 0700u);
    ::chmod(path.c_str(), 0644);
    BOOST_CHECK_EXCEPTION((void)open(), Error, [&](const Error& e) {
        return e.code() == ErrorCode::permission_denied &&
               std::string(e.what()).find("chmod 600 " + path.string()) != std::string::npos;
    });
}

BOOST_FIXTURE_TEST_CASE(creating_over_an_existing_vault_fails, VaultFixture) {
    (void)create();
    BOOST_CHECK_THROW((void)create(), Error);
    BOOST_TEST(std::distance(std::filesystem::directory_iterator(path.parent_path()),
                             std::filesystem::directory_iterator()) == 1);
}

BOOST_FIXTURE_TEST_CASE(weak_kdf_parameters_are_refused_for_new_vaults, VaultFixture) {
    BOOST_CHECK_EXCEPTION((void)Vault::create(path, password("pw"), {8 * 1024, 1, 1}), Error,
                          has_code(ErrorCode::invalid_argument));
    BOOST_CHECK_EXCEPTION((void)Vault::create(path, password(""), kFastKdf), Error,
                          has_code(ErrorCode::invalid_argument));
}

BOOST_FIXTURE_TEST_CASE(a_file_that_is_not_a_vault_is_a_clear_error, VaultFixture) {
    std::filesystem::create_directories(path.parent_path());
    dir.write("data/vault.db", std::string(4096, 'j'));
    ::chmod(path.c_str(), 0600);
    BOOST_CHECK_EXCEPTION((void)open(), Error, has_code(ErrorCode::corrupt));
    dir.write("data/vault.db", "");  // truncated to nothing
    BOOST_CHECK_EXCEPTION((void)open(), Error, has_code(ErrorCode::corrupt));
}

BOOST_FIXTURE_TEST_CASE(info_reports_parameters_without_names, VaultFixture) {
    Vault v = create();
    v.set("secret-service-name", "n", bytes("v"), {});
    const Info info = v.info();
    BOOST_TEST(info.format_version == 1);
    BOOST_TEST(info.record_count == 1u);
    BOOST_REQUIRE_EQUAL(info.slots.size(), 1u);
    BOOST_TEST(info.slots[0].kdf.memory_kib == kFastKdf.memory_kib);
    BOOST_TEST(info.vault_id.size() == 32u);
}

BOOST_AUTO_TEST_CASE(kdf_reader_limits_come_from_the_backends_parameters) {
    const Settings defaults = settings_from_params({});
    BOOST_TEST(defaults.kdf_limits.max_memory_kib == 1024u * 1024);
    BOOST_TEST(defaults.kdf_limits.max_work_kib_passes == 3ull * 1024 * 1024);
    const Settings raised = settings_from_params({{"kdf.max_memory_mib", "2048"},
                                                  {"kdf.max_work", "4096"},
                                                  {"kdf.memory_mib", "2048"},
                                                  {"kdf.iterations", "2"}});
    BOOST_TEST(raised.kdf_limits.max_memory_kib == 2048u * 1024);
    BOOST_TEST(raised.kdf_limits.max_work_kib_passes == 4096ull * 1024);
    // A vault this reader would write but not open.
    BOOST_CHECK_EXCEPTION(
        (void)settings_from_params({{"kdf.memory_mib", "2048"}}), Error, [](const Error& e) {
            return e.code() == ErrorCode::invalid_argument &&
                   std::string(e.what()).find("kdf.max_memory_mib") != std::string::npos;
        });
    BOOST_TEST(defaults.kdf_limits.max_lanes == 16u);
    BOOST_CHECK_EXCEPTION(
        (void)settings_from_params({{"kdf.max_lanes", "2"}, {"kdf.parallelism", "4"}}), Error,
        [](const Error& e) {
            return e.code() == ErrorCode::invalid_argument &&
                   std::string(e.what()).find("kdf.max_lanes 2") != std::string::npos;
        });
}

// kdf.* left unset is chosen on the machine that writes the slot; what is set stays.
BOOST_AUTO_TEST_CASE(unset_kdf_parameters_are_left_to_calibration) {
    const Settings defaults = settings_from_params({});
    BOOST_TEST(defaults.kdf.memory_kib == 0u);
    BOOST_TEST(defaults.kdf.iterations == 0u);
    BOOST_TEST(defaults.kdf.parallelism == 0u);
    BOOST_TEST(defaults.kdf.unlock_target.count() == kDefaultUnlockTarget.count());
    const Settings set = settings_from_params({{"kdf.memory_mib", "19"},
                                               {"kdf.iterations", "2"},
                                               {"kdf.parallelism", "3"},
                                               {"kdf.unlock_ms", "800"},
                                               {"kdf.max_lanes", "8"}});
    const KdfPolicy kept = choose_kdf_policy(set.kdf, set.kdf_limits);
    BOOST_TEST(kept.memory_kib == 19u * 1024);
    BOOST_TEST(kept.iterations == 2u);
    BOOST_TEST(kept.parallelism == 3u);
    BOOST_TEST(set.kdf.unlock_target.count() == 800);
    BOOST_TEST(set.kdf_limits.max_lanes == 8u);
    BOOST_CHECK_THROW((void)settings_from_params({{"kdf.unlock_ms", "5"}}), Error);
}
