// plugins/common/plugin_kit.hpp — a backend is one C++ class; the plugin
// table of tresor/plugin.h is made from it once, here.
//
// The class (docs/PLUGINS.md has a whole one):
//
//   class Foo {
//     public:
//       static constexpr tresor::plugin::Info info{.name = "foo", ...};
//       static void probe(Params&);                  // optional: throw = unusable here
//       explicit Foo(Params&);                       // open; or Foo(Params&, const tresor_host*)
//       bool get(const tresor_key&, SecretOut&);     // false: no such entry
//       void set(const tresor_key&, Bytes value, const NewEntry&);
//       bool remove(const tresor_key&);              // true: there was one
//       void list(std::optional<std::string_view> service, EntryOut&);  // optional
//       std::optional<Entry> stat(const tresor_key&);                    // optional
//       void set_many(std::span<const BatchItem>);   // optional (ABI 1.1): all or none
//   };
//   TRESOR_PLUGIN_KIT(foo, Foo)   // defines tresor_plugin_foo_entry
//
// Written once for every backend: the guard that turns an exception into a
// status and its diagnostic (plugin_support.hpp), the parameters a backend
// did not take refused, the struct_size checks on what the host sends, the
// entry conversion, a secret sink called at most once (a refused one is
// TRESOR_INTERNAL), and a listing that stops when the
// host asks. The table is filled by name, as git fills ref_storage_be.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "plugins/common/plugin_support.hpp"

namespace tresor::plugin {

using Bytes = std::span<const std::uint8_t>;

// What the table says of the plugin before any call.
struct Info {
    const char* name;               // [a-z0-9-]+, as in the config's `plugin = "..."`
    const char* summary;            // one line for `tresor plugins`
    std::uint32_t capabilities;     // TRESOR_CAP_* bits
    const char* version = "0.1.0";  // the plugin's own
};

// What the host sets with a value; the backend keeps the times itself.
struct NewEntry {
    std::uint32_t type = TRESOR_TYPE_PASSWORD;
    std::string label;
    std::string description;
    std::int64_t expires_at = 0;  // 0: never
    std::string attributes;       // JSON text, "" for none (TRESOR_CAP_ATTRIBUTES)

    // From the host's meta, read only as far as its struct_size reaches.
    static NewEntry from(const tresor_entry& meta) {
        NewEntry n;
        n.type = meta.type;
        n.label = meta.label != nullptr ? meta.label : "";
        n.description = meta.description != nullptr ? meta.description : "";
        n.expires_at = meta.expires_at;
        if (TRESOR_STRUCT_HAS(&meta, tresor_entry, attributes) && meta.attributes != nullptr) {
            n.attributes = meta.attributes;
        }
        return n;
    }
};

// One entry's metadata, never its value, as a backend reports it.
struct Entry {
    std::string service;
    std::string name;
    std::string id;  // the backend's stable identifier, "" for none
    std::uint32_t type = TRESOR_TYPE_PASSWORD;
    std::string label;
    std::string description;
    std::int64_t created_at = 0;  // Unix seconds; 0: unknown
    std::int64_t updated_at = 0;
    std::int64_t last_used_at = 0;
    std::int64_t expires_at = 0;  // 0: never
    std::string attributes;

    // Borrows this entry's strings: valid while it lives, unchanged.
    [[nodiscard]] tresor_entry to_c() const {
        tresor_entry e{};
        e.struct_size = sizeof(e);
        e.service = service.c_str();
        e.name = name.c_str();
        e.id = id.empty() ? nullptr : id.c_str();
        e.type = type;
        e.label = label.c_str();
        e.description = description.c_str();
        e.created_at = created_at;
        e.updated_at = updated_at;
        e.last_used_at = last_used_at;
        e.expires_at = expires_at;
        e.attributes = attributes.c_str();
        return e;
    }
};

// One entry of set_many, its strings borrowed for the call.
struct BatchItem {
    const tresor_key& key;
    Bytes value;
    NewEntry meta;
};

// Where get puts a secret's bytes: the host's sink, given them at most once.
class SecretOut {
  public:
    SecretOut(tresor_secret_sink sink, void* ctx) : sink_(sink), ctx_(ctx) {}

    // The bytes stay the backend's: it wipes them after this returns.
    void give(Bytes value) {
        if (given_) {
            fail(TRESOR_INTERNAL, "the plugin gave a secret twice");
        }
        given_ = true;
        refused_ = sink_(ctx_, value.data(), value.size()) != 0;
    }

    [[nodiscard]] tresor_status status() const {
        if (!given_) {
            return TRESOR_INTERNAL;  // found, yet no value: a backend's bug
        }
        return refused_ ? TRESOR_INTERNAL : TRESOR_OK;
    }

  private:
    tresor_secret_sink sink_;
    void* ctx_;
    bool given_ = false;
    bool refused_ = false;
};

// Where list puts entries; add() is false once the host wants no more.
class EntryOut {
  public:
    EntryOut(tresor_entry_sink sink, void* ctx) : sink_(sink), ctx_(ctx) {}

    bool add(const Entry& entry) {
        if (!stopped_) {
            const tresor_entry e = entry.to_c();
            stopped_ = sink_(ctx_, &e) != 0;
        }
        return !stopped_;
    }

  private:
    tresor_entry_sink sink_;
    void* ctx_;
    bool stopped_ = false;
};

// The C table of a backend class: each static member is one ABI function.
template <typename Backend>
class Kit {
  public:
    static tresor_status probe(const tresor_param* params, size_t count, tresor_diag* diag) {
        return guarded(diag, [&] {
            // Without a probe of its own the backend is usable anywhere, and
            // its parameters are judged at open.
            if constexpr (requires(Params & p) { Backend::probe(p); }) {
                Params p(params, count);
                Backend::probe(p);
                p.reject_unknown(Backend::info.name);
            }
            return TRESOR_OK;
        });
    }

    static tresor_status open(const tresor_param* params, size_t count, const tresor_host* host,
                              void** ctx, tresor_diag* diag) {
        return guarded(diag, [&] {
            Params p(params, count);
            std::unique_ptr<Backend> backend;
            if constexpr (std::is_constructible_v<Backend, Params&, const tresor_host*>) {
                backend = std::make_unique<Backend>(p, host);
            } else {
                (void)host;
                backend = std::make_unique<Backend>(p);
            }
            p.reject_unknown(Backend::info.name);
            *ctx = backend.release();
            return TRESOR_OK;
        });
    }

    static void close(void* ctx) { delete static_cast<Backend*>(ctx); }

    static tresor_status get(void* ctx, const tresor_key* key, tresor_secret_sink sink,
                             void* sink_ctx, tresor_diag* diag) {
        return guarded(diag, [&] {
            SecretOut out(sink, sink_ctx);
            return self(ctx).get(*key, out) ? out.status() : TRESOR_NOT_FOUND;
        });
    }

    static tresor_status set(void* ctx, const tresor_key* key, const uint8_t* value, size_t length,
                             const tresor_entry* meta, tresor_diag* diag) {
        return guarded(diag, [&] {
            self(ctx).set(*key, Bytes(value, length), NewEntry::from(*meta));
            return TRESOR_OK;
        });
    }

    static tresor_status set_many(void* ctx, const tresor_batch_item* items, size_t count,
                                  tresor_diag* diag) {
        return guarded(diag, [&] {
            std::vector<BatchItem> batch;
            batch.reserve(count);
            for (size_t i = 0; i < count; ++i) {
                batch.push_back({*items[i].key, Bytes(items[i].value, items[i].value_length),
                                 NewEntry::from(*items[i].meta)});
            }
            self(ctx).set_many(std::span<const BatchItem>(batch));
            return TRESOR_OK;
        });
    }

    static tresor_status remove(void* ctx, const tresor_key* key, int* removed, tresor_diag* diag) {
        return guarded(diag, [&] {
            *removed = self(ctx).remove(*key) ? 1 : 0;
            return TRESOR_OK;
        });
    }

    static tresor_status list(void* ctx, const char* service, tresor_entry_sink sink,
                              void* sink_ctx, tresor_diag* diag) {
        return guarded(diag, [&] {
            EntryOut out(sink, sink_ctx);
            self(ctx).list(
                service != nullptr ? std::optional<std::string_view>(service) : std::nullopt, out);
            return TRESOR_OK;
        });
    }

    static tresor_status stat(void* ctx, const tresor_key* key, tresor_entry_sink sink,
                              void* sink_ctx, tresor_diag* diag) {
        return guarded(diag, [&] {
            const std::optional<Entry> entry = self(ctx).stat(*key);
            if (!entry) {
                return TRESOR_NOT_FOUND;
            }
            // A refusal is the host's own to report: it kept why (a field
            // it could not take) and says so once this returns.
            const tresor_entry e = entry->to_c();
            (void)sink(sink_ctx, &e);
            return TRESOR_OK;
        });
    }

    // list and stat only where the class has them (NULL: a backend that
    // keeps no listing, as tests/plugins/flaky_set_plugin.cpp).
    static constexpr decltype(tresor_plugin::list) list_slot() {
        if constexpr (requires(Backend & b, EntryOut & out) { b.list(std::nullopt, out); }) {
            return list;
        } else {
            return nullptr;
        }
    }
    static constexpr decltype(tresor_plugin::stat) stat_slot() {
        if constexpr (requires(Backend & b, const tresor_key& key) { b.stat(key); }) {
            return stat;
        } else {
            return nullptr;
        }
    }

    // set_many only where the class has it: without, the host sets a batch
    // one by one and undoes the earlier entries when one fails.
    static constexpr decltype(tresor_plugin::set_many) set_many_slot() {
        if constexpr (requires(Backend & b, std::span<const BatchItem> items) {
                          b.set_many(items);
                      }) {
            return set_many;
        } else {
            return nullptr;
        }
    }

    static constexpr tresor_plugin table = {
        .abi_major = TRESOR_PLUGIN_ABI_MAJOR,
        .abi_minor = TRESOR_PLUGIN_ABI_MINOR,
        .struct_size = sizeof(tresor_plugin),
        .capabilities = Backend::info.capabilities,
        .name = Backend::info.name,
        .version = Backend::info.version,
        .summary = Backend::info.summary,
        .probe = probe,
        .open = open,
        .close = close,
        .get = get,
        .set = set,
        .remove = remove,
        .list = list_slot(),
        .stat = stat_slot(),
        .set_many = set_many_slot(),
    };

  private:
    static Backend& self(void* ctx) { return *static_cast<Backend*>(ctx); }
};

}  // namespace tresor::plugin

// Defines the plugin's entry, tresor_plugin_<id>_entry (id: its name with
// '-' as '_'), returning Backend's table; cmake/TresorPlugin.cmake generates
// the exported tresor_plugin_entry that forwards to it.
#define TRESOR_PLUGIN_KIT(id, Backend)                                               \
    extern "C" const tresor_plugin* tresor_plugin_##id##_entry(uint32_t, uint32_t) { \
        return &::tresor::plugin::Kit<Backend>::table;                               \
    }
