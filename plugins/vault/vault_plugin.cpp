// plugins/vault — the encrypted SQLite file vault (vault/) behind the plugin
// ABI. Parameters: vault/settings.hpp; format: docs/VAULT-FORMAT.md.
//
// A missing vault is an empty store until the first set creates it: reading
// never creates a file.
#include "plugins/common/vault_backend.hpp"
#include "vault/stores/sqlite_store.hpp"

namespace {

struct FileStore {
    static constexpr tresor::vault::StoreKind kind = tresor::vault::StoreKind::sqlite_file;
    static tresor::vault::StoreAccess access(const tresor::vault::Settings& s) {
        return tresor::vault::sqlite_store_access(s.path);
    }
};

constexpr tresor_plugin kVaultPlugin = tresor::plugin::vault_plugin_table<FileStore>(
    "vault", "encrypted SQLite file vault (Argon2id, XChaCha20-Poly1305)");

}  // namespace

extern "C" const tresor_plugin* tresor_plugin_vault_entry(uint32_t, uint32_t) {
    return &kVaultPlugin;
}
