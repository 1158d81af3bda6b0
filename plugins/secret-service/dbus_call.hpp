// plugins/secret-service/dbus_call.hpp — a method call to the Secret Service
// sent as a plain message on libsecret's connection, for what needs no proxy
// object: no proxy to build (a GetAll and signal subscriptions each), and
// GDBus's own per-call timeout instead of a watchdog thread.
#pragma once

#include <chrono>
#include <string>

#include "plugins/secret-service/glib_support.hpp"

namespace tresor::secret_service {

// Sent at construction, answered when taken: two pending calls overlap
// their round trips (the connection keeps their order, the daemon answers
// both).
class PendingCall {
  public:
    // To org.freedesktop.secrets on bus (GLib's shared session bus, the one
    // libsecret uses).
    PendingCall(GDBusConnection* bus, const std::string& path, const char* interface,
                const char* method, GVariant* arguments, const char* reply_type,
                std::chrono::milliseconds timeout, std::string doing);
    // On the service's connection.
    PendingCall(SecretService* service, const std::string& path, const char* interface,
                const char* method, GVariant* arguments, const char* reply_type,
                std::chrono::milliseconds timeout, std::string doing);
    ~PendingCall();
    PendingCall(const PendingCall&) = delete;
    PendingCall& operator=(const PendingCall&) = delete;

    // The reply (the caller unrefs it), or plugin::Failure as throw_if_error
    // says: a timeout or a missing service is unavailable_status.
    GVariant* take(tresor_status unavailable_status = TRESOR_IO);
    // The same, but nullptr when the service answered with an error (a
    // timeout still throws).
    GVariant* take_if_answered(tresor_status unavailable_status = TRESOR_IO);

  private:
    static void answered(GObject* connection, GAsyncResult* result, gpointer self);
    void wait();

    GMainContext* context_;
    std::string doing_;
    bool done_ = false;
    GVariant* reply_ = nullptr;
    GError* error_ = nullptr;
};

}  // namespace tresor::secret_service
