// vault/settings.hpp — a vault backend's configuration, from the parameters
// of its [backend.NAME] table (shared by plugins/vault and `tresor vault`).
//   path             default $XDG_DATA_HOME/tresor/vault.db, else
//                    ~/.local/share/tresor/vault.db; a leading ~/ is $HOME
//   unlock           unlock sources (vault/unlock.hpp)
//   create           create the vault on the first write (default true)
//   kdf.memory_mib, kdf.iterations, kdf.parallelism
//                    Argon2id for a new vault or password (default 64, 3, 1)
//   kdf.max_memory_mib, kdf.max_work
//                    what opening a vault may cost (KdfLimits, checked before
//                    any KDF runs): Argon2id memory per slot (default 1024)
//                    and MiB x passes summed over the slots tried (default
//                    3072); must cover kdf.memory_mib x kdf.iterations
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "vault/unlock.hpp"

namespace tresor::vault {

struct Settings {
    std::filesystem::path path;
    std::vector<UnlockSource> unlock;
    bool create = true;
    KdfPolicy kdf;
    KdfLimits kdf_limits;
};

// Throws Error{invalid_argument} naming an unknown or malformed parameter.
[[nodiscard]] Settings settings_from_params(
    const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace tresor::vault
