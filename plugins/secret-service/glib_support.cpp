#include "plugins/secret-service/glib_support.hpp"

namespace tresor::secret_service {

Deadline::Deadline(std::chrono::milliseconds timeout)
    : cancellable_(g_cancellable_new()), watchdog_([this, timeout] {
          std::unique_lock lock(mutex_);
          if (!done_changed_.wait_for(lock, timeout, [this] { return done_; })) {
              g_cancellable_cancel(cancellable_);
          }
      }) {}

Deadline::~Deadline() {
    {
        std::lock_guard lock(mutex_);
        done_ = true;
    }
    done_changed_.notify_all();
    watchdog_.join();
    g_object_unref(cancellable_);
}

void throw_if_error(GError* error, bool timed_out, const std::string& doing,
                    tresor_status unavailable_status) {
    if (error == nullptr) {
        return;
    }
    const std::string message = error->message != nullptr ? error->message : "unknown error";
    // Nobody listening on the bus address, or nobody owning the name.
    const bool no_service = error->domain == G_IO_ERROR ||
                            g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
                            g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER);
    // Locked after open (a screen lock, `secret-tool lock`): refused, never a fallback.
    const bool locked = g_error_matches(error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED);
    g_error_free(error);
    if (timed_out) {
        plugin::fail(unavailable_status,
                     "the Secret Service did not answer in time while " + doing);
    }
    if (locked) {
        plugin::fail(TRESOR_LOCKED, "Secret Service refused " + doing + ": " + message);
    }
    plugin::fail(no_service ? unavailable_status : TRESOR_IO,
                 "Secret Service error while " + doing + ": " + message);
}

}  // namespace tresor::secret_service
