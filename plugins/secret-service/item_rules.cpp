#include "plugins/secret-service/item_rules.hpp"

#include <charconv>
#include <tuple>
#include <utility>

namespace tresor::secret_service {

namespace {

constexpr const char* kType = "tresor-type";
constexpr const char* kDescription = "tresor-description";
constexpr const char* kExpires = "tresor-expires";

template <typename Number>
Number number_in(std::string_view text) {
    Number value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size() ? value : 0;
}

// What newest() compares, larger first.
auto recency(const StoredItem& item) {
    return std::make_tuple(item.modified, !written_by_tresor(item), item.created, item.path.size(),
                           std::string_view(item.path));
}

}  // namespace

std::optional<Convention> convention_named(std::string_view name) {
    if (name == "generic") {
        return Convention::generic;
    }
    if (name == "bun") {
        return Convention::bun;
    }
    if (name == "tresor") {
        return Convention::tresor;
    }
    return std::nullopt;
}

const char* schema_name(Convention convention) {
    switch (convention) {
        case Convention::generic:
            return "org.freedesktop.Secret.Generic";
        case Convention::bun:
            return "com.oven-sh.bun.Secret";
        case Convention::tresor:
            break;
    }
    return kTresorSchema;
}

const std::string& StoredItem::attribute(std::string_view key) const {
    static const std::string kNone;
    const auto it = attributes.find(key);
    return it != attributes.end() ? it->second : kNone;
}

const std::string& entry_name(const StoredItem& item) {
    const auto account = item.attributes.find("account");
    return account != item.attributes.end() ? account->second : item.attribute("username");
}

bool belongs_to(const StoredItem& item, std::string_view service, std::string_view name) {
    return !name.empty() && item.attribute("service") == service && entry_name(item) == name;
}

bool written_by_tresor(const StoredItem& item) {
    return item.attribute(kTresorMarker) == kTresorMarkerValue || item.attributes.count(kType) != 0;
}

std::int64_t expires_at(const StoredItem& item) {
    return number_in<std::int64_t>(item.attribute(kExpires));
}

std::uint32_t secret_type(const StoredItem& item) {
    return number_in<std::uint32_t>(item.attribute(kType));
}

const std::string& description(const StoredItem& item) {
    return item.attribute(kDescription);
}

bool expired(const StoredItem& item, std::int64_t now) {
    const std::int64_t at = expires_at(item);
    return at != 0 && now >= at;
}

std::vector<const StoredItem*> items_of(const std::vector<StoredItem>& items,
                                        std::string_view service, std::string_view name) {
    std::vector<const StoredItem*> out;
    for (const StoredItem& item : items) {
        if (belongs_to(item, service, name)) {
            out.push_back(&item);
        }
    }
    return out;
}

const StoredItem* newest(const std::vector<const StoredItem*>& items) {
    const StoredItem* best = nullptr;
    for (const StoredItem* item : items) {
        if (best == nullptr || recency(*item) > recency(*best)) {
            best = item;
        }
    }
    return best;
}

const StoredItem* live(const std::vector<const StoredItem*>& items, std::int64_t now) {
    const StoredItem* item = newest(items);
    return item != nullptr && !expired(*item, now) ? item : nullptr;
}

std::vector<const StoredItem*> live_entries(const std::vector<StoredItem>& items, std::int64_t now,
                                            bool only_tresors) {
    std::map<std::pair<std::string_view, std::string_view>, std::vector<const StoredItem*>> entries;
    for (const StoredItem& item : items) {
        if (!entry_name(item).empty()) {
            entries[{item.attribute("service"), entry_name(item)}].push_back(&item);
        }
    }
    std::vector<const StoredItem*> out;
    for (const auto& [key, its_items] : entries) {
        bool has_tresors = false;
        for (const StoredItem* item : its_items) {
            has_tresors = has_tresors || written_by_tresor(*item);
        }
        const StoredItem* item = live(its_items, now);
        if (item != nullptr && (has_tresors || !only_tresors)) {
            out.push_back(item);
        }
    }
    return out;
}

ItemToWrite item_to_write(std::string_view service, std::string_view name,
                          const tresor::plugin::NewEntry& meta, Convention convention,
                          const StoredItem* replaced) {
    ItemToWrite out;
    if (replaced != nullptr && replaced->attribute(kSchemaAttribute) != kTresorSchema) {
        out.attributes = replaced->attributes;
        for (const char* tresors : {kTresorMarker, kType, kDescription, kExpires}) {
            out.attributes.erase(tresors);
        }
    } else {
        out.attributes.emplace(kSchemaAttribute, schema_name(convention));
    }
    out.attributes.insert_or_assign("service", std::string(service));
    out.attributes.try_emplace("account", name);
    out.attributes.try_emplace("username", name);
    out.attributes.emplace(kTresorMarker, kTresorMarkerValue);
    out.attributes.emplace(kType, std::to_string(meta.type));
    if (!meta.description.empty()) {
        out.attributes.emplace(kDescription, meta.description);
    }
    if (meta.expires_at != 0) {
        out.attributes.emplace(kExpires, std::to_string(meta.expires_at));
    }
    if (!meta.label.empty()) {
        out.label = meta.label;
    } else if (replaced != nullptr && !written_by_tresor(*replaced) && !replaced->label.empty()) {
        out.label = replaced->label;
    } else {
        out.label = std::string(service) + "/" + std::string(name);
    }
    return out;
}

}  // namespace tresor::secret_service
