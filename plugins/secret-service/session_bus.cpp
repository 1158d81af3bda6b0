#include "plugins/secret-service/session_bus.hpp"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <utility>

#include "plugins/secret-service/glib_support.hpp"

namespace tresor::secret_service {
namespace {

std::mutex probed_bus_mutex;
GDBusConnection* probed_bus = nullptr;  // owned; see take_probed_bus()

// Asks the bus daemon whether org.freedesktop.secrets is owned
// ("NameHasOwner") or can be started ("ListActivatableNames").
bool bus_knows_secret_service(GDBusConnection* bus, const char* method, const Deadline& deadline) {
    const bool has_owner = std::strcmp(method, "NameHasOwner") == 0;
    GError* error = nullptr;
    GVariant* reply = g_dbus_connection_call_sync(
        bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", method,
        has_owner ? g_variant_new("(s)", "org.freedesktop.secrets") : nullptr, nullptr,
        G_DBUS_CALL_FLAGS_NONE, -1, deadline.cancellable(), &error);
    throw_if_error(error, deadline, "asking the bus for a Secret Service", TRESOR_UNAVAILABLE);
    bool found = false;
    if (has_owner) {
        gboolean owned = FALSE;
        g_variant_get(reply, "(b)", &owned);
        found = owned != FALSE;
    } else {
        GVariantIter* names = nullptr;
        const gchar* name = nullptr;
        g_variant_get(reply, "(as)", &names);
        while (g_variant_iter_next(names, "&s", &name)) {
            found = found || std::strcmp(name, "org.freedesktop.secrets") == 0;
        }
        g_variant_iter_free(names);
    }
    g_variant_unref(reply);
    return found;
}

}  // namespace

// Without the variable GLib would try to autolaunch a bus: that fails after
// a while, or starts a dbus-daemon nobody else can reach.
void require_session_bus() {
    const char* address = std::getenv("DBUS_SESSION_BUS_ADDRESS");
    if (address == nullptr || *address == '\0') {
        plugin::fail(TRESOR_UNAVAILABLE,
                     "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)");
    }
}

void require_secret_service(std::chrono::milliseconds timeout) {
    require_session_bus();
    Deadline deadline(timeout);
    GError* error = nullptr;
    Ref<GDBusConnection> bus(g_bus_get_sync(G_BUS_TYPE_SESSION, deadline.cancellable(), &error));
    throw_if_error(error, deadline, "connecting to the session bus", TRESOR_UNAVAILABLE);
    // Running, or startable by D-Bus activation (left to open: a probe must
    // not start a daemon).
    if (!bus_knows_secret_service(bus.get(), "NameHasOwner", deadline) &&
        !bus_knows_secret_service(bus.get(), "ListActivatableNames", deadline)) {
        plugin::fail(TRESOR_UNAVAILABLE,
                     "no Secret Service on the session bus (org.freedesktop.secrets)");
    }
    std::lock_guard lock(probed_bus_mutex);
    GDBusConnection* kept = std::exchange(probed_bus, G_DBUS_CONNECTION(g_object_ref(bus.get())));
    if (kept != nullptr) {
        g_object_unref(kept);
    }
}

GDBusConnection* take_probed_bus() {
    std::lock_guard lock(probed_bus_mutex);
    return std::exchange(probed_bus, nullptr);
}

}  // namespace tresor::secret_service
