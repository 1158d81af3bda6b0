// vault/stores/store_access.hpp — the store a vault backend's settings name:
// the SQLite file (plugin "vault") or the fleet store (plugin "postgres").
// For `tresor vault`, which administers either; each plugin uses its own.
#pragma once

#include "vault/record_store.hpp"
#include "vault/settings.hpp"

namespace tresor::vault {

[[nodiscard]] StoreAccess store_access(const Settings& settings);

}  // namespace tresor::vault
