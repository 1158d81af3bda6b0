// core/chain.hpp — which backend serves a request.
//
// A forced backend (OpenOptions::backend, $TRESOR_BACKEND) serves everything.
// Otherwise the first [routes] glob matching the service names its backend,
// and every other service goes to the first backend of `chain` that is
// usable here. Backends are probed lazily, once per Store.
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/config.hpp"
#include "core/backend.hpp"
#include "core/plugin_catalog.hpp"

namespace tresor::core {

class Chain {
  public:
    Chain(const conf::Config& config, const PluginCatalog& catalog,
          const std::optional<std::string>& forced_backend, const tresor_host* host);

    // The backend that serves service. Throws Error{unavailable} naming every
    // backend tried and why, or the error of a backend that refused.
    [[nodiscard]] Backend& serving(std::string_view service);

    // Every distinct backend that serves some service: the chain's serving
    // backend and each routed one that is usable. For list() of all services.
    [[nodiscard]] std::vector<Backend*> all_serving();

    // Probes every backend (never throws for an unusable one).
    [[nodiscard]] std::vector<BackendStatus> statuses();

  private:
    Backend& first_usable_of_chain();
    Backend& require_usable(Backend& backend);

    std::vector<std::unique_ptr<Backend>> backends_;  // config order
    std::vector<Backend*> chain_;
    std::vector<std::pair<std::string, Backend*>> routes_;  // glob, backend
    Backend* forced_ = nullptr;
};

}  // namespace tresor::core
