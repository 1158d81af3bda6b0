// vault/settings.hpp — a vault backend's configuration, from the parameters
// of its [backend.NAME] table (shared by plugins/vault and `tresor vault`).
//   path             default $XDG_DATA_HOME/tresor/vault.db, else
//                    ~/.local/share/tresor/vault.db; a leading ~/ is $HOME
//   unlock           unlock sources (vault/unlock.hpp)
//   create           create the vault on the first write (default true)
//   kdf.memory_mib, kdf.iterations, kdf.parallelism
//                    Argon2id for a new vault or password (default 64, 3, 1)
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
};

// Throws Error{invalid_argument} naming an unknown or malformed parameter.
[[nodiscard]] Settings settings_from_params(
    const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace tresor::vault
