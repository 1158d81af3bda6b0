// tests/integration/secret_service/keyring_items.hpp — what the keyring holds,
// read straight from the daemon on the test's own connection (a plain
// transfer session): every item of a service in the default collection, with
// its attributes, label, time and secret. secret-tool's `search` prints the
// attributes on stderr apart from the rest, so it cannot say which is whose.
#pragma once

#include <gio/gio.h>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "integration/secret_service/own_bus_connection.hpp"

namespace tresor::test {

struct KeyringItem {
    std::string path, label, secret;
    std::map<std::string, std::string> attributes;
    std::uint64_t modified = 0;
};

namespace detail {

inline GVariant* secrets_call(GDBusConnection* bus, const char* path, const char* interface,
                              const char* method, GVariant* arguments) {
    GError* error = nullptr;
    GVariant* reply = g_dbus_connection_call_sync(bus, "org.freedesktop.secrets", path, interface,
                                                  method, arguments, nullptr,
                                                  G_DBUS_CALL_FLAGS_NONE, 5000, nullptr, &error);
    BOOST_REQUIRE_MESSAGE(reply != nullptr, (error ? error->message : method));
    return reply;
}

}  // namespace detail

inline std::vector<KeyringItem> keyring_items(const std::string& service) {
    GDBusConnection* bus = own_session_bus_connection();
    constexpr const char* kService = "org.freedesktop.Secret.Service";
    GVariant* reply = detail::secrets_call(bus, "/org/freedesktop/secrets", kService, "ReadAlias",
                                           g_variant_new("(s)", "default"));
    const gchar* collection = nullptr;
    g_variant_get(reply, "(&o)", &collection);
    GVariantBuilder query;
    g_variant_builder_init(&query, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&query, "{ss}", "service", service.c_str());
    GVariant* found = detail::secrets_call(bus, collection, "org.freedesktop.Secret.Collection",
                                           "SearchItems", g_variant_new("(a{ss})", &query));
    g_variant_unref(reply);
    GVariant* session_reply =
        detail::secrets_call(bus, "/org/freedesktop/secrets", kService, "OpenSession",
                             g_variant_new("(sv)", "plain", g_variant_new_string("")));
    const gchar* session = nullptr;
    g_variant_get(session_reply, "(v&o)", nullptr, &session);

    std::vector<KeyringItem> items;
    GVariantIter* paths = nullptr;
    const gchar* path = nullptr;
    g_variant_get(found, "(ao)", &paths);
    while (g_variant_iter_next(paths, "&o", &path)) {
        KeyringItem item;
        item.path = path;
        GVariant* all = detail::secrets_call(bus, path, "org.freedesktop.DBus.Properties", "GetAll",
                                             g_variant_new("(s)", "org.freedesktop.Secret.Item"));
        GVariant* properties = g_variant_get_child_value(all, 0);
        const gchar* label = nullptr;
        g_variant_lookup(properties, "Label", "&s", &label);
        item.label = label != nullptr ? label : "";
        g_variant_lookup(properties, "Modified", "t", &item.modified);
        GVariantIter* attributes = nullptr;
        const gchar *key = nullptr, *value = nullptr;
        if (g_variant_lookup(properties, "Attributes", "a{ss}", &attributes)) {
            while (g_variant_iter_next(attributes, "{&s&s}", &key, &value)) {
                item.attributes.emplace(key, value);
            }
            g_variant_iter_free(attributes);
        }
        g_variant_unref(properties);
        g_variant_unref(all);
        const gchar* one[] = {path, nullptr};
        GVariant* secrets =
            detail::secrets_call(bus, "/org/freedesktop/secrets", kService, "GetSecrets",
                                 g_variant_new("(^aoo)", one, session));
        GVariant* encoded = nullptr;
        GVariant* map = g_variant_get_child_value(secrets, 0);
        encoded = g_variant_lookup_value(map, path, G_VARIANT_TYPE("(oayays)"));
        if (encoded != nullptr) {
            GVariant* bytes = g_variant_get_child_value(encoded, 2);
            gsize length = 0;
            const auto* data =
                static_cast<const char*>(g_variant_get_fixed_array(bytes, &length, 1));
            item.secret.assign(data, length);
            g_variant_unref(bytes);
            g_variant_unref(encoded);
        }
        g_variant_unref(map);
        g_variant_unref(secrets);
        items.push_back(std::move(item));
    }
    g_variant_iter_free(paths);
    g_variant_unref(found);
    g_variant_unref(session_reply);
    g_dbus_connection_close_sync(bus, nullptr, nullptr);
    g_object_unref(bus);
    return items;
}

// Returns once the wall clock has entered its next second: the daemon's
// Modified times count whole seconds, and a test that needs one item to be
// newer than another makes it so.
inline void wait_for_next_second() {
    using namespace std::chrono;
    const auto second = floor<seconds>(system_clock::now());
    while (floor<seconds>(system_clock::now()) == second) {
        std::this_thread::sleep_for(milliseconds(10));
    }
}

}  // namespace tresor::test
