// The vault's unlock cache with the real kernel keyring: separate tresor
// processes unlock, read with no password source, lock; a cache expires; a
// rotation in another session makes a cached key stale; another user cannot
// read it; where seccomp forbids the keyring, tresor unlocks without it and
// says why. Each test program runs in a session keyring of its own
// (keyring_usable.hpp), skipped with the kernel's reason where keyctl is
// forbidden.
#define BOOST_TEST_MODULE vault_unlock_cache
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>

#include "integration/keyutils/keyring_usable.hpp"
#include "support/other_user.hpp"
#include "support/run_process.hpp"
#include "support/test_support.hpp"

using namespace tresor::test;

namespace {

const std::map<std::string, std::optional<std::string>> kPassword = {
    {"TRESOR_VAULT_PASSWORD", "correct horse"}};
const std::map<std::string, std::optional<std::string>> kNoPassword = {
    {"TRESOR_VAULT_PASSWORD", std::nullopt}};

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A vault with one secret, at the weakest KDF the format writes.
struct CachedVault {
    TempDir dir;
    std::filesystem::path config;

    explicit CachedVault(const std::string& extra = "") {
        config = dir.write("config.toml", "[backend.v]\nplugin = \"vault\"\npath = \"" +
                                              (dir.path() / "v" / "vault.db").string() +
                                              "\"\nkdf.memory_mib = \"19\"\nkdf.iterations = "
                                              "\"2\"\n" +
                                              extra);
        BOOST_REQUIRE(tresor({"vault", "init"}, kPassword).exit_status == 0);
        BOOST_REQUIRE(tresor({"set", "svc", "name"}, kPassword, "the value\n").exit_status == 0);
    }

    ProcessResult tresor(std::vector<std::string> args,
                         const std::map<std::string, std::optional<std::string>>& env,
                         const std::string& input = "",
                         std::vector<std::string> prefix = {}) const {
        args.insert(args.begin(), {TRESOR_CLI, "--config", config.string()});
        prefix.insert(prefix.end(), args.begin(), args.end());
        return run_process(prefix, input, env);
    }

    // A get with no password source: served by the cache, or refused.
    ProcessResult get_without_password() const {
        return tresor({"get", "svc", "name"}, kNoPassword);
    }

    std::string vault_id() const {
        const std::string info = tresor({"vault", "info"}, kPassword).out;
        const auto at = info.find("vault id: ");
        BOOST_REQUIRE(at != std::string::npos);
        return info.substr(at + 10, 32);
    }
};

void require_locked(const ProcessResult& get) {
    BOOST_TEST(get.exit_status == 3, get.err);
    BOOST_TEST(contains(get.err, "vault locked"), get.err);
}

ProcessResult keyctl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/keyctl"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, "");
}

std::string trimmed(std::string text) {
    while (!text.empty() && text.back() == '\n') {
        text.pop_back();
    }
    return text;
}

struct CacheIds {
    std::string ring, key;  // keyctl's ids of the cache keyring and the vault's key
};

// `tresor vault unlock`, then where the key it cached sits in this session.
CacheIds unlocked_key_ids(const CachedVault& v) {
    BOOST_TEST(v.tresor({"vault", "unlock"}, kPassword).exit_status == 0);
    CacheIds ids;
    ids.ring = trimmed(keyctl({"search", "@s", "keyring", "tresor:unlock-cache"}).out);
    ids.key = trimmed(keyctl({"search", ids.ring, "user", "tresor:vault:" + v.vault_id()}).out);
    BOOST_REQUIRE(!ids.key.empty());
    return ids;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(unlock_cache, *boost::unit_test::precondition(KeyringUsable()))

BOOST_AUTO_TEST_CASE(unlock_then_get_without_a_password_then_lock) {
    const CachedVault v;
    require_locked(v.get_without_password());
    const ProcessResult unlock = v.tresor({"vault", "unlock", "--for", "10m"}, kPassword);
    BOOST_TEST(unlock.exit_status == 0, unlock.err);
    const ProcessResult get = v.get_without_password();
    BOOST_TEST(get.exit_status == 0, get.err);
    BOOST_TEST(get.out == "the value\n");
    BOOST_TEST(get.err.empty(), get.err);
    BOOST_TEST(v.tresor({"vault", "lock"}, kNoPassword).out.starts_with("locked "));
    require_locked(v.get_without_password());
}

BOOST_AUTO_TEST_CASE(a_one_second_cache_expires) {
    const CachedVault v;
    BOOST_TEST(v.tresor({"vault", "unlock", "--for", "1s"}, kPassword).exit_status == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    require_locked(v.get_without_password());
}

BOOST_AUTO_TEST_CASE(the_config_s_cache_keeps_the_key_after_a_password_unlock) {
    const CachedVault v("cache = \"10m\"\n");
    // The set that made the vault cached its key already.
    BOOST_TEST(v.get_without_password().out == "the value\n");
    BOOST_TEST(v.tresor({"vault", "lock"}, kNoPassword).exit_status == 0);
    require_locked(v.get_without_password());
    BOOST_TEST(v.tresor({"get", "svc", "name"}, kPassword).out == "the value\n");
    BOOST_TEST(v.get_without_password().out == "the value\n");
}

BOOST_AUTO_TEST_CASE(a_rotation_in_another_session_makes_the_cached_key_stale) {
    const CachedVault v;
    BOOST_TEST(v.tresor({"vault", "unlock"}, kPassword).exit_status == 0);
    BOOST_TEST(v.get_without_password().exit_status == 0);
    // `keyctl session -`: a session keyring of its own, so the rotation
    // cannot drop this session's cached key.
    const ProcessResult rotate =
        v.tresor({"vault", "rotate"}, kPassword, "", {"/usr/bin/keyctl", "session", "-"});
    BOOST_TEST(rotate.exit_status == 0, rotate.err);
    // The stale key is ignored: the configured unlock is used, and here finds nothing...
    require_locked(v.get_without_password());
    // ...or the password, which still works.
    BOOST_TEST(v.tresor({"get", "svc", "name"}, kPassword).out == "the value\n");
}

BOOST_AUTO_TEST_CASE(passwd_rotate_and_remove_slot_drop_the_cache) {
    const CachedVault v;
    auto unlock_then = [&v](const std::vector<std::string>& command) {
        BOOST_TEST(v.tresor({"vault", "unlock"}, kPassword).exit_status == 0);
        BOOST_TEST(v.get_without_password().exit_status == 0);
        const ProcessResult changed = v.tresor(command, kPassword);
        BOOST_TEST(changed.exit_status == 0, changed.err);
        require_locked(v.get_without_password());
    };
    unlock_then({"vault", "passwd", "--new-password-from", "env:TRESOR_VAULT_PASSWORD"});
    unlock_then({"vault", "rotate"});
    const ProcessResult added = v.tresor(
        {"vault", "add-keyfile", "--generate", (v.dir.path() / "key").string()}, kPassword);
    BOOST_REQUIRE(added.exit_status == 0);
    const std::string slots = v.tresor({"vault", "slots"}, kPassword).out;
    const auto at = slots.find(": keyfile");
    BOOST_REQUIRE(at != std::string::npos);
    const std::string id =
        slots.substr(slots.rfind("slot ", at) + 5, at - slots.rfind("slot ", at) - 5);
    unlock_then({"vault", "remove-slot", id});
}

BOOST_AUTO_TEST_CASE(another_user_cannot_read_the_cached_key,
                     *boost::unit_test::precondition(tresor::test::CanActAsOtherUser())) {
    const CachedVault v;
    const auto [ring, key] = unlocked_key_ids(v);
    // This user, in this session, reads it...
    BOOST_TEST(keyctl({"pipe", key}).out.size() == 32u);
    // ...uid 65534 does not, though it inherited this very session keyring
    // (a daemon that dropped privileges), neither by id nor by searching...
    const ProcessResult other = tresor::test::run_as_other_user(
        "/", "keyctl pipe " + key + "; echo; keyctl search @s user tresor:vault:" + v.vault_id() +
                 "; keyctl search " + ring + " user tresor:vault:" + v.vault_id());
    BOOST_TEST(contains(other.err, "keyctl_read_alloc: Permission denied"), other.err);
    BOOST_TEST(contains(other.err, "keyctl_search: Required key not available"), other.err);
    BOOST_TEST(contains(other.err, "keyctl_search: Permission denied"), other.err);
    BOOST_TEST(trimmed(other.out).empty(), other.out);
    // ...and this user in another session does not either.
    const ProcessResult other_session = keyctl({"session", "-", "keyctl", "pipe", key});
    BOOST_TEST(contains(other_session.err, "Permission denied"), other_session.err);
}

// Issue 20: the same user in another session found the keyring's id in
// /proc/keys, linked it into its own session keyring (the keyring let its
// owner link it) and then possessed it and read the key. Now the keyring
// grants its owner no link and no setattr (to give itself link back).
BOOST_AUTO_TEST_CASE(the_same_user_in_another_session_cannot_link_the_cache_to_read_it) {
    const CachedVault v;
    const auto [ring, key] = unlocked_key_ids(v);
    const ProcessResult other_session = run_process(
        {"/usr/bin/keyctl", "session", "-", "/bin/sh", "-c",
         "keyctl link " + ring + " @s; keyctl setperm " + ring + " 0x3f3f0000; keyctl pipe " + key},
        "");
    BOOST_TEST(contains(other_session.err, "keyctl_link: Permission denied"), other_session.err);
    BOOST_TEST(contains(other_session.err, "keyctl_setperm: Permission denied"), other_session.err);
    BOOST_TEST(contains(other_session.err, "keyctl_read_alloc: Permission denied"),
               other_session.err);
    BOOST_TEST(other_session.out.size() < 32u, other_session.out);
    // This session still reads it, through tresor as through keyctl.
    BOOST_TEST(keyctl({"pipe", key}).out.size() == 32u);
    BOOST_TEST(v.get_without_password().exit_status == 0);
}

// A keyring left by an earlier tresor (its owner could do everything) is
// narrowed to view, write and search at the next use.
BOOST_AUTO_TEST_CASE(a_keyring_of_an_earlier_tresor_is_narrowed) {
    const CachedVault v;
    const std::string ring = trimmed(keyctl({"newring", "tresor:unlock-cache", "@s"}).out);
    BOOST_REQUIRE(keyctl({"setperm", ring, "0x003f0000"}).exit_status == 0);
    BOOST_TEST(v.tresor({"vault", "unlock"}, kPassword).exit_status == 0);
    const std::string description = trimmed(keyctl({"rdescribe", ring}).out);
    BOOST_TEST(contains(description, ";000d0000;tresor:unlock-cache"), description);
    BOOST_TEST(v.get_without_password().exit_status == 0);
    BOOST_TEST(v.tresor({"vault", "lock"}, kNoPassword).exit_status == 0);
}

BOOST_AUTO_TEST_CASE(keyctl_forbidden_unlocks_without_a_cache_and_says_why) {
    const CachedVault v("cache = \"10m\"\n");
    BOOST_TEST(v.tresor({"vault", "lock"}, kNoPassword).exit_status == 0);
    const std::vector<std::string> jail{TRESOR_WITHOUT_KEYRING};
    // The launcher does forbid the keyring.
    BOOST_TEST(
        run_process({TRESOR_WITHOUT_KEYRING, "/usr/bin/keyctl", "show", "@s"}, "").exit_status !=
        0);
    const ProcessResult get = v.tresor({"get", "svc", "name"}, kPassword, "", jail);
    BOOST_TEST(get.exit_status == 0, get.err);
    BOOST_TEST(get.out == "the value\n");
    BOOST_TEST(contains(get.err, "tresor: no unlock cache (the kernel keyring refused"), get.err);
    BOOST_TEST(contains(get.err, "Operation not permitted"), get.err);
    // Once, though both the lookup and the keep were refused.
    BOOST_TEST(get.err.find("no unlock cache") == get.err.rfind("no unlock cache"), get.err);
    const ProcessResult unlock = v.tresor({"vault", "unlock"}, kPassword, "", jail);
    BOOST_TEST(unlock.exit_status == 3, unlock.err);
    BOOST_TEST(contains(unlock.err, "the kernel keyring refused"), unlock.err);
    // Nothing was cached outside the jail either.
    require_locked(v.get_without_password());
}

BOOST_AUTO_TEST_SUITE_END()
