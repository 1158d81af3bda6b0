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

#include "plugins/secret-service/dbus_call.hpp"
#include "plugins/secret-service/glib_support.hpp"
#include "plugins/secret-service/session_bus.hpp"

namespace {

using tresor::plugin::fail;
using tresor::plugin::guarded;
using tresor::plugin::Params;
using tresor::secret_service::call;
using tresor::secret_service::Deadline;
using tresor::secret_service::PendingCall;
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
    std::string collection_path;
    std::string collection_name;  // "Login (alias default)", for messages
    bool collection_locked = true;
    // Built on the first search that needs item proxies (list, stat,
    // remove): get and set go by D-Bus path and never pay for it.
    Ref<SecretCollection> collection;
};

constexpr const char* kServicePath = "/org/freedesktop/secrets";
constexpr const char* kServiceInterface = "org.freedesktop.Secret.Service";
constexpr const char* kProperties = "org.freedesktop.DBus.Properties";

using VariantRef = std::unique_ptr<GVariant, decltype(&g_variant_unref)>;

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

// The collection's proxy, made on first use: only list, stat, remove and an
// unlock need one (get and set send plain calls, which cost no GetAll and no
// signal subscriptions).
SecretCollection* collection_proxy(Context& ctx, const Deadline& deadline) {
    if (ctx.collection.get() == nullptr) {
        GError* error = nullptr;
        ctx.collection = Ref<SecretCollection>(secret_collection_new_for_dbus_path_sync(
            ctx.service.get(), ctx.collection_path.c_str(), SECRET_COLLECTION_NONE,
            deadline.cancellable(), &error));
        throw_if_error(error, deadline, "opening collection " + ctx.collection_name);
    }
    return ctx.collection.get();
}

// The matching items of the configured collection only: the backend is that
// collection, as secret-tool's default is the default collection.
std::vector<Item> search(Context& ctx, const SecretSchema& schema, const Attributes& query,
                         SecretSearchFlags flags) {
    Deadline deadline(ctx.options.timeout);
    GError* error = nullptr;
    GList* found =
        secret_collection_search_sync(collection_proxy(ctx, deadline), &schema, query.get(), flags,
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

std::vector<Item> items_of(Context& ctx, const tresor_key* key) {
    Attributes query;
    query.add("service", key->service).add("account", key->name);
    return search(ctx, kSchema, query, SECRET_SEARCH_ALL);
}

// The entry's live item, with its metadata (no secret loaded).
std::optional<Item> find(Context& ctx, const tresor_key* key) {
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

// The value in a Properties.Get reply.
GVariant* unboxed(GVariant* reply) {
    GVariant* value = nullptr;
    g_variant_get(reply, "(v)", &value);
    return value;
}

// The collection behind the alias, asked for in one go: ReadAlias, and its
// Label and Locked read through the alias's own object path
// (/org/freedesktop/secrets/aliases/NAME, which the specification gives
// every alias). Plain calls: a SecretCollection proxy would cost two more
// round trips and signal subscriptions. Sent before the session is opened,
// on the probe's connection, they are answered while it is.
class CollectionLookup {
  public:
    CollectionLookup(GDBusConnection* bus, const Options& options)
        : bus_(bus),
          options_(options),
          doing_("finding collection '" + options.collection + "'"),
          path_(bus, kServicePath, kServiceInterface, "ReadAlias",
                g_variant_new("(s)", options.collection.c_str()), "(o)", options.timeout, doing_),
          label_(property("/org/freedesktop/secrets/aliases/" + options.collection, "Label")),
          locked_(property("/org/freedesktop/secrets/aliases/" + options.collection, "Locked")) {}

    void finish(Context& context) {
        const VariantRef found(path_.take(TRESOR_UNAVAILABLE), &g_variant_unref);
        const gchar* path = nullptr;
        g_variant_get(found.get(), "(&o)", &path);
        context.collection_path = path;
        if (context.collection_path == "/") {
            fail(TRESOR_UNAVAILABLE,
                 "the Secret Service has no collection '" + options_.collection + "'");
        }
        VariantRef label(label_->take_if_answered(TRESOR_UNAVAILABLE), &g_variant_unref);
        VariantRef locked(locked_->take_if_answered(TRESOR_UNAVAILABLE), &g_variant_unref);
        if (label == nullptr || locked == nullptr) {  // no alias paths: by the collection's own
            label_ = property(context.collection_path, "Label");
            locked_ = property(context.collection_path, "Locked");
            label.reset(label_->take(TRESOR_UNAVAILABLE));
            locked.reset(locked_->take(TRESOR_UNAVAILABLE));
        }
        const VariantRef label_value(unboxed(label.get()), &g_variant_unref);
        const VariantRef locked_value(unboxed(locked.get()), &g_variant_unref);
        const char* text = g_variant_is_of_type(label_value.get(), G_VARIANT_TYPE_STRING)
                               ? g_variant_get_string(label_value.get(), nullptr)
                               : "";
        context.collection_name = std::string(text) + " (alias " + options_.collection + ")";
        // A collection that does not say it is open is taken as locked.
        context.collection_locked =
            !g_variant_is_of_type(locked_value.get(), G_VARIANT_TYPE_BOOLEAN) ||
            g_variant_get_boolean(locked_value.get()) != FALSE;
    }

  private:
    std::unique_ptr<PendingCall> property(const std::string& path, const char* name) const {
        return std::make_unique<PendingCall>(
            bus_, path, kProperties, "Get",
            g_variant_new("(ss)", "org.freedesktop.Secret.Collection", name), "(v)",
            options_.timeout, doing_);
    }

    GDBusConnection* bus_;
    const Options& options_;
    std::string doing_;
    PendingCall path_;
    std::unique_ptr<PendingCall> label_, locked_;
};

// A locked collection is refused, or unlocked through the daemon's prompt
// where the configuration allows one.
void require_unlocked(Context& context) {
    if (!context.collection_locked) {
        return;
    }
    const auto timeout = context.options.timeout;
    const std::string& name = context.collection_name;
    if (!context.options.allow_prompt) {
        fail(TRESOR_LOCKED, "Secret Service collection " + name +
                                " is locked; unlock it, or set allow_prompt = true");
    }
    Deadline deadline(timeout);
    GError* error = nullptr;
    // Through the collection's proxy: libsecret 0.20's unlock by D-Bus path
    // leaks its prompt's proxy data (LeakSanitizer), the one by object does
    // not. The count, not a Locked property read again: the prompt's answer.
    GList* objects = g_list_append(nullptr, collection_proxy(context, deadline));
    const gint unlocked = secret_service_unlock_sync(context.service.get(), objects,
                                                     deadline.cancellable(), nullptr, &error);
    g_list_free(objects);
    throw_if_error(error, deadline, "unlocking collection " + name, TRESOR_LOCKED);
    if (unlocked < 1) {
        fail(TRESOR_LOCKED, "Secret Service collection " + name +
                                " stayed locked: the unlock prompt was dismissed or "
                                "could not be shown");
    }
}

tresor_status ss_open(const tresor_param* params, size_t count, const tresor_host*, void** ctx,
                      tresor_diag* diag) {
    return guarded(diag, [&] {
        auto context = std::make_unique<Context>();
        context->options = read_options(params, count);
        require_session_bus();
        const Ref<GDBusConnection> probed_bus(take_probed_bus());
        std::optional<CollectionLookup> lookup;
        if (probed_bus.get() != nullptr) {
            lookup.emplace(probed_bus.get(), context->options);
        }
        {
            Deadline deadline(context->options.timeout);
            GError* error = nullptr;
            context->service = Ref<SecretService>(secret_service_get_sync(
                SECRET_SERVICE_OPEN_SESSION, deadline.cancellable(), &error));
            throw_if_error(error, deadline, "opening a session", TRESOR_UNAVAILABLE);
        }
        // Registers the Secret Service's D-Bus error names, so that a plain
        // call refused with IsLocked reads as SECRET_ERROR_IS_LOCKED.
        (void)secret_error_get_quark();
        if (!lookup) {  // opened without a probe: asked for now
            lookup.emplace(g_dbus_proxy_get_connection(G_DBUS_PROXY(context->service.get())),
                           context->options);
        }
        lookup->finish(*context);
        require_unlocked(*context);
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

// The entry's item paths: one SearchItems on the collection, no SecretItem
// proxies (building one costs a round trip and signal subscriptions).
std::vector<std::string> item_paths(const Context& c, const tresor_key* key) {
    GVariantBuilder query;
    g_variant_builder_init(&query, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&query, "{ss}", "service", key->service);
    g_variant_builder_add(&query, "{ss}", "account", key->name);
    GVariant* reply = call(c.service.get(), c.collection_path, "org.freedesktop.Secret.Collection",
                           "SearchItems", g_variant_new("(a{ss})", &query), "(ao)",
                           c.options.timeout, "searching collection " + c.collection_name);
    GVariantIter* paths = nullptr;
    const gchar* path = nullptr;
    g_variant_get(reply, "(ao)", &paths);
    std::vector<std::string> out;
    while (g_variant_iter_next(paths, "&o", &path)) {
        out.emplace_back(path);
    }
    g_variant_iter_free(paths);
    g_variant_unref(reply);
    return out;
}

// An item's tresor-expires attribute (0: none) from a Properties.Get reply.
std::int64_t expires_at(GVariant* reply) {
    GVariant* attributes = unboxed(reply);
    const char* expires = nullptr;
    std::int64_t at = 0;
    if (g_variant_is_of_type(attributes, G_VARIANT_TYPE("a{ss}")) &&
        g_variant_lookup(attributes, "tresor-expires", "&s", &expires)) {
        at = std::strtoll(expires, nullptr, 10);
    }
    g_variant_unref(attributes);
    return at;
}

using SecretValueRef = std::unique_ptr<SecretValue, decltype(&secret_value_unref)>;

[[noreturn]] void fail_locked(const Context& c, const tresor_key* key) {
    fail(TRESOR_LOCKED, "Secret Service collection " + c.collection_name +
                            " is locked: cannot read " + key->service + "/" + key->name);
}

// The item's secret through the transfer session secret_service_get_sync
// opened (encrypted where the daemon agreed to it), as secret-tool reads it:
// one GetSecrets, whose answer leaves out an item that is locked.
SecretValueRef decode_secret(const Context& c, const tresor_key* key, GVariant* reply,
                             const std::string& path) {
    GVariant* secrets = g_variant_get_child_value(reply, 0);
    GVariant* encoded = g_variant_lookup_value(secrets, path.c_str(), G_VARIANT_TYPE("(oayays)"));
    g_variant_unref(secrets);
    if (encoded == nullptr) {
        fail_locked(c, key);
    }
    SecretValueRef value(secret_service_decode_dbus_secret(c.service.get(), encoded),
                         &secret_value_unref);
    g_variant_unref(encoded);
    if (value == nullptr) {
        fail(TRESOR_IO, "the Secret Service sent a secret this session cannot decode (collection " +
                            c.collection_name + ")");
    }
    return value;
}

tresor_status ss_get(void* ctx, const tresor_key* key, tresor_secret_sink sink, void* sink_ctx,
                     tresor_diag* diag) {
    return guarded(diag, [&] {
        const Context& c = as_context(ctx);
        const std::string doing = "reading an item of collection " + c.collection_name;
        for (const std::string& path : item_paths(c, key)) {
            // The attributes and the secret asked for at once: the two round
            // trips overlap.
            PendingCall attributes(
                c.service.get(), path, kProperties, "Get",
                g_variant_new("(ss)", "org.freedesktop.Secret.Item", "Attributes"), "(v)",
                c.options.timeout, doing);
            const gchar* paths[] = {path.c_str(), nullptr};
            PendingCall secret(c.service.get(), kServicePath, kServiceInterface, "GetSecrets",
                               g_variant_new("(^aoo)", paths,
                                             secret_service_get_session_dbus_path(c.service.get())),
                               "(a{o(oayays)})", c.options.timeout, doing);
            const VariantRef secret_reply(secret.take(), &g_variant_unref);
            const VariantRef attributes_reply(attributes.take(), &g_variant_unref);
            const SecretValueRef value = decode_secret(c, key, secret_reply.get(), path);
            const std::int64_t expires = expires_at(attributes_reply.get());
            if (expires != 0 && tresor::plugin::unix_now() >= expires) {
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
        Context& c = as_context(ctx);
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
            c.service.get(), c.collection_path.c_str(), properties, value,
            SECRET_ITEM_CREATE_REPLACE, deadline.cancellable(), &error);
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
