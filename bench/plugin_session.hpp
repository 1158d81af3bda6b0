// bench/plugin_session.hpp — one plugin module opened straight through its C
// ABI table (loaded by the core's loader from the build tree), as the host
// calls it but without the host's chain: what the benchmarks time as "the
// plugin".
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/plugin_loader.hpp"
#include "tresor/plugin.h"
#include "tresor/secret.hpp"

namespace tresor::bench {

class PluginSession {
  public:
    using Params = std::vector<std::pair<std::string, std::string>>;

    // Throws std::runtime_error with the plugin's diagnostic when the backend
    // cannot be opened here.
    PluginSession(const std::string& plugin, const Params& params)
        : table_(core::load_plugin_file(std::string(TRESOR_BENCH_PLUGIN_DIR) + "/tresor-" + plugin +
                                        ".so")
                     .table) {
        std::vector<tresor_param> abi;
        for (const auto& [k, v] : params) {
            abi.push_back({k.c_str(), v.c_str()});
        }
        tresor_diag diag{};
        if (table_->probe(abi.data(), abi.size(), &diag) != TRESOR_OK ||
            table_->open(abi.data(), abi.size(), nullptr, &ctx_, &diag) != TRESOR_OK) {
            throw std::runtime_error(plugin + ": " + diag.message);
        }
    }
    ~PluginSession() { table_->close(ctx_); }
    PluginSession(const PluginSession&) = delete;
    PluginSession& operator=(const PluginSession&) = delete;

    void set(const char* service, const char* name, std::span<const std::uint8_t> value) {
        const tresor_key key{service, name};
        tresor_entry meta{};
        meta.struct_size = sizeof(meta);
        tresor_diag diag{};
        expect(table_->set(ctx_, &key, value.data(), value.size(), &meta, &diag), diag);
    }

    // The value is copied into wiped memory, as the host does.
    SecureBytes get(const char* service, const char* name) {
        const tresor_key key{service, name};
        SecureBytes value;
        tresor_diag diag{};
        expect(table_->get(ctx_, &key, &take, &value, &diag), diag);
        return value;
    }

    bool remove(const char* service, const char* name) {
        const tresor_key key{service, name};
        int removed = 0;
        tresor_diag diag{};
        expect(table_->remove(ctx_, &key, &removed, &diag), diag);
        return removed != 0;
    }

  private:
    static int take(void* ctx, const std::uint8_t* bytes, std::size_t length) {
        static_cast<SecureBytes*>(ctx)->assign(bytes, bytes + length);
        return 0;
    }
    static void expect(tresor_status status, const tresor_diag& diag) {
        if (status != TRESOR_OK) {
            throw std::runtime_error(diag.message);
        }
    }

    const tresor_plugin* table_;
    void* ctx_ = nullptr;
};

}  // namespace tresor::bench
