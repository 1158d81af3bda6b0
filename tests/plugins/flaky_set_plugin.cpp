// An in-memory plugin whose Nth set() fails (TRESOR_IO), to test how the host
// undoes a batch it had to write one entry at a time (issue 10):
//   fail_on_set = N   the Nth set of the context fails; 0 never (default)
// It has no set_many, like every plugin built before ABI 1.1.
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "plugins/common/plugin_support.hpp"

namespace {

using tresor::plugin::guarded;
using tresor::plugin::Params;

struct Context {
    std::map<std::pair<std::string, std::string>, std::string> values;
    std::uint64_t fail_on_set = 0;
    std::uint64_t sets = 0;
};

Context& as_context(void* ctx) {
    return *static_cast<Context*>(ctx);
}

tresor_status probe(const tresor_param*, size_t, tresor_diag*) {
    return TRESOR_OK;
}

tresor_status open(const tresor_param* params, size_t count, const tresor_host*, void** ctx,
                   tresor_diag* diag) {
    return guarded(diag, [&] {
        Params p(params, count);
        auto context = std::make_unique<Context>();
        context->fail_on_set = p.take_uint("fail_on_set", 0, 0, 1000);
        p.reject_unknown("flaky-set");
        *ctx = context.release();
        return TRESOR_OK;
    });
}

void close(void* ctx) {
    delete static_cast<Context*>(ctx);
}

tresor_status get(void* ctx, const tresor_key* key, tresor_secret_sink sink, void* sink_ctx,
                  tresor_diag* diag) {
    return guarded(diag, [&] {
        const auto& values = as_context(ctx).values;
        const auto it = values.find({key->service, key->name});
        if (it == values.end()) {
            return TRESOR_NOT_FOUND;
        }
        const auto* bytes = reinterpret_cast<const uint8_t*>(it->second.data());
        return sink(sink_ctx, bytes, it->second.size()) == 0 ? TRESOR_OK : TRESOR_INTERNAL;
    });
}

tresor_status set(void* ctx, const tresor_key* key, const uint8_t* value, size_t length,
                  const tresor_entry*, tresor_diag* diag) {
    return guarded(diag, [&] {
        Context& c = as_context(ctx);
        if (++c.sets == c.fail_on_set) {
            tresor::plugin::fail(TRESOR_IO, "flaky-set plugin: set " + std::to_string(c.sets) +
                                                " fails as configured");
        }
        c.values[{key->service, key->name}].assign(reinterpret_cast<const char*>(value), length);
        return TRESOR_OK;
    });
}

tresor_status remove(void* ctx, const tresor_key* key, int* removed, tresor_diag* diag) {
    return guarded(diag, [&] {
        *removed = as_context(ctx).values.erase({key->service, key->name}) > 0 ? 1 : 0;
        return TRESOR_OK;
    });
}

constexpr tresor_plugin kPlugin = {
    .abi_major = TRESOR_PLUGIN_ABI_MAJOR,
    .abi_minor = 0,
    .struct_size = offsetof(tresor_plugin, set_many),
    .capabilities = 0,
    .name = "flaky-set",
    .version = "0.0.1",
    .summary = "fails its Nth set (tests only)",
    .probe = probe,
    .open = open,
    .close = close,
    .get = get,
    .set = set,
    .remove = remove,
    .list = nullptr,
    .stat = nullptr,
    .set_many = nullptr,
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const tresor_plugin* tresor_plugin_entry(
    uint32_t, uint32_t) {
    return &kPlugin;
}
