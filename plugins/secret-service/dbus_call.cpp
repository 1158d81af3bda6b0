#include "plugins/secret-service/dbus_call.hpp"

#include <utility>

namespace tresor::secret_service {
namespace {

// The context this thread's calls are answered in, made once per thread: a
// context of its own for each call would cost an eventfd and allocations
// per call. Only PendingCall iterates it, and each waits for its own answer
// (another's dispatched meanwhile just marks that one done).
GMainContext* calls_context() {
    struct Owned {
        GMainContext* context = g_main_context_new();
        ~Owned() { g_main_context_unref(context); }
    };
    thread_local const Owned owned;
    return owned.context;
}

}  // namespace

PendingCall::PendingCall(SecretService* service, const std::string& path, const char* interface,
                         const char* method, GVariant* arguments, const char* reply_type,
                         std::chrono::milliseconds timeout, std::string doing)
    : PendingCall(g_dbus_proxy_get_connection(G_DBUS_PROXY(service)), path, interface, method,
                  arguments, reply_type, timeout, std::move(doing)) {}

PendingCall::PendingCall(GDBusConnection* bus, const std::string& path, const char* interface,
                         const char* method, GVariant* arguments, const char* reply_type,
                         std::chrono::milliseconds timeout, std::string doing)
    : context_(calls_context()), doing_(std::move(doing)) {
    // GDBus would refuse the call without ever answering it.
    if (!g_variant_is_object_path(path.c_str())) {
        g_variant_unref(g_variant_ref_sink(arguments));
        error_ = g_error_new(G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                             "'%s' is no D-Bus object path", path.c_str());
        done_ = true;
        return;
    }
    // The answer is dispatched in the calls' own context, which only wait()
    // iterates: no other source of the program runs meanwhile.
    g_main_context_push_thread_default(context_);
    g_dbus_connection_call(bus, "org.freedesktop.secrets", path.c_str(), interface, method,
                           arguments, G_VARIANT_TYPE(reply_type), G_DBUS_CALL_FLAGS_NONE,
                           static_cast<int>(timeout.count()), nullptr, &PendingCall::answered,
                           this);
    g_main_context_pop_thread_default(context_);
}

PendingCall::~PendingCall() {
    wait();  // the callback must not outlive this object
    if (reply_ != nullptr) {
        g_variant_unref(reply_);
    }
    if (error_ != nullptr) {
        g_error_free(error_);
    }
}

GVariant* PendingCall::take(tresor_status unavailable_status) {
    wait();
    GError* error = std::exchange(error_, nullptr);
    const bool timed_out = g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    throw_if_error(error, timed_out, doing_, unavailable_status);
    return std::exchange(reply_, nullptr);
}

GVariant* PendingCall::take_if_answered(tresor_status unavailable_status) {
    wait();
    if (error_ != nullptr && !g_error_matches(error_, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
        return nullptr;
    }
    return take(unavailable_status);
}

void PendingCall::answered(GObject* connection, GAsyncResult* result, gpointer self) {
    auto* pending = static_cast<PendingCall*>(self);
    pending->reply_ =
        g_dbus_connection_call_finish(G_DBUS_CONNECTION(connection), result, &pending->error_);
    pending->done_ = true;
}

void PendingCall::wait() {
    while (!done_) {
        g_main_context_iteration(context_, TRUE);
    }
}

}  // namespace tresor::secret_service
