// plugins/secret-service/item_rules.hpp — which Secret Service items make up
// an entry, which one holds its value, and what a set writes. Pure code over
// the attributes and times the daemon reported (no D-Bus here), so the rules
// are tested without a daemon (tests/unit/plugins_linux).
//
// Other programs keep the same secrets in the same collection under their own
// conventions: Bun.secrets (schema com.oven-sh.bun.Secret), keytar
// (org.freedesktop.Secret.Generic), both with `service` + `account`; Python's
// keyring and keyring-rs with `service` + `username` and no schema name;
// secret-tool with whatever it is given. An entry (service, name) is every
// item with that `service` whose `account` is the name, or, without an
// `account`, whose `username` is — whatever its schema name.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/common/plugin_kit.hpp"

namespace tresor::secret_service {

using AttributeMap = std::map<std::string, std::string, std::less<>>;

// The attribute libsecret keeps its schema name in.
inline constexpr const char* kSchemaAttribute = "xdg:schema";
// On every item tresor writes, with this value: how tresor recognises its
// own items whatever schema name they carry.
inline constexpr const char* kTresorMarker = "tresor-entry";
inline constexpr const char* kTresorMarkerValue = "1";
// The schema name every item of tresor before this convention carries (each
// also has tresor-type, which marks it as tresor's).
inline constexpr const char* kTresorSchema = "org.tresor.Secret";

// The convention a new entry is written in (parameter `schema`).
enum class Convention {
    generic,  // org.freedesktop.Secret.Generic: keytar's, libsecret's generic schema
    bun,      // com.oven-sh.bun.Secret: Bun.secrets'
    tresor,   // org.tresor.Secret: none but attribute-matching programs
};

std::optional<Convention> convention_named(std::string_view name);
const char* schema_name(Convention convention);

// One item of the collection as the daemon describes it; never its secret.
struct StoredItem {
    std::string path;
    AttributeMap attributes;
    std::string label;
    std::int64_t created = 0;
    std::int64_t modified = 0;  // 0: the daemon gave no modification time
    bool locked = false;

    // The attribute's value, or "" when the item has none.
    [[nodiscard]] const std::string& attribute(std::string_view key) const;
};

// The entry name an item answers to: its `account`, else its `username`;
// empty when it has neither (the item is no entry).
const std::string& entry_name(const StoredItem& item);
bool belongs_to(const StoredItem& item, std::string_view service, std::string_view name);
// By attribute (the marker, or tresor-type on items tresor wrote before it).
bool written_by_tresor(const StoredItem& item);

// tresor's metadata attributes; 0 / TRESOR_TYPE_PASSWORD / "" when absent.
std::int64_t expires_at(const StoredItem& item);
std::uint32_t secret_type(const StoredItem& item);
const std::string& description(const StoredItem& item);
bool expired(const StoredItem& item, std::int64_t now);

// The items of (service, name) among these.
std::vector<const StoredItem*> items_of(const std::vector<StoredItem>& items,
                                        std::string_view service, std::string_view name);

// Of the items of one entry, the one that holds its value: the most recently
// modified. Ties (gnome-keyring counts in whole seconds; 0 for a daemon that
// gives no time, older than any time) go to an item another program wrote
// over one of tresor's (tresor's set leaves no other item beside its own, so
// such an item was written after it), then to the later created, then to the
// larger object path, so that every call picks the same one. nullptr for none.
const StoredItem* newest(const std::vector<const StoredItem*>& items);

// The entry as get, stat, list and remove see it: its newest item, unless
// that one has expired (nullptr then: an older item is an older value).
const StoredItem* live(const std::vector<const StoredItem*>& items, std::int64_t now);

// One live entry per (service, name) among these items (items of no entry
// skipped). With only_tresors, only entries at least one of whose items
// tresor wrote.
std::vector<const StoredItem*> live_entries(const std::vector<StoredItem>& items, std::int64_t now,
                                            bool only_tresors);

// The item a set writes for (service, name). Over an existing entry
// (`replaced`: its newest item) it keeps that item's schema name and
// attributes, so the program that made it still finds it — except an item of
// tresor's old schema name, which is rewritten in `convention`. A new entry
// gets `convention`'s schema name. Both get `service`, `account` and
// `username` (where the item has none of its own; an existing one is kept),
// the marker and tresor's metadata attributes. The label is meta's, else the
// replaced item's when another program made it, else "SERVICE/NAME".
struct ItemToWrite {
    AttributeMap attributes;
    std::string label;

    bool operator==(const ItemToWrite&) const = default;
};
ItemToWrite item_to_write(std::string_view service, std::string_view name,
                          const tresor::plugin::NewEntry& meta, Convention convention,
                          const StoredItem* replaced);

}  // namespace tresor::secret_service
