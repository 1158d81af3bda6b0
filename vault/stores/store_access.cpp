#include "vault/stores/store_access.hpp"

#include "vault/stores/postgres_store.hpp"
#include "vault/stores/sqlite_store.hpp"

namespace tresor::vault {

StoreAccess store_access(const Settings& s) {
    switch (s.store) {
        case StoreKind::postgres:
            return postgres_store_access({s.conninfo, s.vault_name, s.statement_timeout_ms});
        case StoreKind::sqlite_file:
            break;
    }
    return sqlite_store_access(s.path);
}

}  // namespace tresor::vault
