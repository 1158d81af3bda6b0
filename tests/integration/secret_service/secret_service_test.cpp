// The chain [secret-service, vault] against a real gnome-keyring (started by
// with_keyring.sh), the same chain with no session bus at all, and with a
// bus that can start gnome-keyring but no keyring anyone unlocked.
#define BOOST_TEST_MODULE secret_service
#include <boost/test/unit_test.hpp>

#include <gio/gio.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "integration/secret_service/own_bus_connection.hpp"
#include "support/run_process.hpp"
#include "support/test_support.hpp"

using namespace tresor::test;

namespace {

using Env = std::map<std::string, std::optional<std::string>>;

struct Chain {
    TempDir dir;
    std::filesystem::path config = dir.write(
        "config.toml",
        "chain = [\"keyring\", \"file\"]\n"
        "[backend.keyring]\nplugin = \"secret-service\"\ntimeout_ms = 3000\n"
        "[backend.file]\nplugin = \"vault\"\npath = \"" +
            (dir / "vault.db").string() + "\"\nkdf = { memory_mib = 19, iterations = 2 }\n");

    ProcessResult tresor(std::vector<std::string> args, const std::string& input = "",
                         Env env = {}) const {
        args.insert(args.begin(), {TRESOR_CLI, "--config", config.string()});
        env.emplace("TRESOR_VAULT_PASSWORD", "vault password");
        return run_process(args, input, env);
    }
};

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Counts the connections made to the session bus while it lives: the bus
// daemon announces each new unique name with NameOwnerChanged. Watched on a
// connection of its own, by a filter (run on GDBus's thread: no main loop).
class NewBusConnections {
  public:
    NewBusConnections() {
        bus_ = own_session_bus_connection();
        g_dbus_connection_add_filter(bus_, &count, this, nullptr);
        ask_bus("AddMatch", g_variant_new("(s)",
                                          "type='signal',sender='org.freedesktop.DBus',"
                                          "member='NameOwnerChanged'"));
    }
    ~NewBusConnections() {
        g_dbus_connection_close_sync(bus_, nullptr, nullptr);
        g_object_unref(bus_);
    }
    NewBusConnections(const NewBusConnections&) = delete;
    NewBusConnections& operator=(const NewBusConnections&) = delete;

    // The daemon answers in order: once this reply is in, every signal sent
    // before it has passed the filter.
    int made() {
        ask_bus("GetId", nullptr);
        return made_;
    }

  private:
    void ask_bus(const char* method, GVariant* arguments) {
        GError* error = nullptr;
        GVariant* reply = g_dbus_connection_call_sync(
            bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", method,
            arguments, nullptr, G_DBUS_CALL_FLAGS_NONE, 5000, nullptr, &error);
        BOOST_REQUIRE_MESSAGE(reply != nullptr, (error ? error->message : method));
        g_variant_unref(reply);
    }
    static GDBusMessage* count(GDBusConnection*, GDBusMessage* message, gboolean incoming,
                               gpointer self) {
        const char* member = g_dbus_message_get_member(message);
        GVariant* body = g_dbus_message_get_body(message);
        if (incoming && member != nullptr && std::strcmp(member, "NameOwnerChanged") == 0 &&
            body != nullptr && g_variant_is_of_type(body, G_VARIANT_TYPE("(sss)"))) {
            const char *name = nullptr, *old_owner = nullptr, *new_owner = nullptr;
            g_variant_get(body, "(&s&s&s)", &name, &old_owner, &new_owner);
            if (name[0] == ':' && *old_owner == '\0' && *new_owner != '\0') {
                ++static_cast<NewBusConnections*>(self)->made_;
            }
        }
        return message;
    }

    GDBusConnection* bus_;
    std::atomic<int> made_{0};
};

// The Secret Service methods called while it lives, by member name
// (Properties calls as "Get"/"GetAll"), seen by a monitor of the session bus
// (org.freedesktop.DBus.Monitoring; the bus's own uid may monitor it).
class SecretServiceCalls {
  public:
    SecretServiceCalls() {
        monitor_ = own_session_bus_connection();
        g_dbus_connection_add_filter(monitor_, &seen, this, nullptr);
        const gchar* rules[] = {"type='method_call'", nullptr};
        GError* error = nullptr;
        GVariant* reply = g_dbus_connection_call_sync(
            monitor_, "org.freedesktop.DBus", "/org/freedesktop/DBus",
            "org.freedesktop.DBus.Monitoring", "BecomeMonitor", g_variant_new("(^asu)", rules, 0U),
            nullptr, G_DBUS_CALL_FLAGS_NONE, 5000, nullptr, &error);
        BOOST_REQUIRE_MESSAGE(reply != nullptr, (error ? error->message : "BecomeMonitor"));
        g_variant_unref(reply);
    }
    ~SecretServiceCalls() {
        g_dbus_connection_close_sync(monitor_, nullptr, nullptr);
        g_object_unref(monitor_);
    }
    SecretServiceCalls(const SecretServiceCalls&) = delete;
    SecretServiceCalls& operator=(const SecretServiceCalls&) = delete;

    // How often each method was called so far. The bus copies calls to its
    // monitors in the order it routes them: once a marker call sent now is
    // seen, every call routed before it has been counted.
    std::map<std::string, int> so_far() {
        GDBusConnection* bus = own_session_bus_connection();
        GError* error = nullptr;
        GVariant* reply = g_dbus_connection_call_sync(
            bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
            "NameHasOwner", g_variant_new("(s)", kMarker), nullptr, G_DBUS_CALL_FLAGS_NONE, 5000,
            nullptr, &error);
        BOOST_REQUIRE_MESSAGE(reply != nullptr, (error ? error->message : "NameHasOwner"));
        g_variant_unref(reply);
        g_dbus_connection_close_sync(bus, nullptr, nullptr);
        g_object_unref(bus);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!marked_ && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        BOOST_REQUIRE(marked_);
        marked_ = false;
        std::lock_guard lock(mutex_);
        return std::exchange(calls_, {});
    }

  private:
    static constexpr const char* kMarker = "org.tresor.Test.CallsMarker";

    // On GDBus's thread: no main loop needed. Every call copied to the
    // monitor is dropped here, or GDBus would answer it (UnknownMethod), and
    // a monitor that sends anything is disconnected by the bus.
    static GDBusMessage* seen(GDBusConnection*, GDBusMessage* message, gboolean incoming,
                              gpointer self) {
        if (!incoming ||
            g_dbus_message_get_message_type(message) != G_DBUS_MESSAGE_TYPE_METHOD_CALL) {
            return message;
        }
        auto* calls = static_cast<SecretServiceCalls*>(self);
        const char* member = g_dbus_message_get_member(message);
        const char* path = g_dbus_message_get_path(message);
        GVariant* body = g_dbus_message_get_body(message);
        if (member != nullptr && std::strcmp(member, "NameHasOwner") == 0 && body != nullptr &&
            g_variant_is_of_type(body, G_VARIANT_TYPE("(s)"))) {
            const char* name = nullptr;
            g_variant_get(body, "(&s)", &name);
            calls->marked_ = calls->marked_ || std::strcmp(name, kMarker) == 0;
        } else if (member != nullptr && path != nullptr &&
                   std::strncmp(path, "/org/freedesktop/secrets", 24) == 0) {
            std::lock_guard lock(calls->mutex_);
            ++calls->calls_[member];
        }
        g_object_unref(message);
        return nullptr;
    }

    GDBusConnection* monitor_;
    std::mutex mutex_;
    std::map<std::string, int> calls_;
    std::atomic<bool> marked_{false};
};

}  // namespace

BOOST_AUTO_TEST_SUITE(unlocked)

BOOST_AUTO_TEST_CASE(secret_service_serves_and_secret_tool_reads_what_tresor_stored) {
    Chain chain;
    const ProcessResult backends = chain.tresor({"backends"});
    BOOST_TEST(contains(backends.out, "* keyring  plugin=secret-service"), backends.out);
    BOOST_TEST(chain.tresor({"set", "tresor-test", "alice", "--label", "Alice"}, "from tresor\n")
                   .exit_status == 0);
    const ProcessResult lookup = run_process(
        {"/usr/bin/secret-tool", "lookup", "service", "tresor-test", "account", "alice"}, "");
    BOOST_TEST(lookup.exit_status == 0);
    BOOST_TEST(lookup.out == "from tresor");
    BOOST_TEST(!std::filesystem::exists(chain.dir / "vault.db"));  // nothing went to the vault
}

BOOST_AUTO_TEST_CASE(tresor_reads_what_secret_tool_stored) {
    Chain chain;
    BOOST_TEST(run_process({"/usr/bin/secret-tool", "store", "--label=bob", "service",
                            "tresor-test", "account", "bob"},
                           "from secret-tool")
                   .exit_status == 0);
    BOOST_TEST(chain.tresor({"get", "tresor-test", "bob"}).out == "from secret-tool\n");
    const ProcessResult listing = chain.tresor({"ls", "tresor-test", "--json"});
    BOOST_TEST(contains(listing.out, "\"name\":\"bob\""), listing.out);
    BOOST_TEST(!contains(listing.out, "from secret-tool"), listing.out);
}

BOOST_AUTO_TEST_CASE(binary_values_metadata_and_remove_round_trip) {
    Chain chain;
    const std::string binary("\x00\xff\x01", 3);
    BOOST_TEST(chain
                   .tresor({"set", "tresor-bin", "b", "--raw", "--type", "jwt", "--description",
                            "a token", "--expires", "2099-01-01"},
                           binary)
                   .exit_status == 0);
    BOOST_TEST(chain.tresor({"get", "tresor-bin", "b", "--raw"}).out == binary);
    const ProcessResult json = chain.tresor({"get", "tresor-bin", "b", "--json"});
    BOOST_TEST(contains(json.out, "\"type\":\"jwt\""), json.out);
    BOOST_TEST(contains(json.out, "\"description\":\"a token\""), json.out);
    BOOST_TEST(contains(json.out, "\"expires_at\":\"2099-01-01T00:00:00Z\""), json.out);
    BOOST_TEST(chain.tresor({"rm", "tresor-bin", "b"}).exit_status == 0);
    BOOST_TEST(chain.tresor({"rm", "tresor-bin", "b"}).exit_status == 1);
    BOOST_TEST(chain.tresor({"get", "tresor-bin", "b"}).exit_status == 1);
}

// The chain probes the Secret Service, then opens it on the connection the
// probe made: a get connects to the bus once, as secret-tool does.
BOOST_AUTO_TEST_CASE(a_get_connects_to_the_session_bus_once) {
    Chain chain;
    BOOST_REQUIRE(chain.tresor({"set", "tresor-test", "once"}, "one connection\n").exit_status ==
                  0);
    NewBusConnections connections;
    BOOST_TEST(chain.tresor({"get", "tresor-test", "once"}).out == "one connection\n");
    BOOST_TEST(connections.made() == 1);
}

// What the whole process asks the daemon (issue 21's speed): a set over an
// entry whose lone item tresor wrote stores it in place with one CreateItem
// sent behind the searches, reading and removing nothing; a get reads no
// proxy's properties (no GetAll: libsecret's service proxy is opened without
// them) and the lone item's attributes by one Get.
BOOST_AUTO_TEST_CASE(a_set_over_its_own_item_is_one_create_and_a_get_reads_no_proxy_properties) {
    Chain chain;
    BOOST_REQUIRE(chain.tresor({"set", "tresor-test", "calls"}, "first\n").exit_status == 0);
    SecretServiceCalls calls;
    BOOST_REQUIRE(chain.tresor({"set", "tresor-test", "calls"}, "second\n").exit_status == 0);
    auto set = calls.so_far();
    BOOST_TEST(set["CreateItem"] == 1);
    BOOST_TEST(set["SearchItems"] == 2);  // by account and by username
    BOOST_TEST(set["GetAll"] == 0);
    BOOST_TEST(set["Delete"] == 0);
    BOOST_TEST(chain.tresor({"get", "tresor-test", "calls"}).out == "second\n");
    auto get = calls.so_far();
    BOOST_TEST(get["GetAll"] == 0);
    BOOST_TEST(get["OpenSession"] == 1);
    BOOST_TEST(get["SearchItems"] == 2);  // by account and by username
    // The lone item's secret, asked for as soon as the search by account
    // answered, is the one read: no second GetSecrets.
    BOOST_TEST(get["GetSecrets"] == 1);
    // The collection's Label and Locked, the item's Attributes.
    BOOST_TEST(get["Get"] == 3);
    // One item left: replaced in place, none beside it.
    const ProcessResult items = run_process(
        {"/usr/bin/secret-tool", "search", "--all", "service", "tresor-test", "account", "calls"},
        "");
    BOOST_TEST(items.exit_status == 0);
    std::size_t found = 0;
    for (auto at = items.out.find("[/"); at != std::string::npos;
         at = items.out.find("[/", at + 1)) {
        ++found;
    }
    BOOST_TEST(found == 1U, items.out + items.err);
}

// When the search by username finds an item beside the lone one the search
// by account found (here secret-tool's, with `username` and no `account`,
// and an attribute tresor's lacks, so that gnome-keyring's replace, which
// matches a subset, leaves tresor's: as Python's keyring writes), the secret asked for early is not
// the answer: both items are read and the newer one's secret asked for again.
BOOST_AUTO_TEST_CASE(a_get_reads_again_when_the_username_search_finds_another_item) {
    Chain chain;
    BOOST_REQUIRE(chain.tresor({"set", "tresor-test", "both"}, "from tresor\n").exit_status == 0);
    BOOST_REQUIRE(run_process({"/usr/bin/secret-tool", "store", "--label=both", "service",
                               "tresor-test", "username", "both", "application", "test"},
                              "from secret-tool")
                      .exit_status == 0);
    SecretServiceCalls calls;
    BOOST_TEST(chain.tresor({"get", "tresor-test", "both"}).out == "from secret-tool\n");
    auto get = calls.so_far();
    BOOST_TEST(get["SearchItems"] == 2);
    BOOST_TEST(get["GetSecrets"] == 2);
    BOOST_TEST(get["GetAll"] == 2);
}

BOOST_AUTO_TEST_CASE(without_a_session_bus_the_vault_serves_and_backends_says_why) {
    Chain chain;
    const Env no_bus = {{"DBUS_SESSION_BUS_ADDRESS", std::nullopt}};
    const auto start = std::chrono::steady_clock::now();
    const ProcessResult backends = chain.tresor({"backends"}, "", no_bus);
    // A hang detector for the "well under a second", not a speed test.
    BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(1)));
    BOOST_TEST(contains(backends.out, "keyring  plugin=secret-service"), backends.out);
    BOOST_TEST(contains(backends.out, "unusable: no D-Bus session bus"), backends.out);
    BOOST_TEST(contains(backends.out, "* file  plugin=vault"), backends.out);
    BOOST_TEST(chain.tresor({"set", "s", "n"}, "in the vault\n", no_bus).exit_status == 0);
    BOOST_TEST(chain.tresor({"get", "s", "n"}, "", no_bus).out == "in the vault\n");
    BOOST_TEST(std::filesystem::exists(chain.dir / "vault.db"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(locked)

// A reachable keyring that refuses must not silently send secrets elsewhere.
BOOST_AUTO_TEST_CASE(locked_collection_is_an_error_naming_it_with_no_fallback) {
    Chain chain;
    const auto start = std::chrono::steady_clock::now();
    const ProcessResult r = chain.tresor({"set", "s", "n"}, "value\n");
    BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(3)));  // no hang
    BOOST_TEST(r.exit_status == 3);
    BOOST_TEST(contains(r.err, "collection Login (alias default) is locked"), r.err);
    BOOST_TEST(!std::filesystem::exists(chain.dir / "vault.db"));
}

BOOST_AUTO_TEST_CASE(a_get_from_a_locked_collection_is_locked_not_a_fallback) {
    Chain chain;
    const ProcessResult r = chain.tresor({"get", "s", "n"});
    BOOST_TEST(r.exit_status == 3);
    BOOST_TEST(contains(r.err, "collection Login (alias default) is locked"), r.err);
    BOOST_TEST(r.out.empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(not_started)

// A headless machine with gnome-keyring installed: the bus activates it, it
// has no default collection, and the vault serves.
BOOST_AUTO_TEST_CASE(an_activatable_keyring_without_a_default_collection_falls_back) {
    Chain chain;
    BOOST_TEST(chain.tresor({"set", "s", "n"}, "in the vault\n").exit_status == 0);
    BOOST_TEST(chain.tresor({"get", "s", "n"}).out == "in the vault\n");
    BOOST_TEST(std::filesystem::exists(chain.dir / "vault.db"));
}

BOOST_AUTO_TEST_SUITE_END()
