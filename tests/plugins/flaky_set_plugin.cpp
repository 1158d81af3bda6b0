// An in-memory plugin whose Nth set() fails (TRESOR_IO), to test how the host
// undoes a batch it had to write one entry at a time (issue 10):
//   fail_on_set = N   the Nth set of the context fails; 0 never (default)
// It has no set_many, list or stat: an ABI 1.0 table, like every plugin
// built before ABI 1.1, made from the plugin kit's.
#include <cstddef>
#include <map>
#include <string>
#include <utility>

#include "plugins/common/plugin_kit.hpp"

namespace {

using namespace tresor::plugin;  // the kit: Params, SecretOut, Bytes, fail...

class FlakySet {
    std::map<std::pair<std::string, std::string>, std::string> values_;
    std::uint64_t fail_on_set_;
    std::uint64_t sets_ = 0;

  public:
    static constexpr Info info{
        .name = "flaky-set",
        .summary = "fails its Nth set (tests only)",
        .capabilities = 0,
        .version = "0.0.1",
    };

    explicit FlakySet(Params& p) : fail_on_set_(p.take_uint("fail_on_set", 0, 0, 1000)) {}

    bool get(const tresor_key& key, SecretOut& out) {
        const auto it = values_.find({key.service, key.name});
        if (it == values_.end()) {
            return false;
        }
        out.give(
            Bytes(reinterpret_cast<const std::uint8_t*>(it->second.data()), it->second.size()));
        return true;
    }

    void set(const tresor_key& key, Bytes value, const NewEntry&) {
        if (++sets_ == fail_on_set_) {
            fail(TRESOR_IO,
                 "flaky-set plugin: set " + std::to_string(sets_) + " fails as configured");
        }
        values_[{key.service, key.name}].assign(value.begin(), value.end());
    }

    bool remove(const tresor_key& key) { return values_.erase({key.service, key.name}) > 0; }
};

// The kit's table, cut to what ABI 1.0 had.
constexpr tresor_plugin kPlugin = [] {
    tresor_plugin table = Kit<FlakySet>::table;
    table.abi_minor = 0;
    table.struct_size = offsetof(tresor_plugin, set_many);
    return table;
}();

}  // namespace

extern "C" __attribute__((visibility("default"))) const tresor_plugin* tresor_plugin_entry(
    uint32_t, uint32_t) {
    return &kPlugin;
}
