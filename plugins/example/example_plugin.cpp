// plugins/example — the whole of a backend written with the plugin kit
// (docs/PLUGINS.md walks through it): values in process memory, wiped when
// replaced, removed or closed, at most `max_entries` of them. No metadata,
// no expiry, and its capabilities say so. Built for the tests, never installed.
#include <map>
#include <string>
#include <utility>

#include "plugins/common/plugin_kit.hpp"
#include "tresor/secret.hpp"

namespace {

using namespace tresor::plugin;

class Example {
  public:
    static constexpr Info info{
        .name = "example",
        .summary = "the plugin kit's example: a bounded in-process store (tests only)",
        .capabilities = TRESOR_CAP_LIST | TRESOR_CAP_BINARY,
    };

    // Parameters the kit does not see taken are refused after this returns.
    explicit Example(Params& params)
        : max_entries_(params.take_uint("max_entries", 1000, 1, 1000000)) {}

    bool get(const tresor_key& key, SecretOut& out) {
        const auto it = values_.find({key.service, key.name});
        if (it == values_.end()) {
            return false;
        }
        out.give(it->second);
        return true;
    }

    void set(const tresor_key& key, Bytes value, const NewEntry&) {
        auto [it, added] = values_.try_emplace({key.service, key.name});
        if (added && values_.size() > max_entries_) {
            values_.erase(it);
            fail(TRESOR_INVALID_ARGUMENT,
                 "the example store is full (max_entries = " + std::to_string(max_entries_) + ")");
        }
        it->second.assign(value.begin(), value.end());
    }

    bool remove(const tresor_key& key) { return values_.erase({key.service, key.name}) == 1; }

    void list(std::optional<std::string_view> service, EntryOut& out) {
        for (const auto& [names, value] : values_) {
            if (service && names.first != *service) {
                continue;
            }
            Entry entry;
            entry.service = names.first;
            entry.name = names.second;
            if (!out.add(entry)) {
                return;
            }
        }
    }

    std::optional<Entry> stat(const tresor_key& key) {
        if (!values_.contains({key.service, key.name})) {
            return std::nullopt;
        }
        Entry entry;
        entry.service = key.service;
        entry.name = key.name;
        return entry;
    }

  private:
    std::map<std::pair<std::string, std::string>, tresor::SecureBytes> values_;
    std::uint64_t max_entries_;
};

}  // namespace

TRESOR_PLUGIN_KIT(example, Example)
