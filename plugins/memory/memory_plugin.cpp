// plugins/memory — an in-process, ephemeral backend: each opened context is a
// fresh, empty store that lives until it is closed. For tests, and for
// programs that want the tresor API without persistence. Values sit in
// tresor's secure memory (platform/secure_memory.hpp, linked into this
// module) and are wiped when replaced, removed or closed.
#include <map>
#include <string>
#include <utility>

#include "plugins/common/plugin_kit.hpp"
#include "tresor/secret.hpp"

namespace {

using namespace tresor::plugin;  // the kit: Entry, NewEntry, SecretOut, fail...

class Memory {
  public:
    static constexpr Info info{
        .name = "memory",
        .summary = "in-process, ephemeral store (tests, embedding without persistence)",
        .capabilities = TRESOR_CAP_LIST | TRESOR_CAP_METADATA | TRESOR_CAP_BINARY |
                        TRESOR_CAP_EXPIRY | TRESOR_CAP_ATTRIBUTES,
    };

    explicit Memory(Params&) {}

    bool get(const tresor_key& key, SecretOut& out) {
        Record* r = find_live(key);
        if (r == nullptr) {
            return false;
        }
        r->entry.last_used_at = unix_now();
        out.give(r->value);
        return true;
    }

    void set(const tresor_key& key, Bytes value, const NewEntry& meta) {
        const std::int64_t now = unix_now();
        Record* existing = find_live(key);
        Record& r = existing != nullptr ? *existing : records_[{key.service, key.name}];
        if (existing == nullptr) {
            r.entry.service = key.service;
            r.entry.name = key.name;
            r.entry.id = std::to_string(next_id_++);
            r.entry.created_at = now;
        }
        r.value.assign(value.begin(), value.end());
        r.entry.type = meta.type;
        r.entry.label = meta.label;
        r.entry.description = meta.description;
        r.entry.expires_at = meta.expires_at;
        r.entry.attributes = meta.attributes;
        r.entry.updated_at = now;
    }

    bool remove(const tresor_key& key) {
        const bool removed = find_live(key) != nullptr;
        records_.erase({key.service, key.name});
        return removed;
    }

    void list(std::optional<std::string_view> service, EntryOut& out) {
        const std::int64_t now = unix_now();
        auto it = service ? records_.lower_bound({std::string(*service), std::string()})
                          : records_.begin();
        for (; it != records_.end() && (!service || it->first.first == *service); ++it) {
            if (!expired(it->second, now) && !out.add(it->second.entry)) {
                break;
            }
        }
    }

    std::optional<Entry> stat(const tresor_key& key) {
        const Record* r = find_live(key);
        return r != nullptr ? std::optional<Entry>(r->entry) : std::nullopt;
    }

  private:
    struct Record {
        tresor::SecureBytes value;
        Entry entry;
    };

    static bool expired(const Record& r, std::int64_t now) {
        return r.entry.expires_at != 0 && now >= r.entry.expires_at;
    }

    // Finds a live record; an expired one is dropped on the way, as if it never was.
    Record* find_live(const tresor_key& key) {
        auto it = records_.find({key.service, key.name});
        if (it == records_.end()) {
            return nullptr;
        }
        if (expired(it->second, unix_now())) {
            records_.erase(it);
            return nullptr;
        }
        return &it->second;
    }

    // Ordered by (service, name) so list() is sorted and per-service ranges are cheap.
    std::map<std::pair<std::string, std::string>, Record> records_;
    std::uint64_t next_id_ = 1;
};

}  // namespace

TRESOR_PLUGIN_KIT(memory, Memory)
