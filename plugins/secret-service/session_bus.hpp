// plugins/secret-service/session_bus.hpp — is there a Secret Service to talk
// to? Answered from the environment and the bus daemon alone: nothing is
// started, no bus is autolaunched, and no answer is awaited past a deadline.
#pragma once

#include <gio/gio.h>

#include <chrono>

namespace tresor::secret_service {

// Fails with TRESOR_UNAVAILABLE when DBUS_SESSION_BUS_ADDRESS is unset or
// empty, before GLib could fall back to autolaunching a bus.
void require_session_bus();

// Fails with TRESOR_UNAVAILABLE unless org.freedesktop.secrets is owned on
// the session bus or can be started there by D-Bus activation, or when the
// bus does not answer within timeout. On success the connection is kept for
// take_probed_bus().
void require_secret_service(std::chrono::milliseconds timeout);

// The last successful probe's connection (nullptr if none), handed to the
// caller, who drops it when done. Held while the service is opened, it
// keeps GLib's shared session bus alive, so libsecret talks on the
// connection the probe made instead of connecting and authenticating again.
GDBusConnection* take_probed_bus();

}  // namespace tresor::secret_service
