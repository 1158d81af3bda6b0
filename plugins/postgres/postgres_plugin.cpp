// plugins/postgres — the fleet store: the vault engine (vault/) with its
// records in PostgreSQL (vault/stores/postgres_store.hpp), so several hosts
// share one vault that the database can neither read nor silently change.
// Parameters: vault/settings.hpp; set-up, grants and failover: docs/FLEET.md.
//
// The vault is made by `tresor --backend NAME vault init` (create = false by
// default): a typo in a conninfo must not start a second, empty fleet.
#include "plugins/common/vault_backend.hpp"
#include "vault/stores/postgres_store.hpp"

namespace {

struct FleetStore {
    static constexpr tresor::vault::StoreKind kind = tresor::vault::StoreKind::postgres;
    static tresor::vault::StoreAccess access(const tresor::vault::Settings& s) {
        return tresor::vault::postgres_store_access(
            {s.conninfo, s.vault_name, s.statement_timeout_ms});
    }
};

constexpr tresor_plugin kPostgresPlugin = tresor::plugin::vault_plugin_table<FleetStore>(
    "postgres", "fleet vault in PostgreSQL (client-side encryption, host recipients)");

}  // namespace

extern "C" const tresor_plugin* tresor_plugin_postgres_entry(uint32_t, uint32_t) {
    return &kPostgresPlugin;
}
