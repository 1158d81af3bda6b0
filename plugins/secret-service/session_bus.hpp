// plugins/secret-service/session_bus.hpp — is there a Secret Service to talk
// to? Answered from the environment and the bus daemon alone: nothing is
// started, no bus is autolaunched, and no answer is awaited past a deadline.
#pragma once

#include <chrono>

namespace tresor::secret_service {

// Fails with TRESOR_UNAVAILABLE when DBUS_SESSION_BUS_ADDRESS is unset or
// empty, before GLib could fall back to autolaunching a bus.
void require_session_bus();

// Fails with TRESOR_UNAVAILABLE unless org.freedesktop.secrets is owned on
// the session bus or can be started there by D-Bus activation, or when the
// bus does not answer within timeout.
void require_secret_service(std::chrono::milliseconds timeout);

}  // namespace tresor::secret_service
