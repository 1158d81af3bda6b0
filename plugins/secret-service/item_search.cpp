#include "plugins/secret-service/item_search.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <memory>
#include <set>
#include <utility>

#include "plugins/secret-service/dbus_call.hpp"

namespace tresor::secret_service {

namespace {

using VariantRef = std::unique_ptr<GVariant, decltype(&g_variant_unref)>;

// Enough to hide the round trips, few enough that a listing of a large
// collection does not hold thousands of calls open at once.
constexpr std::size_t kDescribedAtOnce = 64;

std::int64_t seconds(GVariant* properties, const char* name) {
    guint64 value = 0;
    if (g_variant_lookup(properties, name, "t", &value) == FALSE) {
        return 0;
    }
    return static_cast<std::int64_t>(
        std::min<guint64>(value, std::numeric_limits<std::int64_t>::max()));
}

// An Attributes value; one of another type than "a{ss}" is taken as none.
void read_attributes(GVariant* attributes, AttributeMap& into) {
    if (attributes == nullptr || !g_variant_is_of_type(attributes, G_VARIANT_TYPE("a{ss}"))) {
        return;
    }
    GVariantIter it;
    g_variant_iter_init(&it, attributes);
    const gchar* key = nullptr;
    const gchar* value = nullptr;
    while (g_variant_iter_next(&it, "{&s&s}", &key, &value)) {
        into.emplace(key, value);
    }
}

// A Properties.GetAll reply, "(a{sv})"; a property of another type than the
// specification's is taken as absent.
StoredItem item_from(const std::string& path, GVariant* reply) {
    StoredItem item;
    item.path = path;
    const VariantRef properties(g_variant_get_child_value(reply, 0), &g_variant_unref);
    const VariantRef attributes(
        g_variant_lookup_value(properties.get(), "Attributes", G_VARIANT_TYPE("a{ss}")),
        &g_variant_unref);
    read_attributes(attributes.get(), item.attributes);
    const gchar* label = nullptr;
    if (g_variant_lookup(properties.get(), "Label", "&s", &label) != FALSE) {
        item.label = label;
    }
    item.created = seconds(properties.get(), "Created");
    item.modified = seconds(properties.get(), "Modified");
    gboolean locked = FALSE;
    item.locked =
        g_variant_lookup(properties.get(), "Locked", "b", &locked) != FALSE && locked != FALSE;
    return item;
}

}  // namespace

PendingSearch::PendingSearch(const CollectionCalls& to, const std::vector<AttributeMap>& queries) {
    for (const AttributeMap& query : queries) {
        GVariantBuilder attributes;
        g_variant_builder_init(&attributes, G_VARIANT_TYPE("a{ss}"));
        for (const auto& [key, value] : query) {
            g_variant_builder_add(&attributes, "{ss}", key.c_str(), value.c_str());
        }
        searches_.push_back(std::make_unique<PendingCall>(
            to.service, to.collection_path, "org.freedesktop.Secret.Collection", "SearchItems",
            g_variant_new("(a{ss})", &attributes), "(ao)", to.timeout, to.doing));
    }
}

PendingSearch::~PendingSearch() = default;

std::vector<std::string> PendingSearch::take_next() {
    std::vector<std::string> paths;
    if (taken_ == searches_.size()) {
        return paths;
    }
    const VariantRef reply(searches_[taken_++]->take(), &g_variant_unref);
    GVariantIter* found = nullptr;
    const gchar* path = nullptr;
    g_variant_get(reply.get(), "(ao)", &found);
    while (g_variant_iter_next(found, "&o", &path)) {
        if (seen_.emplace(path).second) {
            paths.emplace_back(path);
        }
    }
    g_variant_iter_free(found);
    return paths;
}

std::vector<std::string> PendingSearch::take() {
    std::vector<std::string> paths;
    while (taken_ < searches_.size()) {
        std::vector<std::string> found = take_next();
        paths.insert(paths.end(), std::make_move_iterator(found.begin()),
                     std::make_move_iterator(found.end()));
    }
    return paths;
}

PendingAttributes::PendingAttributes(const CollectionCalls& to, std::string path)
    : path_(std::move(path)),
      get_(std::make_unique<PendingCall>(
          to.service, path_, "org.freedesktop.DBus.Properties", "Get",
          g_variant_new("(ss)", "org.freedesktop.Secret.Item", "Attributes"), "(v)", to.timeout,
          to.doing)) {}

PendingAttributes::~PendingAttributes() = default;

std::optional<StoredItem> PendingAttributes::take() {
    const VariantRef reply(get_->take_if_answered(), &g_variant_unref);
    if (reply == nullptr) {
        return std::nullopt;
    }
    GVariant* boxed = nullptr;
    g_variant_get(reply.get(), "(v)", &boxed);
    const VariantRef attributes(boxed, &g_variant_unref);
    StoredItem item;
    item.path = path_;
    read_attributes(attributes.get(), item.attributes);
    return item;
}

std::vector<std::string> search_items(const CollectionCalls& to,
                                      const std::vector<AttributeMap>& queries) {
    return PendingSearch(to, queries).take();
}

std::vector<StoredItem> describe_items(const CollectionCalls& to,
                                       const std::vector<std::string>& paths, Detail detail) {
    std::vector<StoredItem> items;
    if (detail == Detail::to_choose && paths.size() == 1) {
        if (std::optional<StoredItem> item = PendingAttributes(to, paths.front()).take()) {
            items.push_back(std::move(*item));
        }
        return items;
    }
    std::deque<std::unique_ptr<PendingCall>> pending;
    std::size_t sent = 0;
    for (const std::string& path : paths) {
        for (; sent < paths.size() && pending.size() < kDescribedAtOnce; ++sent) {
            pending.push_back(std::make_unique<PendingCall>(
                to.service, paths[sent], "org.freedesktop.DBus.Properties", "GetAll",
                g_variant_new("(s)", "org.freedesktop.Secret.Item"), "(a{sv})", to.timeout,
                to.doing));
        }
        const VariantRef reply(pending.front()->take_if_answered(), &g_variant_unref);
        pending.pop_front();
        if (reply != nullptr) {
            items.push_back(item_from(path, reply.get()));
        }
    }
    return items;
}

}  // namespace tresor::secret_service
