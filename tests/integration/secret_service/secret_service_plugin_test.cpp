// The secret-service module called straight through its C ABI table, in each
// environment CTest prepares for one suite:
//   no_bus            any environment; the test unsets or fakes the bus address
//   empty_bus         dbus-run-session with empty_session_bus.conf (nothing activatable)
//   keyring           with_keyring.sh: a real gnome-keyring, login collection unlocked
//   locked_after_open with_keyring.sh: the collection is locked while a context is open
// Bounds on elapsed time here are hang detectors (a D-Bus call's own default
// is 25 s), not speed checks.
#define BOOST_TEST_MODULE secret_service_plugin
#include <boost/test/unit_test.hpp>

#include <libsecret/secret.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "integration/behaviour/plugin_client.hpp"
#include "integration/secret_service/own_bus_connection.hpp"
#include "support/run_process.hpp"

using namespace std::chrono_literals;
using namespace tresor::test;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string unique(const std::string& what) {
    return "tresor-abi-" + what + "-" + std::to_string(::getpid());
}

// Owns org.freedesktop.secrets on a connection of its own and drops every
// call made to it: a Secret Service that has hung.
class StalledSecretService {
  public:
    StalledSecretService() {
        bus_ = own_session_bus_connection();
        // Filters run on GDBus's own thread: no main loop is needed to drop.
        g_dbus_connection_add_filter(bus_, &drop_calls, nullptr, nullptr);
        GError* error = nullptr;
        GVariant* reply = g_dbus_connection_call_sync(
            bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
            "RequestName", g_variant_new("(su)", "org.freedesktop.secrets", 4u), nullptr,
            G_DBUS_CALL_FLAGS_NONE, 2000, nullptr, &error);
        BOOST_REQUIRE_MESSAGE(reply != nullptr, (error ? error->message : "RequestName failed"));
        g_variant_unref(reply);
    }
    ~StalledSecretService() {
        g_dbus_connection_close_sync(bus_, nullptr, nullptr);
        g_object_unref(bus_);
    }
    StalledSecretService(const StalledSecretService&) = delete;
    StalledSecretService& operator=(const StalledSecretService&) = delete;

  private:
    static GDBusMessage* drop_calls(GDBusConnection*, GDBusMessage* message, gboolean incoming,
                                    gpointer) {
        if (incoming &&
            g_dbus_message_get_message_type(message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL) {
            g_object_unref(message);
            return nullptr;
        }
        return message;
    }
    GDBusConnection* bus_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(no_bus)

BOOST_AUTO_TEST_CASE(no_bus_address_is_unavailable_at_once_without_autolaunch) {
    const ScopedEnv no_bus("DBUS_SESSION_BUS_ADDRESS", std::nullopt);
    const ScopedEnv display("DISPLAY", ":0");  // would invite GLib to autolaunch a bus
    PluginClient plugin("secret-service");
    for (const Outcome& o : {plugin.probe(), plugin.open()}) {
        check_outcome(o, TRESOR_UNAVAILABLE, "DBUS_SESSION_BUS_ADDRESS is not set");
        BOOST_TEST(o.elapsed < 1000ms);
    }
}

BOOST_AUTO_TEST_CASE(a_bus_address_nobody_listens_on_is_unavailable) {
    const TempDir dir;
    const ScopedEnv bus("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + (dir / "no-bus").string());
    const Outcome o = PluginClient("secret-service").probe();
    check_outcome(o, TRESOR_UNAVAILABLE, "connecting to the session bus");
    BOOST_TEST(o.elapsed < 1000ms);
}

// A socket that accepts connections and never says a word: the bus daemon
// itself has hung. The probe gives up after its one-second cap.
BOOST_AUTO_TEST_CASE(a_silent_bus_is_unavailable_after_the_probe_cap) {
    const TempDir dir;
    const std::string path = (dir / "silent-bus").string();
    const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof(address.sun_path) - 1);
    BOOST_REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    BOOST_REQUIRE(::listen(listener, 4) == 0);
    const ScopedEnv bus("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + path);
    const Outcome o = PluginClient("secret-service").probe({{"timeout_ms", "60000"}});
    ::close(listener);
    check_outcome(o, TRESOR_UNAVAILABLE, "did not answer in time");
    BOOST_TEST(o.elapsed >= 900ms);
    BOOST_TEST(o.elapsed < 5000ms);
}

BOOST_AUTO_TEST_CASE(bad_parameters_are_named) {
    PluginClient plugin("secret-service");
    const Outcome unknown = plugin.probe({{"colection", "x"}});
    check_outcome(unknown, TRESOR_INVALID_ARGUMENT, "unknown parameter 'colection'");
    const Outcome tiny = plugin.probe({{"timeout_ms", "5"}});
    check_outcome(tiny, TRESOR_INVALID_ARGUMENT, "'timeout_ms'");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(empty_bus)

BOOST_AUTO_TEST_CASE(a_bus_without_a_secret_service_is_unavailable) {
    const Outcome o = PluginClient("secret-service").probe();
    check_outcome(o, TRESOR_UNAVAILABLE, "no Secret Service on the session bus");
    BOOST_TEST(o.elapsed < 1000ms);
}

// The name is owned, so the probe says yes; every call then meets the deadline.
BOOST_AUTO_TEST_CASE(a_hung_secret_service_meets_the_call_deadline) {
    const StalledSecretService stalled;
    PluginClient plugin("secret-service");
    BOOST_TEST(plugin.probe().status == TRESOR_OK);
    const Outcome o = plugin.open({{"timeout_ms", "300"}});
    check_outcome(o, TRESOR_UNAVAILABLE, "did not answer in time");
    BOOST_TEST(o.elapsed >= 250ms);
    BOOST_TEST(o.elapsed < 5000ms);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(keyring)

BOOST_AUTO_TEST_CASE(round_trip_with_metadata_and_item_times) {
    PluginClient plugin("secret-service");
    BOOST_REQUIRE(plugin.probe().status == TRESOR_OK);
    BOOST_REQUIRE(plugin.open().status == TRESOR_OK);
    const std::string service = unique("meta");
    tresor_entry meta{};
    meta.type = TRESOR_TYPE_JWT;
    meta.label = "a label";
    meta.description = "a description";
    meta.expires_at = 4102444800;
    BOOST_TEST(plugin.set(service, "n", std::string("v\0w", 3), meta).status == TRESOR_OK);
    BOOST_TEST(plugin.get(service, "n").value_or("<none>") == std::string("v\0w", 3));
    BOOST_TEST(plugin.sink_calls() == 1);
    const auto entry = plugin.stat(service, "n");
    BOOST_REQUIRE(entry.has_value());
    BOOST_TEST(entry->type == TRESOR_TYPE_JWT);
    BOOST_TEST(entry->label == "a label");
    BOOST_TEST(entry->description == "a description");
    BOOST_TEST(entry->expires_at == 4102444800);
    BOOST_TEST(entry->created_at > 1700000000);  // the item's own times
    BOOST_TEST(entry->updated_at >= entry->created_at);
    BOOST_TEST(contains(entry->id, "/org/freedesktop/secrets/collection/"), entry->id);
    BOOST_TEST(plugin.remove(service, "n"));
    BOOST_TEST(!plugin.remove(service, "n"));
}

// secret-tool's item carries no tresor attributes, so a replacing set makes a
// new item and must remove the old one: afterwards exactly one item is left.
BOOST_AUTO_TEST_CASE(set_replaces_an_item_secret_tool_stored) {
    const std::string service = unique("replace");
    BOOST_REQUIRE(run_process({"/usr/bin/secret-tool", "store", "--label=old", "service", service,
                               "account", "n", "extra", "attribute"},
                              "old value")
                      .exit_status == 0);
    PluginClient plugin("secret-service");
    BOOST_REQUIRE(plugin.open().status == TRESOR_OK);
    BOOST_TEST(plugin.get(service, "n").value_or("<none>") == "old value");
    BOOST_TEST(plugin.set(service, "n", "new value").status == TRESOR_OK);
    BOOST_TEST(plugin.set(service, "n", "newer value").status == TRESOR_OK);
    const auto found = run_process(
        {"/usr/bin/secret-tool", "search", "--all", "service", service, "account", "n"}, "");
    std::size_t items = 0;
    for (std::size_t at = found.out.find("[/"); at != std::string::npos;
         at = found.out.find("[/", at + 1)) {
        ++items;
    }
    BOOST_TEST(items == 1u, found.out);
    BOOST_TEST(plugin.list(service).size() == 1u);
    BOOST_TEST(plugin.get(service, "n").value_or("<none>") == "newer value");
    BOOST_TEST(plugin.remove(service, "n"));
}

// The backend is its collection: the in-memory "session" collection neither
// sees nor is seen by the default one.
BOOST_AUTO_TEST_CASE(the_collection_parameter_scopes_every_call) {
    const std::string service = unique("collection");
    PluginClient session("secret-service");
    PluginClient login("secret-service");
    BOOST_REQUIRE(session.open({{"collection", "session"}}).status == TRESOR_OK);
    BOOST_REQUIRE(login.open().status == TRESOR_OK);
    BOOST_TEST(session.set(service, "n", "in session").status == TRESOR_OK);
    BOOST_TEST(!login.get(service, "n").has_value());
    BOOST_TEST(login.list(service).empty());
    BOOST_TEST(!login.remove(service, "n"));
    BOOST_TEST(session.get(service, "n").value_or("<none>") == "in session");
    BOOST_TEST(session.remove(service, "n"));
}

BOOST_AUTO_TEST_CASE(a_missing_collection_is_unavailable_and_named) {
    PluginClient plugin("secret-service");
    const Outcome o = plugin.open({{"collection", "no-such-alias"}});
    check_outcome(o, TRESOR_UNAVAILABLE, "no collection 'no-such-alias'");
}

BOOST_AUTO_TEST_CASE(listing_all_services_returns_only_tresor_items) {
    const std::string service = unique("list");
    BOOST_REQUIRE(run_process({"/usr/bin/secret-tool", "store", "--label=foreign", "service",
                               service, "account", "foreign"},
                              "x")
                      .exit_status == 0);
    PluginClient plugin("secret-service");
    BOOST_REQUIRE(plugin.open().status == TRESOR_OK);
    BOOST_TEST(plugin.set(service, "ours", "y").status == TRESOR_OK);
    std::vector<std::string> everywhere;
    for (const auto& e : plugin.list(std::nullopt)) {
        if (e.service == service) {
            everywhere.push_back(e.name);
        }
    }
    BOOST_TEST(everywhere == std::vector<std::string>{"ours"}, boost::test_tools::per_element());
    BOOST_TEST(plugin.list(service).size() == 2u);  // by service: secret-tool's item too
    BOOST_TEST(plugin.remove(service, "ours"));
    BOOST_TEST(plugin.remove(service, "foreign"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(locked_after_open)

// The keyring is locked (screen lock, `secret-tool lock`) while tresor has it
// open: reads and writes are refused as locked, naming the collection.
BOOST_AUTO_TEST_CASE(calls_on_a_collection_locked_meanwhile_are_locked) {
    PluginClient plugin("secret-service");
    BOOST_REQUIRE(plugin.open().status == TRESOR_OK);
    const std::string service = unique("locked");
    BOOST_REQUIRE(plugin.set(service, "n", "v").status == TRESOR_OK);
    BOOST_REQUIRE(
        run_process({"/usr/bin/gdbus", "call", "--session", "--dest", "org.freedesktop.secrets",
                     "--object-path", "/org/freedesktop/secrets", "--method",
                     "org.freedesktop.Secret.Service.Lock",
                     "[objectpath '/org/freedesktop/secrets/collection/login']"},
                    "")
            .exit_status == 0);
    Outcome got;
    BOOST_TEST(!plugin.get(service, "n", &got).has_value());
    check_outcome(got, TRESOR_LOCKED, "Login (alias default) is locked");
    const Outcome set = plugin.set(service, "m", "v");
    check_outcome(set, TRESOR_LOCKED, "Login (alias default)");
    BOOST_TEST(set.elapsed < 5000ms);
    // Prompting allowed, but no display to show the prompt on: still locked,
    // within the deadline.
    PluginClient prompting("secret-service");
    const Outcome o = prompting.open({{"allow_prompt", "true"}, {"timeout_ms", "2000"}});
    check_outcome(o, TRESOR_LOCKED, "Login (alias default)");
    BOOST_TEST(o.elapsed < 5000ms);
}

BOOST_AUTO_TEST_SUITE_END()
