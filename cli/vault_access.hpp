// cli/vault_access.hpp — what the commands below the Store (`tresor vault
// ...`, `tresor audit ...`) share: which backend they act on and opening its
// vault on the terminal.
#pragma once

#include <string>

#include "cli/context.hpp"
#include "vault/settings.hpp"
#include "vault/unlock.hpp"
#include "vault/vault.hpp"

namespace tresor::cli {

// The settings of the vault backend of the config: the one named by
// --backend, else the first backend whose plugin is "vault", else the
// default vault.
[[nodiscard]] vault::Settings vault_settings(const Context& ctx);

// The vault's place for messages: its file, or its database and name.
[[nodiscard]] std::string vault_where(const vault::Settings& s);

// Asks on /dev/tty, without echo.
extern const vault::PasswordPrompt kTerminalPrompt;

struct OpenedVault {
    vault::Vault vault;
    vault::Credential credential;  // what unlocked it
};
// Unlocked with the settings' unlock sources; its audit log on when the
// settings say so (what these commands change is logged as the plugin's
// writes are).
[[nodiscard]] OpenedVault open_vault(const vault::Settings& s);

}  // namespace tresor::cli
