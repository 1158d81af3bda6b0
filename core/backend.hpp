// core/backend.hpp — one configured backend: a plugin table, its parameters
// and, once opened, its context. Converts the ABI's statuses into
// tresor::Error messages that name the backend.
//
// Thread safety: every method may be called from any thread; calls into the
// plugin context are serialized here, as plugin.h promises plugins.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "conf/config.hpp"
#include "core/plugin_catalog.hpp"
#include "tresor/store.hpp"

namespace tresor::core {

class Backend {
  public:
    // Loads the plugin now. A plugin that exists but cannot be loaded makes
    // the backend unusable with the loader's reason; an unknown plugin name
    // throws Error{config} unless tolerate_unknown_plugin (the built-in
    // default chain names plugins a build may leave out).
    Backend(conf::BackendConfig config, const PluginCatalog& catalog, const tresor_host* host,
            bool tolerate_unknown_plugin);
    ~Backend();
    Backend(const Backend&) = delete;
    Backend& operator=(const Backend&) = delete;

    [[nodiscard]] const std::string& name() const noexcept { return config_.name; }

    // Probes and opens on first call; the answer is kept for this Store.
    // False with reason() when the backend is not usable here (the chain
    // moves on). Throws when it is reachable but refuses (locked, wrong
    // password): falling back then would split a user's secrets.
    [[nodiscard]] bool usable();
    // Runs only the plugin's probe (no open, no prompt), once per Store.
    [[nodiscard]] bool probe();
    [[nodiscard]] BackendStatus status() const;

    [[nodiscard]] std::optional<Secret> get(const Key& key);
    void set(const Key& key, const Secret& value, const SetOptions& options);
    // All or none: the plugin's set_many (ABI 1.1) when it has one, else set
    // one by one, restoring what each replaced when a later one fails.
    void set_many(std::span<const NewSecret> items);
    [[nodiscard]] bool remove(const Key& key);
    void list(const std::string* service, std::vector<Entry>& out);
    [[nodiscard]] std::optional<Entry> stat(const Key& key);

  private:
    enum class State { untried, probed, usable, unavailable };

    bool probe_locked();
    // Records the outcome of probe or open: unavailable, an error, or next.
    bool advance(tresor_status status, const tresor_diag& diag, State next);
    [[noreturn]] void fail(tresor_status status, const tresor_diag& diag) const;
    void check(tresor_status status, const tresor_diag& diag) const;
    std::unique_lock<std::mutex> open_context();
    // The calls themselves, with the lock held.
    std::optional<Secret> get_locked(const Key& key);
    void set_locked(const Key& key, const Secret& value, const SetOptions& options);
    // options.attributes as the ABI carries them; refused for a plugin that
    // cannot keep them.
    [[nodiscard]] std::string attributes_for(const SetOptions& options) const;
    bool remove_locked(const Key& key);
    std::optional<Entry> stat_locked(const Key& key);
    void set_one_by_one_locked(std::span<const NewSecret> items);

    conf::BackendConfig config_;
    std::vector<tresor_param> params_;  // points into config_.params
    const tresor_host* host_;
    const tresor_plugin* plugin_ = nullptr;
    std::string origin_;
    mutable std::mutex mutex_;
    State state_ = State::untried;
    std::string reason_;
    void* context_ = nullptr;
};

}  // namespace tresor::core
