#include "plugins/secret-service/glib_support.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace tresor::secret_service {

namespace {

// The deadlines of the process, by time due, and the thread that cancels
// each when it falls due. Never destroyed: the thread may still wait when
// the process exits.
class Watchdog {
  public:
    using Watched = std::multimap<std::chrono::steady_clock::time_point, GCancellable*>;

    static Watchdog& instance() {
        static auto* watchdog = new Watchdog;
        return *watchdog;
    }

    Watched::iterator watch(std::chrono::steady_clock::time_point due, GCancellable* cancellable) {
        std::lock_guard lock(mutex_);
        const auto watched = due_.emplace(due, cancellable);
        if (watched == due_.begin()) {
            due_changed_.notify_one();
        }
        return watched;
    }

    // Once this returns, the cancellable is no longer touched. A cancelled
    // one was already erased by run(), which does both under the lock.
    void forget(Watched::iterator watched, GCancellable* cancellable) {
        std::lock_guard lock(mutex_);
        if (g_cancellable_is_cancelled(cancellable) == 0) {
            due_.erase(watched);
        }
    }

  private:
    Watchdog() {
        std::thread([this] { run(); }).detach();
    }

    void run() {
        std::unique_lock lock(mutex_);
        for (;;) {
            if (due_.empty()) {
                due_changed_.wait(lock);
                continue;
            }
            // A copy: wait_until reads the time again after each wake-up,
            // and forget() may have erased the entry meanwhile.
            const auto next_due = due_.begin()->first;
            if (due_changed_.wait_until(lock, next_due) == std::cv_status::timeout) {
                const auto now = std::chrono::steady_clock::now();
                // Under the lock: forget() waits, so the cancellable lives.
                for (auto it = due_.begin(); it != due_.end() && it->first <= now;) {
                    g_cancellable_cancel(it->second);
                    it = due_.erase(it);
                }
            }
        }
    }

    std::mutex mutex_;
    std::condition_variable due_changed_;
    Watched due_;
};

}  // namespace

Deadline::Deadline(std::chrono::milliseconds timeout)
    : cancellable_(g_cancellable_new()),
      watched_(
          Watchdog::instance().watch(std::chrono::steady_clock::now() + timeout, cancellable_)) {}

Deadline::~Deadline() {
    Watchdog::instance().forget(watched_, cancellable_);
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
