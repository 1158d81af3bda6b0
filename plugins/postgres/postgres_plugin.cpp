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
    static constexpr const char* name = "postgres";
    static constexpr const char* summary =
        "fleet vault in PostgreSQL (client-side encryption, host recipients)";
    static constexpr tresor::vault::StoreKind kind = tresor::vault::StoreKind::postgres;
    static tresor::vault::StoreAccess access(const tresor::vault::Settings& s) {
        return tresor::vault::postgres_store_access(
            {s.conninfo, s.vault_name, s.statement_timeout_ms});
    }
};

}  // namespace

TRESOR_PLUGIN_KIT(postgres, tresor::plugin::VaultBackend<FleetStore>)
