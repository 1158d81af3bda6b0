// tests/integration/secret_service/own_bus_connection.hpp — a connection to
// the session bus of the test's own, not GLib's shared one: what the test
// does on it neither shares nor keeps alive the connection of the code
// under test.
#pragma once

#include <gio/gio.h>
#include <boost/test/unit_test.hpp>

#include <cstdlib>

namespace tresor::test {

inline GDBusConnection* own_session_bus_connection() {
    GError* error = nullptr;
    GDBusConnection* bus = g_dbus_connection_new_for_address_sync(
        std::getenv("DBUS_SESSION_BUS_ADDRESS"),
        static_cast<GDBusConnectionFlags>(G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                          G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION),
        nullptr, nullptr, &error);
    BOOST_REQUIRE_MESSAGE(bus != nullptr, (error ? error->message : "no connection"));
    return bus;
}

}  // namespace tresor::test
