// plugins/secret-service — the freedesktop Secret Service (gnome-keyring,
// KeePassXC, KWallet's bridge) through libsecret.
//
// Items carry the attributes `service` and `account` (the convention of
// secret-tool, keytar and Bun.secrets) and are looked up ignoring the schema
// name, so `secret-tool lookup service S account N` reads what tresor stored
// and tresor reads what secret-tool stored. tresor's own metadata rides in
// the attributes `tresor-type`, `tresor-description` and `tresor-expires`.
//
// Parameters:
//   collection    alias of the collection to store in (default "default";
//                 "session" is the in-memory one)
//   timeout_ms    deadline for each D-Bus exchange (default 5000)
//   allow_prompt  unlock a locked collection with the daemon's prompt
//                 (default false: a locked collection is TRESOR_LOCKED)
//
// Never hangs: no session bus is unavailable at once (no autolaunch), and
// every call is cancelled at its deadline.
#include <cstdlib>
#include <cstring>
#include <optional>

#include "plugins/secret-service/glib_support.hpp"

namespace {

using tresor::plugin::fail;
using tresor::plugin::guarded;
using tresor::plugin::Params;
using tresor::secret_service::Deadline;
using tresor::secret_service::Ref;
using tresor::secret_service::throw_if_error;

// Lookups ignore the schema name: items from other programs match too.
const SecretSchema kSchema = {"org.tresor.Secret",
                              SECRET_SCHEMA_DONT_MATCH_NAME,
                              {{"service", SECRET_SCHEMA_ATTRIBUTE_STRING},
                               {"account", SECRET_SCHEMA_ATTRIBUTE_STRING},
                               {"tresor-type", SECRET_SCHEMA_ATTRIBUTE_STRING},
                               {"tresor-description", SECRET_SCHEMA_ATTRIBUTE_STRING},
                               {"tresor-expires", SECRET_SCHEMA_ATTRIBUTE_STRING},
                               {nullptr, SECRET_SCHEMA_ATTRIBUTE_STRING}},
                              0,
                              nullptr,
                              nullptr,
                              nullptr,
                              nullptr,
                              nullptr,
                              nullptr,
                              nullptr};

// For listing everything: only items tresor created (schema name matched).
const SecretSchema kOwnItems = [] {
    SecretSchema schema = kSchema;
    schema.flags = SECRET_SCHEMA_NONE;
    return schema;
}();

struct Options {
    std::string collection = SECRET_COLLECTION_DEFAULT;
    std::chrono::milliseconds timeout{5000};
    bool allow_prompt = false;
};

Options read_options(const tresor_param* params, size_t count) {
    Params p(params, count);
    Options o;
    o.collection = p.take_or("collection", o.collection);
    o.timeout = std::chrono::milliseconds(p.take_uint("timeout_ms", 5000, 100, 120000));
    o.allow_prompt = p.take_bool("allow_prompt", false);
    p.reject_unknown("secret-service");
    return o;
}

struct Context {
    Options options;
    Ref<SecretService> service;
    std::string collection_path;
};

class Attributes {
  public:
    Attributes() : table_(g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free)) {}
    ~Attributes() { g_hash_table_unref(table_); }
    Attributes(const Attributes&) = delete;
    Attributes& operator=(const Attributes&) = delete;
    Attributes& add(const char* key, const std::string& value) {
        g_hash_table_insert(table_, g_strdup(key), g_strdup(value.c_str()));
        return *this;
    }
    [[nodiscard]] GHashTable* get() const { return table_; }

  private:
    GHashTable* table_;
};

std::string attribute(GHashTable* attributes, const char* key) {
    const auto* value = static_cast<const char*>(g_hash_table_lookup(attributes, key));
    return value != nullptr ? value : "";
}

// One search result, with its metadata copied out of GLib.
struct Item {
    Ref<SecretItem> item;
    std::string service, account, label, description;
    std::uint32_t type = TRESOR_TYPE_PASSWORD;
    std::int64_t created = 0, modified = 0, expires = 0;

    [[nodiscard]] bool expired() const {
        return expires != 0 && tresor::plugin::unix_now() >= expires;
    }

    tresor_entry entry() const {
        tresor_entry e{};
        e.struct_size = sizeof(e);
        e.service = service.c_str();
        e.name = account.c_str();
        e.type = type;
        e.label = label.c_str();
        e.description = description.c_str();
        e.created_at = created;
        e.updated_at = modified;
        e.expires_at = expires;
        return e;
    }
};

std::vector<Item> search(const Context& ctx, const SecretSchema& schema, const Attributes& query,
                         SecretSearchFlags flags) {
    Deadline deadline(ctx.options.timeout);
    GError* error = nullptr;
    GList* found =
        secret_password_searchv_sync(&schema, query.get(), flags, deadline.cancellable(), &error);
    throw_if_error(error, deadline, "searching");
    std::vector<Item> items;
    for (GList* l = found; l != nullptr; l = l->next) {
        auto* retrievable = static_cast<SecretRetrievable*>(l->data);
        Item item;
        item.item = Ref<SecretItem>(SECRET_ITEM(g_object_ref(retrievable)));
        GHashTable* attributes = secret_retrievable_get_attributes(retrievable);
        item.service = attribute(attributes, "service");
        item.account = attribute(attributes, "account");
        item.description = attribute(attributes, "tresor-description");
        item.type = static_cast<std::uint32_t>(
            std::strtoul(attribute(attributes, "tresor-type").c_str(), nullptr, 10));
        item.expires = std::strtoll(attribute(attributes, "tresor-expires").c_str(), nullptr, 10);
        g_hash_table_unref(attributes);
        gchar* label = secret_retrievable_get_label(retrievable);
        item.label = label != nullptr ? label : "";
        g_free(label);
        item.created = static_cast<std::int64_t>(secret_retrievable_get_created(retrievable));
        item.modified = static_cast<std::int64_t>(secret_retrievable_get_modified(retrievable));
        if (!item.service.empty() && !item.account.empty()) {
            items.push_back(std::move(item));
        }
    }
    g_list_free_full(found, g_object_unref);
    return items;
}

tresor_status ss_probe(const tresor_param* params, size_t count, tresor_diag* diag) {
    return guarded(diag, [&] {
        const Options options = read_options(params, count);
        // Without this variable GLib would try to autolaunch a bus (and
        // fail after a while, or start one nobody can reach).
        const char* address = std::getenv("DBUS_SESSION_BUS_ADDRESS");
        if (address == nullptr || *address == '\0') {
            fail(TRESOR_UNAVAILABLE, "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)");
        }
        Deadline deadline(options.timeout);
        GError* error = nullptr;
        Ref<GDBusConnection> bus(
            g_bus_get_sync(G_BUS_TYPE_SESSION, deadline.cancellable(), &error));
        throw_if_error(error, deadline, "connecting to the session bus", TRESOR_UNAVAILABLE);
        for (const char* method : {"NameHasOwner", "ListActivatableNames"}) {
            const bool has_owner = std::strcmp(method, "NameHasOwner") == 0;
            GVariant* reply = g_dbus_connection_call_sync(
                bus.get(), "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                method, has_owner ? g_variant_new("(s)", "org.freedesktop.secrets") : nullptr,
                nullptr, G_DBUS_CALL_FLAGS_NONE, static_cast<int>(options.timeout.count()),
                deadline.cancellable(), &error);
            throw_if_error(error, deadline, "asking the bus for a Secret Service",
                           TRESOR_UNAVAILABLE);
            bool found = false;
            if (has_owner) {
                gboolean owned = FALSE;
                g_variant_get(reply, "(b)", &owned);
                found = owned != FALSE;
            } else {
                GVariantIter* names = nullptr;
                const gchar* name = nullptr;
                g_variant_get(reply, "(as)", &names);
                while (g_variant_iter_next(names, "&s", &name)) {
                    found = found || std::strcmp(name, "org.freedesktop.secrets") == 0;
                }
                g_variant_iter_free(names);
            }
            g_variant_unref(reply);
            if (found) {
                return TRESOR_OK;
            }
        }
        fail(TRESOR_UNAVAILABLE, "no Secret Service on the session bus (org.freedesktop.secrets)");
    });
}

tresor_status ss_open(const tresor_param* params, size_t count, const tresor_host*, void** ctx,
                      tresor_diag* diag) {
    return guarded(diag, [&] {
        auto context = std::make_unique<Context>();
        context->options = read_options(params, count);
        Deadline deadline(context->options.timeout);
        GError* error = nullptr;
        context->service = Ref<SecretService>(
            secret_service_get_sync(SECRET_SERVICE_OPEN_SESSION, deadline.cancellable(), &error));
        throw_if_error(error, deadline, "opening a session", TRESOR_UNAVAILABLE);
        const std::string& alias = context->options.collection;
        Ref<SecretCollection> collection(secret_collection_for_alias_sync(
            context->service.get(), alias.c_str(), SECRET_COLLECTION_NONE, deadline.cancellable(),
            &error));
        throw_if_error(error, deadline, "finding collection '" + alias + "'", TRESOR_UNAVAILABLE);
        if (collection.get() == nullptr) {
            fail(TRESOR_UNAVAILABLE, "the Secret Service has no collection '" + alias + "'");
        }
        gchar* label = secret_collection_get_label(collection.get());
        const std::string name =
            std::string(label != nullptr ? label : "") + " (alias " + alias + ")";
        g_free(label);
        if (secret_collection_get_locked(collection.get())) {
            if (!context->options.allow_prompt) {
                fail(TRESOR_LOCKED, "Secret Service collection " + name +
                                        " is locked; unlock it, or set allow_prompt = true");
            }
            GList* objects = g_list_append(nullptr, collection.get());
            secret_service_unlock_sync(context->service.get(), objects, deadline.cancellable(),
                                       nullptr, &error);
            g_list_free(objects);
            throw_if_error(error, deadline, "unlocking collection " + name, TRESOR_LOCKED);
            if (secret_collection_get_locked(collection.get())) {
                fail(TRESOR_LOCKED, "Secret Service collection " + name + " stayed locked");
            }
        }
        context->collection_path = g_dbus_proxy_get_object_path(G_DBUS_PROXY(collection.get()));
        *ctx = context.release();
        return TRESOR_OK;
    });
}

void ss_close(void* ctx) {
    delete static_cast<Context*>(ctx);
}

Context& as_context(void* ctx) {
    return *static_cast<Context*>(ctx);
}

std::optional<Item> find(const Context& ctx, const tresor_key* key, SecretSearchFlags flags) {
    Attributes query;
    query.add("service", key->service).add("account", key->name);
    auto items = search(ctx, kSchema, query, flags);
    for (auto& item : items) {
        if (!item.expired()) {
            return std::move(item);
        }
    }
    return std::nullopt;
}

tresor_status ss_get(void* ctx, const tresor_key* key, tresor_secret_sink sink, void* sink_ctx,
                     tresor_diag* diag) {
    return guarded(diag, [&] {
        auto item = find(as_context(ctx), key, SECRET_SEARCH_LOAD_SECRETS);
        if (!item) {
            return TRESOR_NOT_FOUND;
        }
        SecretValue* value = secret_item_get_secret(item->item.get());
        if (value == nullptr) {
            fail(TRESOR_LOCKED,
                 "the item for " + std::string(key->service) + "/" + key->name + " is locked");
        }
        gsize length = 0;
        const gchar* bytes = secret_value_get(value, &length);
        const int taken = sink(sink_ctx, reinterpret_cast<const uint8_t*>(bytes), length);
        secret_value_unref(value);  // libsecret keeps it in its own wiped memory
        return taken == 0 ? TRESOR_OK : TRESOR_INTERNAL;
    });
}

tresor_status ss_remove(void* ctx, const tresor_key* key, int* removed, tresor_diag* diag) {
    return guarded(diag, [&] {
        const Context& c = as_context(ctx);
        Attributes query;
        query.add("service", key->service).add("account", key->name);
        Deadline deadline(c.options.timeout);
        GError* error = nullptr;
        const gboolean any =
            secret_password_clearv_sync(&kSchema, query.get(), deadline.cancellable(), &error);
        throw_if_error(error, deadline, "removing an item");
        *removed = any ? 1 : 0;
        return TRESOR_OK;
    });
}

tresor_status ss_set(void* ctx, const tresor_key* key, const uint8_t* bytes, size_t length,
                     const tresor_entry* meta, tresor_diag* diag) {
    return guarded(diag, [&] {
        const Context& c = as_context(ctx);
        // Items with other metadata attributes would not be replaced: clear first.
        int removed = 0;
        if (const tresor_status status = ss_remove(ctx, key, &removed, diag); status != TRESOR_OK) {
            return status;
        }
        Attributes attributes;
        attributes.add("service", key->service).add("account", key->name);
        attributes.add("tresor-type", std::to_string(meta->type));
        if (meta->description != nullptr && *meta->description != '\0') {
            attributes.add("tresor-description", meta->description);
        }
        if (meta->expires_at != 0) {
            attributes.add("tresor-expires", std::to_string(meta->expires_at));
        }
        const std::string label = meta->label != nullptr && *meta->label != '\0'
                                      ? meta->label
                                      : std::string(key->service) + "/" + key->name;
        SecretValue* value =
            secret_value_new(reinterpret_cast<const gchar*>(bytes), static_cast<gssize>(length),
                             "application/octet-stream");
        Deadline deadline(c.options.timeout);
        GError* error = nullptr;
        secret_password_storev_binary_sync(&kSchema, attributes.get(), c.collection_path.c_str(),
                                           label.c_str(), value, deadline.cancellable(), &error);
        secret_value_unref(value);
        throw_if_error(error, deadline, "storing an item");
        return TRESOR_OK;
    });
}

tresor_status ss_list(void* ctx, const char* service, tresor_entry_sink sink, void* sink_ctx,
                      tresor_diag* diag) {
    return guarded(diag, [&] {
        Attributes query;
        if (service != nullptr) {
            query.add("service", service);
        }
        const auto items = search(as_context(ctx), service != nullptr ? kSchema : kOwnItems, query,
                                  SECRET_SEARCH_ALL);
        for (const Item& item : items) {
            if (item.expired()) {
                continue;
            }
            const tresor_entry e = item.entry();
            if (sink(sink_ctx, &e) != 0) {
                break;
            }
        }
        return TRESOR_OK;
    });
}

tresor_status ss_stat(void* ctx, const tresor_key* key, tresor_entry_sink sink, void* sink_ctx,
                      tresor_diag* diag) {
    return guarded(diag, [&] {
        auto item = find(as_context(ctx), key, SECRET_SEARCH_NONE);
        if (!item) {
            return TRESOR_NOT_FOUND;
        }
        const tresor_entry e = item->entry();
        sink(sink_ctx, &e);
        return TRESOR_OK;
    });
}

constexpr tresor_plugin kPlugin = {
    TRESOR_PLUGIN_ABI_MAJOR,
    TRESOR_PLUGIN_ABI_MINOR,
    sizeof(tresor_plugin),
    TRESOR_CAP_PERSISTENT | TRESOR_CAP_SHARED | TRESOR_CAP_LIST | TRESOR_CAP_METADATA |
        TRESOR_CAP_BINARY | TRESOR_CAP_EXPIRY,
    "secret-service",
    "0.1.0",
    "freedesktop Secret Service (gnome-keyring, KeePassXC) via libsecret",
    ss_probe,
    ss_open,
    ss_close,
    ss_get,
    ss_set,
    ss_remove,
    ss_list,
    ss_stat,
};

}  // namespace

extern "C" const tresor_plugin* tresor_plugin_secret_service_entry(uint32_t, uint32_t) {
    return &kPlugin;
}
