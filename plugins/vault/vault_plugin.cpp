// plugins/vault — the encrypted SQLite file vault (vault/) behind the plugin
// ABI. Parameters: vault/settings.hpp; format: docs/VAULT-FORMAT.md.
//
// A missing vault is an empty store until the first set creates it: reading
// never creates a file.
#include "plugins/common/vault_backend.hpp"
#include "vault/stores/sqlite_store.hpp"

namespace {

struct FileStore {
    static constexpr const char* name = "vault";
    static constexpr const char* summary =
        "encrypted SQLite file vault (Argon2id, XChaCha20-Poly1305)";
    static constexpr tresor::vault::StoreKind kind = tresor::vault::StoreKind::sqlite_file;
    static tresor::vault::StoreAccess access(const tresor::vault::Settings& s) {
        return tresor::vault::sqlite_store_access(s.path);
    }
};

}  // namespace

TRESOR_PLUGIN_KIT(vault, tresor::plugin::VaultBackend<FileStore>)
