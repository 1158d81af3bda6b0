// plugins/secret-service/glib_support.hpp — what the plugin needs around
// GLib: owning handles, GError to a plugin failure, and a deadline that
// cancels a D-Bus call so no Secret Service call can hang a program.
#pragma once

#include <libsecret/secret.h>

#include <chrono>
#include <map>
#include <string>

#include "plugins/common/plugin_support.hpp"

namespace tresor::secret_service {

// A GObject reference released on scope exit.
template <typename T>
class Ref {
  public:
    explicit Ref(T* object = nullptr) : object_(object) {}
    ~Ref() {
        if (object_ != nullptr) {
            g_object_unref(object_);
        }
    }
    Ref(Ref&& other) noexcept : object_(std::exchange(other.object_, nullptr)) {}
    Ref& operator=(Ref&& other) noexcept {
        std::swap(object_, other.object_);
        return *this;
    }
    [[nodiscard]] T* get() const { return object_; }

  private:
    T* object_;
};

// Cancels its GCancellable when the time runs out; the libsecret call then
// returns G_IO_ERROR_CANCELLED instead of waiting on a dead or slow daemon.
// Every deadline of the process is watched by one thread, started with the
// first: a deadline costs no thread of its own to start and join.
class Deadline {
  public:
    explicit Deadline(std::chrono::milliseconds timeout);
    ~Deadline();
    Deadline(const Deadline&) = delete;
    Deadline& operator=(const Deadline&) = delete;

    [[nodiscard]] GCancellable* cancellable() const { return cancellable_; }
    [[nodiscard]] bool expired() const { return g_cancellable_is_cancelled(cancellable_) != 0; }

  private:
    GCancellable* cancellable_;
    std::multimap<std::chrono::steady_clock::time_point, GCancellable*>::iterator watched_;
};

// Throws plugin::Failure for a GError (and frees it): a timeout, an
// unreachable bus or a missing service is `unavailable_status`, a locked
// collection or item TRESOR_LOCKED, anything else TRESOR_IO.
void throw_if_error(GError* error, bool timed_out, const std::string& doing,
                    tresor_status unavailable_status = TRESOR_IO);

// The same for a call cancelled by deadline.
inline void throw_if_error(GError* error, const Deadline& deadline, const std::string& doing,
                           tresor_status unavailable_status = TRESOR_IO) {
    throw_if_error(error, deadline.expired(), doing, unavailable_status);
}

}  // namespace tresor::secret_service
