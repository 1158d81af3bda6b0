#include "plugins/secret-service/service_proxy.hpp"

#include <mutex>

namespace tresor::secret_service {
namespace {

// A SecretService whose GDBusProxy loads no properties and subscribes to no
// signals: libsecret reads them only for its collection list (Collections,
// CollectionCreated...), which the plugin never asks for; items, secrets,
// prompts and the session go by D-Bus path. SecretService's own constructor
// sets the proxy's flags, so a subclass's sets them after it, still during
// construction (libsecret's secret_service_open_sync takes such a subclass).
GObjectClass* secret_service_class = nullptr;

GObject* construct_lean(GType type, guint count, GObjectConstructParam* properties) {
    GObject* object = secret_service_class->constructor(type, count, properties);
    g_object_set(
        object, "g-flags",
        G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES | G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS,
        nullptr);
    return object;
}

void init_lean_class(gpointer klass, gpointer /*data*/) {
    secret_service_class = G_OBJECT_CLASS(g_type_class_peek_parent(klass));
    G_OBJECT_CLASS(klass)->constructor = construct_lean;
}

// Registered once per process; plugins are never unloaded (RTLD_NODELETE),
// and a second copy of the module finds the type the first registered.
GType lean_service_type() {
    static const GType type = [] {
        constexpr const char* kName = "TresorLeanSecretService";
        if (const GType known = g_type_from_name(kName); known != 0) {
            return known;
        }
        GTypeQuery parent;
        g_type_query(SECRET_TYPE_SERVICE, &parent);
        return g_type_register_static_simple(SECRET_TYPE_SERVICE, kName, parent.class_size,
                                             init_lean_class, parent.instance_size, nullptr,
                                             static_cast<GTypeFlags>(0));
    }();
    return type;
}

std::mutex opened_mutex;
SecretService* opened = nullptr;  // owned for the process, as libsecret's default

}  // namespace

Ref<SecretService> open_service(std::chrono::milliseconds timeout) {
    std::lock_guard lock(opened_mutex);
    if (opened == nullptr) {
        Deadline deadline(timeout);
        GError* error = nullptr;
        opened = secret_service_open_sync(lean_service_type(), nullptr, SECRET_SERVICE_OPEN_SESSION,
                                          deadline.cancellable(), &error);
        throw_if_error(error, deadline, "opening a session", TRESOR_UNAVAILABLE);
    }
    return Ref<SecretService>(SECRET_SERVICE(g_object_ref(opened)));
}

}  // namespace tresor::secret_service
