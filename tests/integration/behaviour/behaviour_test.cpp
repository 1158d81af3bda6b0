// The same behaviour (behaviour_cases.hpp) for every Linux backend: memory,
// vault, secret-service (real gnome-keyring) and keyutils (real kernel
// keyring), and the basic ones for docs/PLUGINS.md's example plugin (no
// metadata), run as data test cases over the backends of suites: the
// kernel keyring's is skipped, with the reason, where a sandbox forbids
// keyctl, without costing the others.
#define BOOST_TEST_MODULE backend_behaviour
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include "integration/behaviour/behaviour_cases.hpp"
#include "integration/keyutils/keyring_usable.hpp"
#include "support/test_support.hpp"

using tresor::test::TempDir;

namespace {

std::string config(const std::string& plugin, const TempDir& dir) {
    ::setenv("TRESOR_VAULT_PASSWORD", "behaviour password", 1);
    std::string toml = "[backend.only]\nplugin = \"" + plugin + "\"\n";
    if (plugin == "example") {  // a plugin for the tests only, in their folder
        toml = "plugin_path = \"" TRESOR_TEST_BINARY_DIR "/test-plugins\"\n" + toml;
    }
    if (plugin == "vault") {
        toml += "path = \"" + (dir / "vault.db").string() +
                "\"\nkdf = { memory_mib = 19, iterations = 2 }\n";
    } else if (plugin == "keyutils") {
        toml += "keyring = \"session\"\n";
    }
    return toml;
}

std::shared_ptr<TempDir> make_dir() {
    return std::make_shared<TempDir>();
}

}  // namespace

Backend::Backend(const std::string& plugin)
    : keep(make_dir()),
      store(Store::from_toml(config(plugin, *std::static_pointer_cast<TempDir>(keep)))),
      service("tresor-behaviour-" + std::to_string(::getpid()) + "-" + plugin) {}

BOOST_AUTO_TEST_SUITE(user_space)
const char* const kBackends[] = {"memory", "vault", "secret-service"};
TRESOR_BEHAVIOURS(TRESOR_BEHAVIOUR_CASE)
BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(plugin_kit_example)
const char* const kBackends[] = {"example"};
TRESOR_BASIC_BEHAVIOURS(TRESOR_BEHAVIOUR_CASE)
BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(kernel_keyring,
                      *boost::unit_test::precondition(tresor::test::KeyringUsable()))
const char* const kBackends[] = {"keyutils"};
TRESOR_BEHAVIOURS(TRESOR_BEHAVIOUR_CASE)
BOOST_AUTO_TEST_SUITE_END()
