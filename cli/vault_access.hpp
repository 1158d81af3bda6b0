// cli/vault_access.hpp — what the commands below the Store share (`tresor
// vault ...` in cmd_vault.cpp, its admin commands in cmd_vault_admin.cpp,
// `tresor audit ...` in cmd_audit.cpp): which backend they act on, opening
// its vault with the credential kept for the admin key, and the admin key of
// a signed vault.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/context.hpp"
#include "vault/settings.hpp"
#include "vault/unlock.hpp"
#include "vault/vault.hpp"

namespace tresor::cli {

// The settings of the backend `tresor vault` acts on: the one named by
// --backend, else the first backend of the chain that is a vault (plugin
// "vault" or "postgres"), else the first backend whose plugin is "vault",
// else the default vault.
[[nodiscard]] vault::Settings vault_settings(const Context& ctx);

// The vault's place for messages: its file, or its database and name.
[[nodiscard]] std::string vault_where(const vault::Settings& s);

// Asks on /dev/tty, without echo.
extern const vault::PasswordPrompt kTerminalPrompt;

struct OpenedVault {
    vault::Vault vault;
    vault::Credential credential;  // what unlocked it: it opens the admin key too
};
// Unlocked with the settings' unlock sources and checked by `trust` (the
// settings' own by default); its audit log on when the settings say so (what
// these commands change is logged as the plugin's writes are).
[[nodiscard]] OpenedVault open_vault(const vault::Settings& s, const vault::Trust& trust);
[[nodiscard]] OpenedVault open_vault(const vault::Settings& s);

// Where the admin key of `identity` is kept: the config's admin_key, else
// the default place for it.
[[nodiscard]] std::filesystem::path admin_key_path(const vault::Settings& s,
                                                   std::span<const std::uint8_t> identity);

// Opens a signed vault's admin key with the credential that unlocked it and
// lets the vault use it; nothing for an unsigned vault. Error{
// permission_denied} naming the file when it is not here.
void use_admin_key(OpenedVault& opened, const vault::Settings& s);
// open_vault(s) with its admin key in use: for the commands that change key
// slots.
[[nodiscard]] OpenedVault open_vault_as_admin(const vault::Settings& s);

// A new admin key written (sealed by `credential` through Argon2id at
// `policy`) to its place, then
// `sign_with` run, which makes the vault name it; when that throws, the file
// is removed again, so a failed command leaves no key for an identity no
// vault names. Returns the key file's path.
std::filesystem::path with_new_admin_key(const vault::Settings& s, const vault::AdminKeyPair& key,
                                         const vault::Credential& credential,
                                         const vault::KdfPolicy& policy,
                                         const std::function<void()>& sign_with,
                                         const std::filesystem::path& requested = {});

// tresor vault sign, hand-over, accept-restore (cmd_vault_admin.cpp).
void add_vault_admin_commands(CLI::App& vault, Context& ctx);

}  // namespace tresor::cli
