// vault/unlock_cache.hpp — the keys of unlocked vaults, kept for a while by
// the kernel for this login session (platform/session_keyring.hpp), so that
// later processes skip the KDF: `tresor vault unlock`, `cache = "15m"`.
//
// Only a vault key is kept, never a password, under a name made from the
// vault id, so two vaults never share an entry. A cached key is only a
// candidate: Vault::open checks it against the header MAC, and ignores one
// from before a rotation elsewhere (docs/SECURITY.md, "The unlock cache").
//
// Where the kernel refuses the keyring (a container's seccomp profile), the
// find and keep_if_possible calls say so on stderr once per process when the
// caller asked for a cache, and the vault unlocks as without one.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "vault/vault.hpp"

namespace tresor::vault {

// "90s", "15m", "2h": from 1 second to 7 days. Error{invalid_argument}
// naming `what` otherwise.
[[nodiscard]] std::chrono::seconds parse_cache_duration(std::string_view text,
                                                        std::string_view what);

// The cached key of the vault with this id (hex), if any. `asked` says
// whether the caller configured a cache (then a refused keyring is said).
[[nodiscard]] std::optional<SecureBytes> find_cached_vault_key(const std::string& vault_id,
                                                               bool asked);

// Keeps the key for `duration`. Throws Error{unavailable} where the kernel
// refuses the keyring.
void cache_vault_key(const std::string& vault_id, std::span<const std::uint8_t> vault_key,
                     std::chrono::seconds duration);

// The same, but a refused keyring is only said (once).
void cache_vault_key_if_possible(const std::string& vault_id,
                                 std::span<const std::uint8_t> vault_key,
                                 std::chrono::seconds duration);

// Drops the cached key at once; whether there was one. A refused keyring
// holds nothing: false.
bool drop_cached_vault_key(const std::string& vault_id);

}  // namespace tresor::vault
