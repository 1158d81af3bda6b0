#include "core/chain.hpp"

#include <algorithm>

#include "tresor/error.hpp"

namespace tresor::core {
namespace {

std::vector<std::string> names_of(const conf::Config& config) {
    std::vector<std::string> names;
    for (const auto& backend : config.backends) {
        names.push_back(backend.name);
    }
    return names;
}

}  // namespace

Chain::Chain(const conf::Config& config, const PluginCatalog& catalog,
             const std::optional<std::string>& forced_backend, const tresor_host* host) {
    const bool built_in = config.source == conf::default_config().source;
    std::vector<conf::BackendConfig> configs = config.backends;
    // A forced name that is no configured backend may name a plugin: it then
    // runs with that plugin's defaults (e.g. --backend memory).
    if (forced_backend && config.find_backend(*forced_backend) == nullptr) {
        const auto plugins = catalog.available_names();
        if (std::find(plugins.begin(), plugins.end(), *forced_backend) == plugins.end()) {
            std::string message = "no backend or plugin named '" + *forced_backend +
                                  "' (backends in " + config.source + ": ";
            const auto backends = names_of(config);
            for (std::size_t i = 0; i < backends.size(); ++i) {
                message += (i == 0 ? "" : ", ") + backends[i];
            }
            message += "; plugins: ";
            for (std::size_t i = 0; i < plugins.size(); ++i) {
                message += (i == 0 ? "" : ", ") + plugins[i];
            }
            throw Error(ErrorCode::config, message + ")");
        }
        configs.push_back({*forced_backend, *forced_backend, {}, {"--backend", 0, 0}});
    }
    for (auto& backend_config : configs) {
        backends_.push_back(
            std::make_unique<Backend>(std::move(backend_config), catalog, host, built_in));
    }
    auto find = [&](std::string_view name) -> Backend* {
        for (auto& backend : backends_) {
            if (backend->name() == name) {
                return backend.get();
            }
        }
        return nullptr;
    };
    for (const auto& name : config.chain) {
        chain_.push_back(find(name));
    }
    for (const auto& route : config.routes) {
        routes_.emplace_back(route.service_glob, find(route.backend));
    }
    if (forced_backend) {
        forced_ = find(*forced_backend);
    }
}

Backend& Chain::require_usable(Backend& backend) {
    if (!backend.usable()) {
        throw Error(ErrorCode::unavailable,
                    "backend '" + backend.name() + "' is not usable: " + backend.status().reason);
    }
    return backend;
}

Backend& Chain::first_usable_of_chain() {
    std::string reasons;
    for (Backend* backend : chain_) {
        if (backend->usable()) {
            return *backend;
        }
        reasons += "\n  " + backend->name() + ": " + backend->status().reason;
    }
    throw Error(ErrorCode::unavailable, "no usable backend in the chain:" + reasons);
}

Backend& Chain::serving(std::string_view service) {
    if (forced_ != nullptr) {
        return require_usable(*forced_);
    }
    for (auto& [glob, backend] : routes_) {
        if (conf::route_glob_matches(glob, service)) {
            return require_usable(*backend);
        }
    }
    return first_usable_of_chain();
}

std::vector<Backend*> Chain::all_serving() {
    if (forced_ != nullptr) {
        return {&require_usable(*forced_)};
    }
    std::vector<Backend*> out{&first_usable_of_chain()};
    for (auto& [glob, backend] : routes_) {
        if (std::find(out.begin(), out.end(), backend) == out.end() && backend->usable()) {
            out.push_back(backend);
        }
    }
    return out;
}

std::vector<BackendStatus> Chain::statuses() {
    std::vector<BackendStatus> out;
    for (auto& backend : backends_) {
        try {
            (void)backend->probe();
            out.push_back(backend->status());
        } catch (const Error& e) {
            BackendStatus status = backend->status();
            status.reason = e.what();
            out.push_back(std::move(status));
        }
    }
    // Which one would serve, judged by probes alone: opening could prompt.
    const Backend* serving_backend = forced_;
    for (std::size_t i = 0; serving_backend == nullptr && i < chain_.size(); ++i) {
        for (const auto& status : out) {
            if (status.name == chain_[i]->name() && status.usable) {
                serving_backend = chain_[i];
            }
        }
    }
    for (auto& status : out) {
        status.serving = serving_backend != nullptr && status.name == serving_backend->name();
    }
    return out;
}

}  // namespace tresor::core
