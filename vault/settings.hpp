// vault/settings.hpp — a vault backend's configuration, from the parameters
// of its [backend.NAME] table (shared by plugins/vault, plugins/postgres and
// `tresor vault`). The file vault (plugin "vault") takes:
//   path             default $XDG_DATA_HOME/tresor/vault.db, else
//                    ~/.local/share/tresor/vault.db; a leading ~/ is $HOME
// The fleet store (plugin "postgres", docs/FLEET.md) takes instead:
//   conninfo         libpq's connection string or URI (its PG* variables,
//                    ~/.pgpass and sslmode apply as libpq defines them)
//   vault            the vault's name in that database (default "default")
//   statement_timeout_ms  the longest any statement, lock wait or commit
//                    may take, enforced by the client too (default 10000)
//   admin            the admin identity this host trusts (tresor-admin-...,
//                    printed by `tresor vault init` and `add-recipient`): a
//                    vault not signed by it is refused (docs/FLEET.md)
//   admin_key        where the admin's sealed signing key is (default
//                    $XDG_DATA_HOME/tresor/admin/<identity>.key)
// and both:
//   anchor           remember the newest state of the vault seen here and
//                    refuse an older one (vault/trust/anchor.hpp; default
//                    true for the fleet, false for the file vault)
//   unlock           unlock sources (vault/unlock.hpp)
//   cache            keep the vault key in this session's kernel keyring
//                    for this long after an unlock ("15m"; default: off),
//                    vault/unlock_cache.hpp
//   create           create the vault on the first write (default true for
//                    the file vault, false for the fleet: `tresor vault init`)
//   kdf.memory_mib, kdf.iterations, kdf.parallelism
//                    Argon2id for a new vault or password; each one left
//                    unset is chosen by measuring on the machine that writes
//                    the slot (vault/kdf_calibration.hpp: lanes up to its
//                    CPUs, memory for kdf.unlock_ms at 3 passes, at least
//                    64 MiB x 3 passes)
//   kdf.unlock_ms    the unlock time that choice aims for (default 250)
//   audit            the vault's audit log (docs/VAULT-FORMAT.md, "Audit
//                    log"): "off" (default), "on" (writes sealed with
//                    their own transaction, reads in batches) or "strict"
//                    (also a read: a value is returned only once its
//                    event is durable)
//   kdf.max_memory_mib, kdf.max_work, kdf.max_lanes
//                    what opening a vault may cost (KdfLimits, checked before
//                    any KDF runs): Argon2id memory per slot (default 1024),
//                    MiB x passes summed over the slots tried (default 3072)
//                    and lanes per slot (default 16); they bound the chosen
//                    kdf.* and must cover the configured ones
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "vault/kdf_calibration.hpp"
#include "vault/unlock.hpp"

namespace tresor::vault {

// Where a vault's records live (vault/record_store.hpp).
enum class StoreKind { sqlite_file, postgres };

enum class AuditMode { off, on, strict };

struct Settings {
    StoreKind store = StoreKind::sqlite_file;
    std::filesystem::path path;  // sqlite_file
    std::string conninfo;        // postgres
    std::string vault_name = "default";
    std::uint32_t statement_timeout_ms = 10000;
    std::vector<UnlockSource> unlock;
    bool create = true;
    std::chrono::seconds cache_for{0};  // 0: cache only what `tresor vault unlock` put there
    KdfRequest kdf;  // what a new password slot gets: choose_kdf_policy(kdf, kdf_limits)
    KdfLimits kdf_limits;
    std::vector<std::uint8_t> admin;  // the pinned admin identity; empty: none
    std::filesystem::path admin_key;  // empty: the default place for its identity
    std::filesystem::path anchor;     // the rollback anchor's folder; empty: none
    AuditMode audit = AuditMode::off;

    // What Vault::open is to trust.
    [[nodiscard]] Trust trust() const { return {admin, anchor, false}; }
};

// Throws Error{invalid_argument} naming an unknown or malformed parameter.
[[nodiscard]] Settings settings_from_params(
    const std::vector<std::pair<std::string, std::string>>& params,
    StoreKind store = StoreKind::sqlite_file);

}  // namespace tresor::vault
