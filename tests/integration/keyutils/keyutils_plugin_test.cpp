// The keyutils module called straight through its C ABI table against the
// real kernel keyring, from a private session keyring that, like systemd's
// and container runtimes', does not link the user keyring
// (keyring_usable.hpp). Cases that need another user or a seccomp filter run
// in a forked child; they are skipped, with the reason, where that is not
// possible.
#define BOOST_TEST_MODULE keyutils_plugin
#include <boost/test/unit_test.hpp>

#include <grp.h>
#include <keyutils.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <sstream>

#include "integration/behaviour/plugin_client.hpp"
#include "integration/keyutils/keyring_usable.hpp"
#include "support/piped_child.hpp"

using namespace tresor::test;

namespace {

struct IsRoot {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        boost::test_tools::assertion_result root(::geteuid() == 0);
        root.message() << "becoming another user to meet its quota needs root";
        return root;
    }
};

std::string unique(const std::string& what) {
    return "tresor-abi-" + what + "-" + std::to_string(::getpid());
}

// The timeout column of /proc/keys for key id: "perm", or e.g. "23h", "6d".
std::string timeout_of(key_serial_t id) {
    char serial[16];
    std::snprintf(serial, sizeof(serial), "%08x", static_cast<unsigned>(id));
    std::ifstream keys("/proc/keys");
    for (std::string line; std::getline(keys, line);) {
        if (line.starts_with(serial)) {
            std::istringstream fields(line);
            std::string skip, timeout;
            fields >> skip >> skip >> skip >> timeout;
            return timeout;
        }
    }
    return "<no such key>";
}

// Runs body in a forked child and returns its outcome: for what must not
// happen to this process (a changed uid, a seccomp filter).
Outcome in_child(const std::function<Outcome()>& body) {
    PipedChild child([&](int out) {
        const Outcome o = body();
        const std::string text = std::to_string(o.status) + " " + o.message;
        (void)!::write(out, text.data(), text.size());
    });
    const std::string text = child.read_all();
    (void)child.reap();
    Outcome o;
    const auto space = text.find(' ');
    BOOST_REQUIRE_MESSAGE(space != std::string::npos, "the child reported nothing");
    o.status = static_cast<tresor_status>(std::stoi(text.substr(0, space)));
    o.message = text.substr(space + 1);
    return o;
}

// What Docker's default seccomp profile does to the keyring system calls.
void forbid_keyctl() {
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_keyctl, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_add_key, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_request_key, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog program{static_cast<unsigned short>(std::size(filter)), filter};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
        ::_exit(2);
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kernel_keyring, *boost::unit_test::precondition(KeyringUsable()))

// The default keyring, from a session keyring that does not link it.
BOOST_AUTO_TEST_CASE(the_user_keyring_works_from_a_private_session_keyring) {
    const std::string service = unique("user");
    PluginClient writer("keyutils");
    PluginClient reader("keyutils");
    BOOST_REQUIRE(writer.probe().status == TRESOR_OK);
    BOOST_REQUIRE(writer.open().status == TRESOR_OK);
    BOOST_REQUIRE(reader.open({{"keyring", "user"}}).status == TRESOR_OK);
    BOOST_TEST(writer.set(service, "n", "in the user keyring").status == TRESOR_OK);
    Outcome got;
    BOOST_TEST(reader.get(service, "n", &got).value_or("<none>") == "in the user keyring",
               got.message);
    BOOST_TEST(reader.sink_calls() == 1);
    BOOST_TEST(reader.list(service).size() == 1u);
    BOOST_TEST(reader.remove(service, "n"));
    BOOST_TEST(!writer.get(service, "n").has_value());
}

BOOST_AUTO_TEST_CASE(descriptions_follow_the_documented_escaping) {
    PluginClient plugin("keyutils");
    BOOST_REQUIRE(plugin.open({{"keyring", "session"}}).status == TRESOR_OK);
    BOOST_REQUIRE(plugin.set("svc:a", "n%1 x", "v").status == TRESOR_OK);
    BOOST_TEST(keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", "tresor:svc%3Aa:n%251%20x", 0) > 0);
    const auto listed = plugin.list("svc:a");
    BOOST_REQUIRE_EQUAL(listed.size(), 1u);
    BOOST_TEST(listed[0].name == "n%1 x");
    BOOST_TEST(plugin.remove("svc:a", "n%1 x"));
}

BOOST_AUTO_TEST_CASE(expires_at_is_the_key_timeout_and_a_later_set_clears_it) {
    PluginClient plugin("keyutils");
    BOOST_REQUIRE(plugin.open({{"keyring", "session"}}).status == TRESOR_OK);
    tresor_entry meta{};
    meta.expires_at = static_cast<std::int64_t>(std::time(nullptr)) + 2 * 86400;
    BOOST_REQUIRE(plugin.set("expiry", "n", "v", meta).status == TRESOR_OK);
    const key_serial_t id = static_cast<key_serial_t>(
        keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", "tresor:expiry:n", 0));
    BOOST_TEST(timeout_of(id) != "perm");
    BOOST_TEST(plugin.stat("expiry", "n").value().expires_at == meta.expires_at);
    BOOST_REQUIRE(plugin.set("expiry", "n", "v2").status == TRESOR_OK);
    BOOST_TEST(timeout_of(id) == "perm");
    BOOST_TEST(plugin.remove("expiry", "n"));
}

// 40 bytes of header with no label or description (key_codec.hpp).
BOOST_AUTO_TEST_CASE(the_kernel_size_limit_is_a_clear_error) {
    PluginClient plugin("keyutils");
    BOOST_REQUIRE(plugin.open({{"keyring", "session"}}).status == TRESOR_OK);
    BOOST_TEST(plugin.set("size", "fits", std::string(32727, 'x')).status == TRESOR_OK);
    BOOST_TEST(plugin.get("size", "fits").value_or("").size() == 32727u);
    const Outcome big = plugin.set("size", "too-big", std::string(32728, 'x'));
    check_outcome(big, TRESOR_INVALID_ARGUMENT, "at most 32727 bytes");
    BOOST_TEST(plugin.remove("size", "fits"));
}

// A key another program named like ours: get says corrupt, list skips it.
BOOST_AUTO_TEST_CASE(a_foreign_key_is_corrupt_for_get_and_skipped_by_list) {
    const std::string service = unique("foreign");
    const std::string description = "tresor:" + service + ":n";
    BOOST_REQUIRE(add_key("user", description.c_str(), "plain", 5, KEY_SPEC_SESSION_KEYRING) > 0);
    PluginClient plugin("keyutils");
    BOOST_REQUIRE(plugin.open({{"keyring", "session"}}).status == TRESOR_OK);
    Outcome got;
    BOOST_TEST(!plugin.get(service, "n", &got).has_value());
    check_outcome(got, TRESOR_CORRUPT, "was not written by tresor");
    Outcome listed;
    BOOST_TEST(plugin.list(service, &listed).empty());
    BOOST_TEST(listed.status == TRESOR_OK);
    BOOST_TEST(plugin.remove(service, "n"));
}

BOOST_AUTO_TEST_CASE(the_persistent_keyring_round_trips) {
    const std::string service = unique("persistent");
    PluginClient plugin("keyutils");
    const Outcome probe = plugin.probe({{"keyring", "persistent"}});
    BOOST_REQUIRE_MESSAGE(probe.status == TRESOR_OK, probe.message);
    BOOST_REQUIRE(plugin.open({{"keyring", "persistent"}}).status == TRESOR_OK);
    BOOST_TEST(plugin.set(service, "n", "kept for days").status == TRESOR_OK);
    BOOST_TEST(plugin.get(service, "n").value_or("<none>") == "kept for days");
    BOOST_TEST(plugin.remove(service, "n"));
}

BOOST_AUTO_TEST_CASE(bad_parameters_are_named) {
    PluginClient plugin("keyutils");
    const Outcome bogus = plugin.probe({{"keyring", "bogus"}});
    check_outcome(bogus, TRESOR_INVALID_ARGUMENT, "user, session or persistent, not 'bogus'");
    const Outcome unknown = plugin.probe({{"keyrnig", "user"}});
    check_outcome(unknown, TRESOR_INVALID_ARGUMENT, "unknown parameter 'keyrnig'");
}

// A non-root user may hold 20000 bytes of keys by default
// (/proc/sys/kernel/keys/maxbytes): a bigger value meets EDQUOT.
BOOST_AUTO_TEST_CASE(the_users_quota_is_a_clear_error, *boost::unit_test::precondition(IsRoot())) {
    PluginClient plugin("keyutils");
    const Outcome o = in_child([&] {
        const gid_t nobody = 65534;
        if (::setgroups(0, nullptr) != 0 || ::setgid(nobody) != 0 || ::setuid(nobody) != 0 ||
            keyctl_join_session_keyring(nullptr) < 0) {
            return Outcome{TRESOR_INTERNAL,
                           std::string("becoming nobody: ") + std::strerror(errno)};
        }
        if (const Outcome opened = plugin.open({{"keyring", "session"}});
            opened.status != TRESOR_OK) {
            return opened;
        }
        return plugin.set("quota", "n", std::string(25000, 'x'));
    });
    check_outcome(o, TRESOR_IO, "kernel keyring quota exceeded");
}

BOOST_AUTO_TEST_SUITE_END()

// A sandbox that forbids keyctl makes the backend unavailable (the chain
// moves on), not an error that stops the chain.
BOOST_AUTO_TEST_CASE(a_sandbox_forbidding_keyctl_makes_it_unavailable) {
    const PluginClient plugin("keyutils");
    const Outcome o = in_child([&] {
        forbid_keyctl();
        return plugin.probe();
    });
    check_outcome(o, TRESOR_UNAVAILABLE, "Operation not permitted");
}
