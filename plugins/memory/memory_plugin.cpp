// plugins/memory — an in-process, ephemeral backend: each opened context is a
// fresh, empty store that lives until it is closed. For tests, and for
// programs that want the tresor API without persistence. Values sit in
// tresor's secure memory (platform/secure_memory.hpp, linked into this
// module) and are wiped when replaced, removed or closed.
#include <chrono>
#include <cstring>
#include <map>
#include <string>
#include <utility>

#include "plugins/common/plugin_support.hpp"
#include "tresor/secret.hpp"

namespace {

using tresor::plugin::guarded;
using tresor::plugin::Params;

struct Record {
    tresor::SecureBytes value;
    std::string id;
    std::uint32_t type = TRESOR_TYPE_PASSWORD;
    std::string label;
    std::string description;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::int64_t last_used_at = 0;
    std::int64_t expires_at = 0;
    std::string attributes;
};

struct Context {
    // Ordered by (service, name) so list() is sorted and per-service ranges are cheap.
    std::map<std::pair<std::string, std::string>, Record> records;
    std::uint64_t next_id = 1;
};

bool expired(const Record& r, std::int64_t now) {
    return r.expires_at != 0 && now >= r.expires_at;
}

std::string nullable(const char* s) {
    return s != nullptr ? std::string(s) : std::string();
}

tresor_entry to_entry(const std::pair<std::string, std::string>& key, const Record& r) {
    tresor_entry e{};
    e.struct_size = sizeof(tresor_entry);
    e.service = key.first.c_str();
    e.name = key.second.c_str();
    e.id = r.id.c_str();
    e.type = r.type;
    e.label = r.label.c_str();
    e.description = r.description.c_str();
    e.created_at = r.created_at;
    e.updated_at = r.updated_at;
    e.last_used_at = r.last_used_at;
    e.expires_at = r.expires_at;
    e.attributes = r.attributes.c_str();
    return e;
}

// Finds a live record; an expired one is dropped on the way, as if it never was.
Record* find_live(Context& ctx, const tresor_key* key) {
    auto it = ctx.records.find({key->service, key->name});
    if (it == ctx.records.end()) {
        return nullptr;
    }
    if (expired(it->second, tresor::plugin::unix_now())) {
        ctx.records.erase(it);
        return nullptr;
    }
    return &it->second;
}

tresor_status memory_probe(const tresor_param*, size_t, tresor_diag*) {
    return TRESOR_OK;
}

tresor_status memory_open(const tresor_param* params, size_t count, const tresor_host*, void** ctx,
                          tresor_diag* diag) {
    return guarded(diag, [&] {
        Params(params, count).reject_unknown("memory");
        *ctx = new Context();
        return TRESOR_OK;
    });
}

void memory_close(void* ctx) {
    delete static_cast<Context*>(ctx);
}

tresor_status memory_get(void* ctx, const tresor_key* key, tresor_secret_sink sink, void* sink_ctx,
                         tresor_diag* diag) {
    return guarded(diag, [&] {
        Record* r = find_live(*static_cast<Context*>(ctx), key);
        if (r == nullptr) {
            return TRESOR_NOT_FOUND;
        }
        r->last_used_at = tresor::plugin::unix_now();
        return sink(sink_ctx, r->value.data(), r->value.size()) == 0 ? TRESOR_OK : TRESOR_INTERNAL;
    });
}

tresor_status memory_set(void* ctx, const tresor_key* key, const uint8_t* value, size_t length,
                         const tresor_entry* meta, tresor_diag* diag) {
    return guarded(diag, [&] {
        auto& c = *static_cast<Context*>(ctx);
        const std::int64_t now = tresor::plugin::unix_now();
        Record* existing = find_live(c, key);
        Record& r = existing != nullptr ? *existing : c.records[{key->service, key->name}];
        if (existing == nullptr) {
            r.id = std::to_string(c.next_id++);
            r.created_at = now;
        }
        r.value.assign(value, value + length);
        r.type = meta->type;
        r.label = nullable(meta->label);
        r.description = nullable(meta->description);
        r.expires_at = meta->expires_at;
        r.attributes = TRESOR_STRUCT_HAS(meta, tresor_entry, attributes)
                           ? nullable(meta->attributes)
                           : std::string();
        r.updated_at = now;
        return TRESOR_OK;
    });
}

tresor_status memory_remove(void* ctx, const tresor_key* key, int* removed, tresor_diag* diag) {
    return guarded(diag, [&] {
        auto& c = *static_cast<Context*>(ctx);
        *removed = find_live(c, key) != nullptr ? 1 : 0;
        c.records.erase({key->service, key->name});
        return TRESOR_OK;
    });
}

tresor_status memory_list(void* ctx, const char* service, tresor_entry_sink sink, void* sink_ctx,
                          tresor_diag* diag) {
    return guarded(diag, [&] {
        auto& c = *static_cast<Context*>(ctx);
        const std::int64_t now = tresor::plugin::unix_now();
        auto it = service != nullptr ? c.records.lower_bound({service, std::string()})
                                     : c.records.begin();
        for (; it != c.records.end(); ++it) {
            if (service != nullptr && it->first.first != service) {
                break;
            }
            if (expired(it->second, now)) {
                continue;
            }
            const tresor_entry e = to_entry(it->first, it->second);
            if (sink(sink_ctx, &e) != 0) {
                break;
            }
        }
        return TRESOR_OK;
    });
}

tresor_status memory_stat(void* ctx, const tresor_key* key, tresor_entry_sink sink, void* sink_ctx,
                          tresor_diag* diag) {
    return guarded(diag, [&] {
        Record* r = find_live(*static_cast<Context*>(ctx), key);
        if (r == nullptr) {
            return TRESOR_NOT_FOUND;
        }
        // Named: the entry borrows these strings until the sink returns.
        const std::pair<std::string, std::string> id{key->service, key->name};
        const tresor_entry e = to_entry(id, *r);
        sink(sink_ctx, &e);
        return TRESOR_OK;
    });
}

constexpr tresor_plugin kMemoryPlugin = {
    TRESOR_PLUGIN_ABI_MAJOR,
    TRESOR_PLUGIN_ABI_MINOR,
    sizeof(tresor_plugin),
    TRESOR_CAP_LIST | TRESOR_CAP_METADATA | TRESOR_CAP_BINARY | TRESOR_CAP_EXPIRY |
        TRESOR_CAP_ATTRIBUTES,
    "memory",
    "0.1.0",
    "in-process, ephemeral store (tests, embedding without persistence)",
    memory_probe,
    memory_open,
    memory_close,
    memory_get,
    memory_set,
    memory_remove,
    memory_list,
    memory_stat,
    nullptr,  // set_many: the host sets a batch one by one
};

}  // namespace

extern "C" const tresor_plugin* tresor_plugin_memory_entry(uint32_t, uint32_t) {
    return &kMemoryPlugin;
}
