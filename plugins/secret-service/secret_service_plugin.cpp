// plugins/secret-service — the freedesktop Secret Service (gnome-keyring,
// KeePassXC, KWallet's bridge) through libsecret.
//
// Items carry the attributes `service` and `account` (the convention of
// secret-tool, keytar and Bun.secrets) and are looked up ignoring the schema
// name, so `secret-tool lookup service S account N` reads what tresor stored
// and tresor reads what secret-tool stored in the same collection. The
// backend is one collection: every search, write and removal stays in it. tresor's own metadata
// rides in the attributes `tresor-type`, `tresor-description` and `tresor-expires`.
//
// Parameters:
//   collection    alias of the collection to store in (default "default";
//                 "session" is the in-memory one)
//   timeout_ms    deadline for each D-Bus exchange (default 5000)
//   allow_prompt  unlock a locked collection with the daemon's prompt
//                 (default false: a locked collection is TRESOR_LOCKED)
//
// Never hangs: no session bus is unavailable at once (no autolaunch), the
// probe gives the bus at most a second, and every call is cancelled at its
// deadline.
#include <cstdlib>
#include <memory>
#include <optional>
#include <utility>

#include "plugins/secret-service/glib_support.hpp"
#include "plugins/secret-service/session_bus.hpp"

namespace {

using tresor::plugin::fail;
using tresor::plugin::guarded;
using tresor::plugin::Params;
using tresor::secret_service::Deadline;
using tresor::secret_service::Ref;
using tresor::secret_service::require_secret_service;
using tresor::secret_service::require_session_bus;
using tresor::secret_service::take_probed_bus;
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
    Ref<SecretCollection> collection;
    std::string collection_name;  // "Login (alias default)", for messages
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
    std::string path, service, account, label, description;
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
        e.id = path.c_str();
        e.type = type;
        e.label = label.c_str();
        e.description = description.c_str();
        e.created_at = created;
        e.updated_at = modified;
        e.expires_at = expires;
        return e;
    }
};

Item describe(SecretItem* secret_item) {
    Item item;
    item.path = g_dbus_proxy_get_object_path(G_DBUS_PROXY(secret_item));
    GHashTable* attributes = secret_item_get_attributes(secret_item);
    item.service = attribute(attributes, "service");
    item.account = attribute(attributes, "account");
    item.description = attribute(attributes, "tresor-description");
    item.type = static_cast<std::uint32_t>(
        std::strtoul(attribute(attributes, "tresor-type").c_str(), nullptr, 10));
    item.expires = std::strtoll(attribute(attributes, "tresor-expires").c_str(), nullptr, 10);
    g_hash_table_unref(attributes);
    gchar* label = secret_item_get_label(secret_item);
    item.label = label != nullptr ? label : "";
    g_free(label);
    item.created = static_cast<std::int64_t>(secret_item_get_created(secret_item));
    item.modified = static_cast<std::int64_t>(secret_item_get_modified(secret_item));
    return item;
}

// The matching items of the configured collection only: the backend is that
// collection, as secret-tool's default is the default collection.
std::vector<Item> search(const Context& ctx, const SecretSchema& schema, const Attributes& query,
                         SecretSearchFlags flags) {
    Deadline deadline(ctx.options.timeout);
    GError* error = nullptr;
    GList* found = secret_collection_search_sync(ctx.collection.get(), &schema, query.get(), flags,
                                                 deadline.cancellable(), &error);
    throw_if_error(error, deadline, "searching collection " + ctx.collection_name);
    std::vector<Item> items;
    for (GList* l = found; l != nullptr; l = l->next) {
        Item item = describe(SECRET_ITEM(l->data));
        if (!item.service.empty() && !item.account.empty()) {
            items.push_back(std::move(item));
        }
    }
    g_list_free_full(found, g_object_unref);
    return items;
}

std::vector<Item> items_of(const Context& ctx, const tresor_key* key) {
    Attributes query;
    query.add("service", key->service).add("account", key->name);
    return search(ctx, kSchema, query, SECRET_SEARCH_ALL);
}

// The entry's live item, with its metadata (no secret loaded).
std::optional<Item> find(const Context& ctx, const tresor_key* key) {
    for (auto& item : items_of(ctx, key)) {
        if (!item.expired()) {
            return std::move(item);
        }
    }
    return std::nullopt;
}

// By D-Bus path: no item proxy needed.
void delete_item_path(const Context& ctx, const std::string& path) {
    Deadline deadline(ctx.options.timeout);
    GError* error = nullptr;
    secret_service_delete_item_dbus_path_sync(ctx.service.get(), path.c_str(),
                                              deadline.cancellable(), &error);
    throw_if_error(error, deadline, "removing an item from collection " + ctx.collection_name);
}

tresor_status ss_probe(const tresor_param* params, size_t count, tresor_diag* diag) {
    return guarded(diag, [&] {
        const Options options = read_options(params, count);
        // The bus daemon answers at once; a bus that does not is as good as
        // none, and a probe must stay well under a second.
        require_secret_service(std::min(options.timeout, std::chrono::milliseconds(1000)));
        return TRESOR_OK;
    });
}

tresor_status ss_open(const tresor_param* params, size_t count, const tresor_host*, void** ctx,
                      tresor_diag* diag) {
    return guarded(diag, [&] {
        auto context = std::make_unique<Context>();
        context->options = read_options(params, count);
        require_session_bus();
        const Ref<GDBusConnection> probed_bus(take_probed_bus());
        Deadline deadline(context->options.timeout);
        GError* error = nullptr;
        context->service = Ref<SecretService>(
            secret_service_get_sync(SECRET_SERVICE_OPEN_SESSION, deadline.cancellable(), &error));
        throw_if_error(error, deadline, "opening a session", TRESOR_UNAVAILABLE);
        const std::string& alias = context->options.collection;
        context->collection = Ref<SecretCollection>(secret_collection_for_alias_sync(
            context->service.get(), alias.c_str(), SECRET_COLLECTION_NONE, deadline.cancellable(),
            &error));
        throw_if_error(error, deadline, "finding collection '" + alias + "'", TRESOR_UNAVAILABLE);
        SecretCollection* collection = context->collection.get();
        if (collection == nullptr) {
            fail(TRESOR_UNAVAILABLE, "the Secret Service has no collection '" + alias + "'");
        }
        gchar* label = secret_collection_get_label(collection);
        context->collection_name =
            std::string(label != nullptr ? label : "") + " (alias " + alias + ")";
        g_free(label);
        const std::string& name = context->collection_name;
        if (secret_collection_get_locked(collection)) {
            if (!context->options.allow_prompt) {
                fail(TRESOR_LOCKED, "Secret Service collection " + name +
                                        " is locked; unlock it, or set allow_prompt = true");
            }
            GList* objects = g_list_append(nullptr, collection);
            // The count, not the proxy's Locked property: that is refreshed
            // by a signal no main loop of ours dispatches.
            const gint unlocked = secret_service_unlock_sync(
                context->service.get(), objects, deadline.cancellable(), nullptr, &error);
            g_list_free(objects);
            throw_if_error(error, deadline, "unlocking collection " + name, TRESOR_LOCKED);
            if (unlocked < 1) {
                fail(TRESOR_LOCKED, "Secret Service collection " + name +
                                        " stayed locked: the unlock prompt was dismissed or "
                                        "could not be shown");
            }
        }
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

// The fast path of get: item paths only, no SecretItem proxies (building one
// costs a round trip to the daemon and signal subscriptions on the bus).
std::vector<std::string> item_paths(const Context& c, const tresor_key* key) {
    Attributes query;
    query.add("service", key->service).add("account", key->name);
    Deadline deadline(c.options.timeout);
    GError* error = nullptr;
    gchar** paths = secret_collection_search_for_dbus_paths_sync(
        c.collection.get(), &kSchema, query.get(), deadline.cancellable(), &error);
    throw_if_error(error, deadline, "searching collection " + c.collection_name);
    std::vector<std::string> out;
    for (gchar** p = paths; p != nullptr && *p != nullptr; ++p) {
        out.emplace_back(*p);
    }
    g_strfreev(paths);
    return out;
}

// An item's tresor-expires attribute (0: none), asked for with one
// Properties.Get that is sent at once and read later: its round trip
// overlaps the secret's (the connection keeps the order, the daemon answers
// both).
class PendingExpiry {
  public:
    PendingExpiry(const Context& c, const std::string& path, const Deadline& deadline)
        : context_(g_main_context_new()),
          deadline_(deadline),
          doing_("reading an item's attributes in " + c.collection_name) {
        GDBusProxy* service = G_DBUS_PROXY(c.service.get());
        g_main_context_push_thread_default(context_);
        g_dbus_connection_call(g_dbus_proxy_get_connection(service), g_dbus_proxy_get_name(service),
                               path.c_str(), "org.freedesktop.DBus.Properties", "Get",
                               g_variant_new("(ss)", "org.freedesktop.Secret.Item", "Attributes"),
                               G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NONE, -1,
                               deadline.cancellable(), &PendingExpiry::answered, this);
        g_main_context_pop_thread_default(context_);
    }
    ~PendingExpiry() {
        wait();  // the callback must not outlive this object
        if (reply_ != nullptr) {
            g_variant_unref(reply_);
        }
        if (error_ != nullptr) {
            g_error_free(error_);
        }
        g_main_context_unref(context_);
    }
    PendingExpiry(const PendingExpiry&) = delete;
    PendingExpiry& operator=(const PendingExpiry&) = delete;

    std::int64_t expires_at() {
        wait();
        throw_if_error(std::exchange(error_, nullptr), deadline_, doing_);
        GVariant* attributes = nullptr;
        g_variant_get(reply_, "(v)", &attributes);
        const char* expires = nullptr;
        std::int64_t at = 0;
        if (g_variant_lookup(attributes, "tresor-expires", "&s", &expires)) {
            at = std::strtoll(expires, nullptr, 10);
        }
        g_variant_unref(attributes);
        return at;
    }

  private:
    static void answered(GObject* connection, GAsyncResult* result, gpointer self) {
        auto* pending = static_cast<PendingExpiry*>(self);
        pending->reply_ =
            g_dbus_connection_call_finish(G_DBUS_CONNECTION(connection), result, &pending->error_);
        pending->done_ = true;
    }
    void wait() {
        while (!done_) {
            g_main_context_iteration(context_, TRUE);
        }
    }

    GMainContext* context_;
    const Deadline& deadline_;
    std::string doing_;
    bool done_ = false;
    GVariant* reply_ = nullptr;
    GError* error_ = nullptr;
};

using SecretValueRef = std::unique_ptr<SecretValue, decltype(&secret_value_unref)>;

[[noreturn]] void fail_locked(const Context& c, const tresor_key* key) {
    fail(TRESOR_LOCKED, "Secret Service collection " + c.collection_name +
                            " is locked: cannot read " + key->service + "/" + key->name);
}

tresor_status ss_get(void* ctx, const tresor_key* key, tresor_secret_sink sink, void* sink_ctx,
                     tresor_diag* diag) {
    return guarded(diag, [&] {
        const Context& c = as_context(ctx);
        for (const std::string& path : item_paths(c, key)) {
            // One deadline for the two overlapping exchanges.
            Deadline deadline(c.options.timeout);
            PendingExpiry expiry(c, path, deadline);
            GError* error = nullptr;
            SecretValueRef value(secret_service_get_secret_for_dbus_path_sync(
                                     c.service.get(), path.c_str(), deadline.cancellable(), &error),
                                 &secret_value_unref);
            if (g_error_matches(error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED)) {
                g_error_free(error);
                fail_locked(c, key);
            }
            throw_if_error(error, deadline, "reading an item of collection " + c.collection_name);
            if (value == nullptr) {
                fail_locked(c, key);
            }
            const std::int64_t expires_at = expiry.expires_at();
            if (expires_at != 0 && tresor::plugin::unix_now() >= expires_at) {
                continue;  // libsecret wipes the value it holds
            }
            gsize length = 0;
            const gchar* bytes = secret_value_get(value.get(), &length);
            return sink(sink_ctx, reinterpret_cast<const uint8_t*>(bytes), length) == 0
                       ? TRESOR_OK
                       : TRESOR_INTERNAL;
        }
        return TRESOR_NOT_FOUND;
    });
}

tresor_status ss_remove(void* ctx, const tresor_key* key, int* removed, tresor_diag* diag) {
    return guarded(diag, [&] {
        const Context& c = as_context(ctx);
        *removed = 0;
        for (const Item& item : items_of(c, key)) {
            delete_item_path(c, item.path);
            // An expired item was already gone as far as get and list go.
            *removed = *removed != 0 || !item.expired() ? 1 : 0;
        }
        return TRESOR_OK;
    });
}

tresor_status ss_set(void* ctx, const tresor_key* key, const uint8_t* bytes, size_t length,
                     const tresor_entry* meta, tresor_diag* diag) {
    return guarded(diag, [&] {
        const Context& c = as_context(ctx);
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
        // Store first, then remove the entry's other items (older ones, with
        // other metadata attributes, or secret-tool's): a failed store
        // leaves the previous value in place. By D-Bus path throughout: an
        // item proxy would cost a round trip each.
        const auto previous = item_paths(c, key);
        // What secret_item_create sends, schema name included, so listing
        // (which matches the schema name) finds the item.
        attributes.add("xdg:schema", kSchema.name);
        GHashTable* properties = g_hash_table_new_full(
            g_str_hash, g_str_equal, nullptr, reinterpret_cast<GDestroyNotify>(g_variant_unref));
        g_hash_table_insert(properties, const_cast<char*>("org.freedesktop.Secret.Item.Label"),
                            g_variant_ref_sink(g_variant_new_string(label.c_str())));
        GVariantBuilder attrs;
        g_variant_builder_init(&attrs, G_VARIANT_TYPE("a{ss}"));
        GHashTableIter it;
        gpointer name = nullptr, text = nullptr;
        g_hash_table_iter_init(&it, attributes.get());
        while (g_hash_table_iter_next(&it, &name, &text)) {
            g_variant_builder_add(&attrs, "{ss}", static_cast<const char*>(name),
                                  static_cast<const char*>(text));
        }
        g_hash_table_insert(properties, const_cast<char*>("org.freedesktop.Secret.Item.Attributes"),
                            g_variant_ref_sink(g_variant_builder_end(&attrs)));
        SecretValue* value =
            secret_value_new(reinterpret_cast<const gchar*>(bytes), static_cast<gssize>(length),
                             "application/octet-stream");
        Deadline deadline(c.options.timeout);
        GError* error = nullptr;
        gchar* stored = secret_service_create_item_dbus_path_sync(
            c.service.get(), g_dbus_proxy_get_object_path(G_DBUS_PROXY(c.collection.get())),
            properties, value, SECRET_ITEM_CREATE_REPLACE, deadline.cancellable(), &error);
        secret_value_unref(value);
        g_hash_table_unref(properties);
        throw_if_error(error, deadline, "storing an item in collection " + c.collection_name);
        // With identical attributes the daemon replaced the item in place.
        const std::string stored_path = stored;
        g_free(stored);
        for (const std::string& path : previous) {
            if (path != stored_path) {
                delete_item_path(c, path);
            }
        }
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
        auto item = find(as_context(ctx), key);
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
    nullptr,  // set_many: the host sets a batch one by one
};

}  // namespace

extern "C" const tresor_plugin* tresor_plugin_secret_service_entry(uint32_t, uint32_t) {
    return &kPlugin;
}
