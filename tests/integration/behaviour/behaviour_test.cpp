// The same behaviour, one test body, for every backend: memory, vault,
// secret-service (real gnome-keyring) and keyutils (real kernel keyring).
// Each body is a function in namespace behaviour, run as a data test case
// over the backends of two suites: the kernel keyring's is skipped, with the
// reason, where a sandbox forbids keyctl, without costing the others.
#define BOOST_TEST_MODULE backend_behaviour
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <thread>

#include <unistd.h>

#include "integration/keyutils/keyring_usable.hpp"
#include "support/test_support.hpp"
#include "tresor/store.hpp"

using tresor::Secret;
using tresor::SecretType;
using tresor::SetOptions;
using tresor::Store;
using tresor::test::TempDir;

namespace {

// A store served by exactly one backend, and a service name no other run uses.
struct Backend {
    TempDir dir;
    Store store;
    std::string service;

    explicit Backend(const std::string& plugin)
        : store(Store::from_toml(config(plugin, dir))),
          service("tresor-behaviour-" + std::to_string(::getpid()) + "-" + plugin) {}

    static std::string config(const std::string& plugin, const TempDir& dir) {
        ::setenv("TRESOR_VAULT_PASSWORD", "behaviour password", 1);
        std::string toml = "[backend.only]\nplugin = \"" + plugin + "\"\n";
        if (plugin == "vault") {
            toml += "path = \"" + (dir / "vault.db").string() +
                    "\"\nkdf = { memory_mib = 19, iterations = 2 }\n";
        } else if (plugin == "keyutils") {
            toml += "keyring = \"session\"\n";
        }
        return toml;
    }

    ~Backend() {
        for (const auto& entry : store.list(service)) {
            (void)store.remove({service, entry.name});
        }
    }
};

std::string text(const std::optional<Secret>& s) {
    return s ? std::string(s->view()) : "<none>";
}

}  // namespace

namespace behaviour {

void text_values_round_trip_and_replace(const std::string& plugin) {
    Backend b(plugin);
    b.store.set({b.service, "alice"}, Secret("first"));
    BOOST_TEST(text(b.store.get({b.service, "alice"})) == "first");
    b.store.set({b.service, "alice"}, Secret("second"));
    BOOST_TEST(text(b.store.get({b.service, "alice"})) == "second");
    BOOST_TEST(b.store.list(b.service).size() == 1u);
}

void binary_and_empty_values_round_trip(const std::string& plugin) {
    Backend b(plugin);
    const std::string binary("\0\x01\xfe\xff\0", 5);
    b.store.set({b.service, "binary"}, Secret(binary));
    b.store.set({b.service, "empty"}, Secret(""));
    BOOST_TEST(text(b.store.get({b.service, "binary"})) == binary);
    const auto empty = b.store.get({b.service, "empty"});
    BOOST_REQUIRE(empty.has_value());
    BOOST_TEST(empty->empty());
}

void unicode_and_odd_names_round_trip(const std::string& plugin) {
    Backend b(plugin);
    const std::string name = "näme ☃/with:odd=chars%";
    b.store.set({b.service, name}, Secret("unicode"));
    BOOST_TEST(text(b.store.get({b.service, name})) == "unicode");
    BOOST_REQUIRE_EQUAL(b.store.list(b.service).size(), 1u);
    BOOST_TEST(b.store.list(b.service)[0].name == name);
}

void metadata_round_trips_and_listing_has_no_values(const std::string& plugin) {
    Backend b(plugin);
    SetOptions options;
    options.type = SecretType::bearer_token;
    options.label = "the label";
    options.description = "what it is for";
    options.expires_at = tresor::Timestamp(std::chrono::seconds(4102444800));
    b.store.set({b.service, "meta"}, Secret("value"), options);
    const auto entries = b.store.list(b.service);
    BOOST_REQUIRE_EQUAL(entries.size(), 1u);
    const auto& e = entries[0];
    BOOST_TEST(e.name == "meta");
    BOOST_TEST((e.type == SecretType::bearer_token));
    BOOST_TEST(e.label == "the label");
    BOOST_TEST(e.description == "what it is for");
    BOOST_TEST((e.expires_at == options.expires_at));
    BOOST_TEST(e.created_at.has_value());
    BOOST_TEST(e.backend == "only");
    const auto one = b.store.entry({b.service, "meta"});
    BOOST_REQUIRE(one.has_value());
    BOOST_TEST(one->label == "the label");
}

void remove_says_whether_and_missing_is_empty(const std::string& plugin) {
    Backend b(plugin);
    BOOST_TEST(!b.store.get({b.service, "nobody"}).has_value());
    BOOST_TEST(!b.store.remove({b.service, "nobody"}));
    b.store.set({b.service, "k"}, Secret("v"));
    BOOST_TEST(b.store.remove({b.service, "k"}));
    BOOST_TEST(!b.store.remove({b.service, "k"}));
    BOOST_TEST(!b.store.get({b.service, "k"}).has_value());
}

void expired_secrets_read_as_missing(const std::string& plugin) {
    Backend b(plugin);
    SetOptions options;
    // Whole seconds: the kernel keyring's timeouts and the vault's times are.
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    options.expires_at = now + std::chrono::seconds(2);
    b.store.set({b.service, "old"}, Secret("stale"), options);
    BOOST_TEST(b.store.get({b.service, "old"}).has_value());
    std::this_thread::sleep_until(*options.expires_at + std::chrono::milliseconds(100));
    BOOST_TEST(!b.store.get({b.service, "old"}).has_value());
}

}  // namespace behaviour

#define TRESOR_BEHAVIOURS(X)                          \
    X(text_values_round_trip_and_replace)             \
    X(binary_and_empty_values_round_trip)             \
    X(unicode_and_odd_names_round_trip)               \
    X(metadata_round_trips_and_listing_has_no_values) \
    X(remove_says_whether_and_missing_is_empty)       \
    X(expired_secrets_read_as_missing)

#define TRESOR_BEHAVIOUR_CASE(name)                                               \
    BOOST_DATA_TEST_CASE(name, boost::unit_test::data::make(kBackends), plugin) { \
        behaviour::name(plugin);                                                  \
    }

BOOST_AUTO_TEST_SUITE(user_space)
const char* const kBackends[] = {"memory", "vault", "secret-service"};
TRESOR_BEHAVIOURS(TRESOR_BEHAVIOUR_CASE)
BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(kernel_keyring,
                      *boost::unit_test::precondition(tresor::test::KeyringUsable()))
const char* const kBackends[] = {"keyutils"};
TRESOR_BEHAVIOURS(TRESOR_BEHAVIOUR_CASE)
BOOST_AUTO_TEST_SUITE_END()
