// plugins/secret-service — the freedesktop Secret Service (gnome-keyring,
// KeePassXC, KWallet's bridge) through libsecret.
//
// An entry (service, name) is every item of the collection whose `service`
// is the service and whose `account` — or, without one, `username` — is the
// name, whatever its schema name: so tresor reads what secret-tool, keytar,
// Bun.secrets, Python's keyring and keyring-rs wrote, and the newest of
// several items answers (item_rules.hpp has the rules). A set leaves one item
// in the convention its replaced item had, or for a new entry the one
// `schema` names; a remove removes them all. The backend is one collection:
// every search, write and removal stays in it. tresor's own metadata rides
// in the attributes `tresor-type`, `tresor-description` and `tresor-expires`.
//
// Parameters:
//   collection    alias of the collection to store in (default "default";
//                 "session" is the in-memory one)
//   schema        the convention of new entries: "generic" (default; keytar,
//                 keyring-rs, Python keyring, secret-tool), "bun" (Bun.secrets,
//                 keyring-rs, Python keyring, secret-tool) or "tresor"
//   timeout_ms    deadline for each D-Bus exchange (default 5000)
//   allow_prompt  unlock a locked collection with the daemon's prompt
//                 (default false: a locked collection is TRESOR_LOCKED)
//
// Never hangs: no session bus is unavailable at once (no autolaunch), the
// probe gives the bus at most a second, and every call is cancelled at its
// deadline.
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "plugins/secret-service/dbus_call.hpp"
#include "plugins/secret-service/glib_support.hpp"
#include "plugins/secret-service/item_rules.hpp"
#include "plugins/secret-service/item_search.hpp"
#include "plugins/secret-service/service_proxy.hpp"
#include "plugins/secret-service/session_bus.hpp"

namespace {

using namespace tresor::plugin;  // the kit: Entry, NewEntry, SecretOut, fail...
using tresor::secret_service::AttributeMap;
using tresor::secret_service::CollectionCalls;
using tresor::secret_service::Convention;
using tresor::secret_service::Deadline;
using tresor::secret_service::describe_items;
using tresor::secret_service::items_of;
using tresor::secret_service::ItemToWrite;
using tresor::secret_service::live;
using tresor::secret_service::live_entries;
using tresor::secret_service::PendingCall;
using tresor::secret_service::PendingSearch;
using tresor::secret_service::Ref;
using tresor::secret_service::require_secret_service;
using tresor::secret_service::require_session_bus;
using tresor::secret_service::search_items;
using tresor::secret_service::StoredItem;
using tresor::secret_service::take_probed_bus;
using tresor::secret_service::throw_if_error;

struct Options {
    std::string collection = SECRET_COLLECTION_DEFAULT;
    Convention schema = Convention::generic;
    std::chrono::milliseconds timeout{5000};
    bool allow_prompt = false;
};

Options read_options(Params& p) {
    Options o;
    o.collection = p.take_or("collection", o.collection);
    const std::string schema = p.take_or("schema", "generic");
    const auto convention = tresor::secret_service::convention_named(schema);
    if (!convention) {
        fail(TRESOR_INVALID_ARGUMENT,
             "parameter 'schema' must be \"generic\", \"bun\" or "
             "\"tresor\", not '" +
                 schema + "'");
    }
    o.schema = *convention;
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
    // Built only to unlock: every other call goes by D-Bus path.
    Ref<SecretCollection> collection;

    [[nodiscard]] CollectionCalls calls(const std::string& doing) const {
        return {service.get(), collection_path, options.timeout, doing};
    }
};

constexpr const char* kServicePath = "/org/freedesktop/secrets";
constexpr const char* kServiceInterface = "org.freedesktop.Secret.Service";
constexpr const char* kProperties = "org.freedesktop.DBus.Properties";

using VariantRef = std::unique_ptr<GVariant, decltype(&g_variant_unref)>;

// The entry of an item.
Entry entry_of(const StoredItem& item) {
    Entry e;
    e.service = item.attribute("service");
    e.name = tresor::secret_service::entry_name(item);
    e.id = item.path;
    e.type = tresor::secret_service::secret_type(item);
    e.label = item.label;
    e.description = tresor::secret_service::description(item);
    e.created_at = item.created;
    e.updated_at = item.modified;
    e.expires_at = tresor::secret_service::expires_at(item);
    return e;
}

// The collection's proxy, made on first use: only an unlock needs one.
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

// By D-Bus path: no item proxy needed.
void delete_item_path(const Context& ctx, const std::string& path) {
    Deadline deadline(ctx.options.timeout);
    GError* error = nullptr;
    secret_service_delete_item_dbus_path_sync(ctx.service.get(), path.c_str(),
                                              deadline.cancellable(), &error);
    throw_if_error(error, deadline, "removing an item from collection " + ctx.collection_name);
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

// The searches that find an entry's items: by `account`, and by `username`
// for the programs that write no `account` (item_rules.hpp).
std::vector<AttributeMap> entry_queries(const tresor_key& key) {
    return {{{"service", key.service}, {"account", key.name}},
            {{"service", key.service}, {"username", key.name}}};
}

// Every item either search finds, described (to be narrowed by items_of).
std::vector<StoredItem> entry_candidates(const Context& c, const tresor_key& key,
                                         const std::string& doing) {
    const CollectionCalls to = c.calls(doing);
    return describe_items(to, search_items(to, entry_queries(key)));
}

using SecretValueRef = std::unique_ptr<SecretValue, decltype(&secret_value_unref)>;

[[noreturn]] void fail_locked(const Context& c, const tresor_key& key) {
    fail(TRESOR_LOCKED, "Secret Service collection " + c.collection_name +
                            " is locked: cannot read " + key.service + "/" + key.name);
}

// The item's secret through the transfer session open_service
// opened (encrypted where the daemon agreed to it), as secret-tool reads it:
// from a GetSecrets answer, which leaves out an item that is locked.
SecretValueRef decode_secret(const Context& c, const tresor_key& key, GVariant* reply,
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

// A Service.GetSecrets for these items, sent at once, its answer encrypted
// for the transfer session.
std::unique_ptr<PendingCall> send_get_secrets(const Context& c,
                                              const std::vector<std::string>& paths,
                                              const std::string& doing) {
    std::vector<const gchar*> path_list;
    path_list.reserve(paths.size() + 1);
    for (const std::string& path : paths) {
        path_list.push_back(path.c_str());
    }
    path_list.push_back(nullptr);
    return std::make_unique<PendingCall>(
        c.service.get(), kServicePath, kServiceInterface, "GetSecrets",
        g_variant_new("(^aoo)", path_list.data(),
                      secret_service_get_session_dbus_path(c.service.get())),
        "(a{o(oayays)})", c.options.timeout, doing);
}

// An Attributes property value, "a{ss}".
GVariant* attributes_variant(const AttributeMap& attributes) {
    GVariantBuilder builder;
    g_variant_builder_init(&builder, G_VARIANT_TYPE("a{ss}"));
    for (const auto& [name, text] : attributes) {
        g_variant_builder_add(&builder, "{ss}", name.c_str(), text.c_str());
    }
    return g_variant_builder_end(&builder);
}

// The value as the other programs store and expect it: text is text/plain
// (libsecret's password calls return only text/plain or valid UTF-8).
SecretValueRef secret_value_of(Bytes bytes) {
    const auto* text = reinterpret_cast<const gchar*>(bytes.data());
    const auto length = static_cast<gssize>(bytes.size());
    return {secret_value_new(text, length,
                             g_utf8_validate(text, length, nullptr) != FALSE
                                 ? "text/plain"
                                 : "application/octet-stream"),
            &secret_value_unref};
}

// A Collection.CreateItem, sent at once, its secret encrypted for the
// transfer session: the daemon replaces in place an item with exactly these
// attributes (replace = true), or adds one.
std::unique_ptr<PendingCall> send_create(const Context& c, const ItemToWrite& write,
                                         SecretValue* value, const std::string& doing) {
    GVariantBuilder properties;
    g_variant_builder_init(&properties, G_VARIANT_TYPE("a{sv}"));
    g_variant_builder_add(&properties, "{sv}", "org.freedesktop.Secret.Item.Label",
                          g_variant_new_string(write.label.c_str()));
    g_variant_builder_add(&properties, "{sv}", "org.freedesktop.Secret.Item.Attributes",
                          attributes_variant(write.attributes));
    return std::make_unique<PendingCall>(
        c.service.get(), c.collection_path, "org.freedesktop.Secret.Collection", "CreateItem",
        g_variant_new("(a{sv}@(oayays)b)", &properties,
                      secret_service_encode_dbus_secret(c.service.get(), value), TRUE),
        "(oo)", c.options.timeout, doing);
}

// The item a CreateItem stored. A daemon that wants a prompt first (the
// collection was locked since open) shows it only where allow_prompt says so.
std::string created_item(const Context& c, PendingCall& create, const std::string& doing) {
    const VariantRef reply(create.take(), &g_variant_unref);
    const gchar* item = nullptr;
    const gchar* prompt = nullptr;
    g_variant_get(reply.get(), "(&o&o)", &item, &prompt);
    if (std::string_view(prompt) == "/") {
        return item;
    }
    if (!c.options.allow_prompt) {
        fail(TRESOR_LOCKED, "Secret Service collection " + c.collection_name +
                                " is locked: cannot store; unlock it, or set allow_prompt = true");
    }
    Deadline deadline(c.options.timeout);
    GError* error = nullptr;
    const VariantRef prompted(
        secret_service_prompt_at_dbus_path_sync(c.service.get(), prompt, deadline.cancellable(),
                                                G_VARIANT_TYPE_OBJECT_PATH, &error),
        &g_variant_unref);
    throw_if_error(error, deadline, doing, TRESOR_LOCKED);
    if (prompted == nullptr) {
        fail(TRESOR_LOCKED, "Secret Service collection " + c.collection_name +
                                " stayed locked: the prompt was dismissed");
    }
    return g_variant_get_string(prompted.get(), nullptr);
}

// Every service of an item tresor wrote: by its marker, and by the schema
// name every item of earlier versions carries.
std::vector<AttributeMap> tresors_services(const CollectionCalls& to) {
    const auto marked = describe_items(
        to,
        search_items(
            to,
            {{{tresor::secret_service::kTresorMarker, tresor::secret_service::kTresorMarkerValue}},
             {{tresor::secret_service::kSchemaAttribute, tresor::secret_service::kTresorSchema}}}));
    std::vector<AttributeMap> queries;
    std::set<std::string, std::less<>> services;
    for (const StoredItem& item : marked) {
        const std::string& service = item.attribute("service");
        if (tresor::secret_service::written_by_tresor(item) && !service.empty() &&
            services.insert(service).second) {
            queries.push_back({{"service", service}});
        }
    }
    return queries;
}

class SecretServicePlugin {
  public:
    static constexpr Info info{
        .name = "secret-service",
        .summary = "freedesktop Secret Service (gnome-keyring, KeePassXC) via libsecret",
        .capabilities = TRESOR_CAP_PERSISTENT | TRESOR_CAP_SHARED | TRESOR_CAP_LIST |
                        TRESOR_CAP_METADATA | TRESOR_CAP_BINARY | TRESOR_CAP_EXPIRY,
    };

    static void probe(Params& params) {
        const Options options = read_options(params);
        // The bus daemon answers at once; a bus that does not is as good as
        // none, and a probe must stay well under a second.
        require_secret_service(std::min(options.timeout, std::chrono::milliseconds(1000)));
    }

    explicit SecretServicePlugin(Params& params) {
        c_.options = read_options(params);
        require_session_bus();
        const Ref<GDBusConnection> probed_bus(take_probed_bus());
        std::optional<CollectionLookup> lookup;
        if (probed_bus.get() != nullptr) {
            lookup.emplace(probed_bus.get(), c_.options);
        }
        c_.service = tresor::secret_service::open_service(c_.options.timeout);
        // Registers the Secret Service's D-Bus error names, so that a plain
        // call refused with IsLocked reads as SECRET_ERROR_IS_LOCKED.
        (void)secret_error_get_quark();
        if (!lookup) {  // opened without a probe: asked for now
            lookup.emplace(g_dbus_proxy_get_connection(G_DBUS_PROXY(c_.service.get())), c_.options);
        }
        lookup->finish(c_);
        require_unlocked(c_);
    }

    // The searches by account and by username are sent together. Almost
    // every entry is one item that the search by account finds (the
    // username search finding it again, or nothing): so as soon as that
    // search answers with a lone item, its secret and attributes are asked
    // for, while the username search is still being answered, and they are
    // used when that search found no other item. Otherwise every item found
    // is read and the newest chosen; only its secret is decoded.
    bool get(const tresor_key& key, SecretOut& out) {
        const std::string doing = "reading an item of collection " + c_.collection_name;
        const CollectionCalls to = c_.calls(doing);
        PendingSearch search(to, entry_queries(key));
        std::vector<std::string> paths = search.take_next();
        std::unique_ptr<PendingCall> secrets;
        std::optional<tresor::secret_service::PendingAttributes> lone;
        if (paths.size() == 1) {
            secrets = send_get_secrets(c_, paths, doing);
            lone.emplace(to, paths.front());
        }
        const std::vector<std::string> more = search.take();
        std::vector<StoredItem> described;
        if (lone && more.empty()) {
            if (std::optional<StoredItem> item = lone->take()) {
                described.push_back(std::move(*item));
            }
        } else {
            lone.reset();
            paths.insert(paths.end(), more.begin(), more.end());
            if (paths.empty()) {
                return false;
            }
            secrets = send_get_secrets(c_, paths, doing);
            described = describe_items(to, paths, tresor::secret_service::Detail::to_choose);
        }
        const StoredItem* item = live(items_of(described, key.service, key.name), unix_now());
        const VariantRef secret_reply(secrets->take(), &g_variant_unref);
        if (item == nullptr) {
            return false;
        }
        if (item->locked) {
            fail_locked(c_, key);
        }
        const SecretValueRef value = decode_secret(c_, key, secret_reply.get(), item->path);
        gsize length = 0;
        const gchar* bytes = secret_value_get(value.get(), &length);
        out.give({reinterpret_cast<const uint8_t*>(bytes), length});
        return true;
    }

    // The item a new entry gets is also what an entry whose lone item tresor
    // wrote gets back (item_rules.hpp), and the daemon replaces an item with
    // exactly its attributes in place. So that item is sent right behind the
    // searches for the entry's items, without waiting for their answer: the
    // set of a new entry, or of one only tresor wrote with the same metadata,
    // is one round trip. Only when the searches found another item is more
    // needed: those items read, and, when the newest of them asks for other
    // attributes (another program's convention and attributes, an item tresor
    // wrote in another schema; other metadata alone asks for none), the
    // value stored once more in those; then every other item of the entry
    // is removed. Whether the daemon answered the searches before or after
    // the store, the item just stored is told apart by its path. An item beside the one replaced in
    // place was written after it (tresor's set leaves none beside its own),
    // so the newest of the others is the one whose convention is kept. The
    // entry's other items are removed only after a store succeeded: a failed
    // first store leaves the previous value in place; a failed second one
    // leaves the new value in tresor's convention beside the old items (get
    // reads the new one, the newest).
    void set(const tresor_key& key, Bytes bytes, const NewEntry& meta) {
        const std::string doing = "storing an item in collection " + c_.collection_name;
        const CollectionCalls to = c_.calls(doing);
        const SecretValueRef value = secret_value_of(bytes);
        const auto fresh = tresor::secret_service::item_to_write(key.service, key.name, meta,
                                                                 c_.options.schema, nullptr);
        PendingSearch search(to, entry_queries(key));
        const std::string stored =
            created_item(c_, *send_create(c_, fresh, value.get(), doing), doing);
        std::vector<std::string> others = search.take();
        std::erase(others, stored);
        if (others.empty()) {
            return;
        }
        const auto described = describe_items(to, others);
        const auto items = items_of(described, key.service, key.name);
        const auto write = tresor::secret_service::item_to_write(
            key.service, key.name, meta, c_.options.schema, tresor::secret_service::newest(items));
        std::string kept = stored;
        if (write != fresh) {
            kept = created_item(c_, *send_create(c_, write, value.get(), doing), doing);
            if (kept != stored) {
                delete_item_path(c_, stored);
            }
        }
        for (const StoredItem* item : items) {
            if (item->path != kept) {
                delete_item_path(c_, item->path);
            }
        }
    }

    bool remove(const tresor_key& key) {
        const auto described =
            entry_candidates(c_, key, "removing an item from collection " + c_.collection_name);
        const auto items = items_of(described, key.service, key.name);
        // An expired entry was already gone as far as get and list go.
        const bool removed = live(items, unix_now()) != nullptr;
        for (const StoredItem* item : items) {
            delete_item_path(c_, item->path);
        }
        return removed;
    }

    void list(std::optional<std::string_view> service, EntryOut& out) {
        const std::string doing = "listing collection " + c_.collection_name;
        const CollectionCalls to = c_.calls(doing);
        // Every service: the entries with an item tresor wrote (not every
        // other program's item of the collection), each answered by its
        // newest item, which may be another program's.
        const std::vector<AttributeMap> queries =
            service ? std::vector<AttributeMap>{{{"service", std::string(*service)}}}
                    : tresors_services(to);
        const auto described = describe_items(to, search_items(to, queries));
        for (const StoredItem* item : live_entries(described, unix_now(), !service)) {
            if (!out.add(entry_of(*item))) {
                break;
            }
        }
    }

    std::optional<Entry> stat(const tresor_key& key) {
        const auto described =
            entry_candidates(c_, key, "reading an item of collection " + c_.collection_name);
        const StoredItem* item = live(items_of(described, key.service, key.name), unix_now());
        return item != nullptr ? std::optional<Entry>(entry_of(*item)) : std::nullopt;
    }

  private:
    Context c_;
};

}  // namespace

TRESOR_PLUGIN_KIT(secret_service, SecretServicePlugin)
