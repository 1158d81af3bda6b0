// tests/integration/behaviour/plugin_client.hpp — calls one plugin module
// straight through its C ABI table, as the host would but with nothing of the
// host's chain in between, so a test sees the plugin's own statuses,
// diagnostics and timings.
//
// The module is loaded from the build tree (build/plugins/tresor-<name>.so)
// with the core's loader, which validates the table. Not thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "core/plugin_loader.hpp"
#include "support/test_support.hpp"
#include "tresor/plugin.h"

namespace tresor::test {

// A status with the plugin's diagnostic and how long the call took.
struct Outcome {
    tresor_status status = TRESOR_INTERNAL;
    std::string message;
    std::chrono::milliseconds elapsed{0};
};

// Two checks of an outcome: its status, and that its diagnostic says `words`.
inline void check_outcome(const Outcome& o, tresor_status status, const std::string& words) {
    BOOST_TEST(o.status == status, o.message);
    BOOST_TEST(o.message.find(words) != std::string::npos, o.message);
}

// A tresor_entry with its strings copied out of the callback.
struct EntryCopy {
    std::string service, name, id, label, description;
    std::uint32_t type = 0;
    std::int64_t created_at = 0, updated_at = 0, expires_at = 0;
};

using ParamList = std::vector<std::pair<std::string, std::string>>;

class PluginClient {
  public:
    explicit PluginClient(const std::string& name)
        : table_(
              core::load_plugin_file(build_dir() / "plugins" / ("tresor-" + name + ".so")).table) {}
    ~PluginClient() {
        if (ctx_ != nullptr) {
            table_->close(ctx_);
        }
    }
    PluginClient(const PluginClient&) = delete;
    PluginClient& operator=(const PluginClient&) = delete;

    [[nodiscard]] const tresor_plugin& table() const { return *table_; }

    Outcome probe(const ParamList& params = {}) const {
        const auto abi = to_abi(params);
        return timed([&](tresor_diag* d) { return table_->probe(abi.data(), abi.size(), d); });
    }

    Outcome open(const ParamList& params = {}) {
        const auto abi = to_abi(params);
        return timed([&](tresor_diag* d) {
            return table_->open(abi.data(), abi.size(), nullptr, &ctx_, d);
        });
    }

    Outcome set(const std::string& service, const std::string& name, const std::string& value,
                tresor_entry meta = {}) {
        const tresor_key key{service.c_str(), name.c_str()};
        meta.struct_size = sizeof(meta);
        return timed([&](tresor_diag* d) {
            return table_->set(ctx_, &key, reinterpret_cast<const uint8_t*>(value.data()),
                               value.size(), &meta, d);
        });
    }

    // The value, or empty for NOT_FOUND; *outcome gets the status either way.
    std::optional<std::string> get(const std::string& service, const std::string& name,
                                   Outcome* outcome = nullptr) {
        const tresor_key key{service.c_str(), name.c_str()};
        Taken taken;
        const Outcome o =
            timed([&](tresor_diag* d) { return table_->get(ctx_, &key, &Taken::sink, &taken, d); });
        if (outcome != nullptr) {
            *outcome = o;
        }
        sink_calls_ = taken.calls;
        return o.status == TRESOR_OK ? std::optional(taken.value) : std::nullopt;
    }

    // How often the last get called its sink (the ABI says: once).
    [[nodiscard]] int sink_calls() const { return sink_calls_; }

    // Whether something was removed; *outcome gets the status.
    bool remove(const std::string& service, const std::string& name, Outcome* outcome = nullptr) {
        const tresor_key key{service.c_str(), name.c_str()};
        int removed = -1;
        const Outcome o =
            timed([&](tresor_diag* d) { return table_->remove(ctx_, &key, &removed, d); });
        if (outcome != nullptr) {
            *outcome = o;
        }
        return o.status == TRESOR_OK && removed == 1;
    }

    std::vector<EntryCopy> list(const std::optional<std::string>& service,
                                Outcome* outcome = nullptr) {
        std::vector<EntryCopy> entries;
        const Outcome o = timed([&](tresor_diag* d) {
            return table_->list(ctx_, service ? service->c_str() : nullptr, &collect, &entries, d);
        });
        if (outcome != nullptr) {
            *outcome = o;
        }
        return entries;
    }

    std::optional<EntryCopy> stat(const std::string& service, const std::string& name) {
        const tresor_key key{service.c_str(), name.c_str()};
        std::vector<EntryCopy> entries;
        tresor_diag diag{};
        if (table_->stat(ctx_, &key, &collect, &entries, &diag) != TRESOR_OK || entries.empty()) {
            return std::nullopt;
        }
        return entries.front();
    }

  private:
    struct Taken {
        std::string value;
        int calls = 0;
        static int sink(void* ctx, const uint8_t* bytes, size_t length) {
            auto* taken = static_cast<Taken*>(ctx);
            taken->value.assign(reinterpret_cast<const char*>(bytes), length);
            ++taken->calls;
            return 0;
        }
    };

    static int collect(void* ctx, const tresor_entry* e) {
        auto text = [](const char* s) { return std::string(s != nullptr ? s : ""); };
        static_cast<std::vector<EntryCopy>*>(ctx)->push_back(
            {text(e->service), text(e->name), text(e->id), text(e->label), text(e->description),
             e->type, e->created_at, e->updated_at, e->expires_at});
        return 0;
    }

    static std::vector<tresor_param> to_abi(const ParamList& params) {
        std::vector<tresor_param> abi;
        for (const auto& [key, value] : params) {
            abi.push_back({key.c_str(), value.c_str()});
        }
        return abi;
    }

    template <typename Call>
    static Outcome timed(Call&& call) {
        tresor_diag diag{};
        const auto start = std::chrono::steady_clock::now();
        Outcome o;
        o.status = call(&diag);
        o.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
        o.message = diag.message;
        return o;
    }

    const tresor_plugin* table_;
    void* ctx_ = nullptr;
    int sink_calls_ = 0;
};

}  // namespace tresor::test
