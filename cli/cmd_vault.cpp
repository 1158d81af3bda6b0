// tresor vault init | passwd | rotate | verify | info | add-keyfile | keygen |
//              add-recipient | remove-slot | slots | unlock | lock
//
// These work below the Store, on the vault engine, with the settings of the
// vault backend of the config: the one named by --backend, else the first
// backend of the chain that is a vault (plugin "vault" or "postgres"), else
// the first backend whose plugin is "vault", else the default vault.
#include <unistd.h>

#include <cerrno>
#include <iomanip>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/vault_access.hpp"
#include "platform/file.hpp"
#include "platform/terminal.hpp"
#include "vault/kdf_calibration.hpp"
#include "vault/settings.hpp"
#include "vault/slots/host_key.hpp"
#include "vault/stores/store_access.hpp"
#include "vault/trust/admin_key.hpp"
#include "vault/unlock.hpp"
#include "vault/unlock_cache.hpp"
#include "vault/vault.hpp"

namespace tresor::cli {
namespace {

namespace tv = tresor::vault;

// --memory-mib, --iterations, --parallelism, --unlock-ms over the config's
// kdf.*; what neither sets is measured here (vault/kdf_calibration.hpp).
struct KdfOptions {
    std::uint32_t memory_mib = 0;
    std::uint32_t iterations = 0;
    std::uint32_t parallelism = 0;
    std::uint32_t unlock_ms = 0;

    void add_to(CLI::App* cmd) {
        cmd->add_option("--memory-mib", memory_mib,
                        "Argon2id memory (default: kdf.memory_mib, else measured here)");
        cmd->add_option("--iterations", iterations,
                        "Argon2id passes (default: kdf.iterations, else measured here)");
        cmd->add_option("--parallelism", parallelism,
                        "Argon2id lanes (default: kdf.parallelism, else measured here)");
        cmd->add_option("--unlock-ms", unlock_ms,
                        "Unlock time what is measured aims for (default: kdf.unlock_ms, 250)")
            ->check(CLI::Range(20, 60000));
    }
    [[nodiscard]] tv::KdfPolicy choose(const tv::Settings& s) const {
        tv::KdfRequest request = s.kdf;
        request.memory_kib = memory_mib != 0 ? memory_mib * 1024 : request.memory_kib;
        request.iterations = iterations != 0 ? iterations : request.iterations;
        request.parallelism = parallelism != 0 ? parallelism : request.parallelism;
        if (unlock_ms != 0) {
            request.unlock_target = std::chrono::milliseconds(unlock_ms);
        }
        const tv::KdfPolicy policy = tv::choose_kdf_policy(request, s.kdf_limits);
        tv::check_kdf_policy(policy);
        return policy;
    }
};

// One line per slot, no secret: what `slots`, `info` and `rotate` show.
std::string describe(const tv::SlotInfo& slot) {
    std::string out = "slot " + std::to_string(slot.id) + ": " + slot.kind;
    if (slot.kind == "password") {
        out += " (Argon2id v0x13, " + std::to_string(slot.kdf.memory_kib / 1024) + " MiB, " +
               std::to_string(slot.kdf.iterations) + " passes, " +
               std::to_string(slot.kdf.parallelism) + " lanes)";
    } else if (slot.kind == "recipient") {
        out += " \"" + slot.label + "\" " + slot.recipient;
    }
    return out;
}

// Who signs the vault, and whether this host checks it (docs/FLEET.md).
void print_admin(const tv::Info& info) {
    if (info.admin.empty()) {
        std::cout << "admin identity: none (not signed";
        std::cout << (info.location.starts_with("postgres") ? "; `tresor vault sign` signs it)\n"
                                                            : ")\n");
        return;
    }
    std::cout << "admin identity: " << info.admin << " (key epoch " << info.key_epoch << ")\n";
    if (!info.handed_over_from.empty()) {
        std::cout << "handed over from: " << info.handed_over_from << "\n";
    }
    if (!info.admin_pinned) {
        std::cout << "pinned here: no (compare the identity with your admin's, then add admin = "
                     "\""
                  << info.admin << "\" to this backend's config)\n";
    } else {
        std::cout << "pinned here: yes\n";
    }
}

void print_admin_identity(std::span<const std::uint8_t> identity,
                          const std::filesystem::path& file) {
    std::cout << "admin identity: " << tv::admin_identity_text(identity)
              << "\n  its signing key is in " << file.string()
              << " (sealed by this credential): back it up; without it the vault's key slots "
                 "can never change\n  hosts trust it with admin = \""
              << tv::admin_identity_text(identity) << "\" in their config\n";
}

// After `passwd`: the admin key is sealed by the new password too, in place.
void reseal_admin_key(const tv::Settings& s, const std::string& identity,
                      const tv::Credential& old_credential, const tv::Credential& next,
                      const tv::KdfPolicy& policy) {
    const std::filesystem::path path = admin_key_path(s, tv::parse_admin_identity(identity));
    const tv::AdminKeyPair key = tv::open_admin_key(tv::read_admin_key_file(path), old_credential,
                                                    s.kdf_limits, path.string());
    tv::write_admin_key_file(path, tv::seal_admin_key(key, next, policy), true);
    std::cout << "the admin key " << path.string()
              << " is sealed by the new password now (replace its backups)\n";
}

void add_init(CLI::App& vault, Context& ctx) {
    auto* cmd = vault.add_subcommand(
        "init", "Create the vault (the password comes from its unlock sources)");
    auto kdf = std::make_shared<KdfOptions>();
    kdf->add_to(cmd);
    cmd->footer("Example:\n  TRESOR_VAULT_PASSWORD=... tresor vault init --memory-mib 256");
    cmd->callback([&ctx, kdf] {
        const tv::Settings s = vault_settings(ctx);
        const tv::Credential credential =
            tv::obtain_credential(s.unlock, kTerminalPrompt, tv::Purpose::create, vault_where(s));
        const tv::KdfPolicy policy = kdf->choose(s);
        // A fleet vault is signed by an admin identity made here, whose
        // key is written (sealed by this credential) before the vault
        // exists: a vault whose admin key was lost could never change its
        // key slots.
        std::optional<tv::AdminKeyPair> admin;
        const auto create = [&] {
            (void)tv::Vault::create(tv::store_access(s).create, credential, policy, s.kdf_limits,
                                    admin ? &*admin : nullptr, s.trust());
        };
        std::filesystem::path admin_file;
        if (s.store == tv::StoreKind::postgres) {
            admin = tv::generate_admin_key();
            admin_file = with_new_admin_key(s, *admin, credential, policy, create);
        } else {
            create();
        }
        std::cout << "created " << vault_where(s) << " (Argon2id " << policy.memory_kib / 1024
                  << " MiB, " << policy.iterations << " passes, " << policy.parallelism
                  << " lanes: an attacker pays " << std::fixed << std::setprecision(2)
                  << tv::attacker_gib_passes(policy) << " GiB·pass per guess)\n";
        if (admin) {
            print_admin_identity(admin->public_key, admin_file);
        }
    });
}

void add_passwd(CLI::App& vault, Context& ctx) {
    auto* cmd = vault.add_subcommand("passwd", "Change the vault password (one transaction)");
    auto from = std::make_shared<std::string>("prompt");
    auto kdf = std::make_shared<KdfOptions>();
    cmd->add_option("--new-password-from", *from,
                    "Where the new password comes from: env:VAR, file:PATH, fd:N or prompt")
        ->capture_default_str();
    kdf->add_to(cmd);
    cmd->footer(
        "The old password stops working at once; run `tresor vault rotate` as well if\n"
        "it may have leaked.\nExample:\n  tresor vault passwd --new-password-from "
        "env:NEW_PASSWORD");
    cmd->callback([&ctx, from, kdf] {
        const tv::Settings s = vault_settings(ctx);
        OpenedVault opened = open_vault_as_admin(s);
        tv::Vault& v = opened.vault;
        tv::Credential next = tv::obtain_credential(tv::parse_unlock_spec(*from), kTerminalPrompt,
                                                    tv::Purpose::create, vault_where(s));
        if (next.kind != tv::Credential::Kind::password) {
            throw Error(ErrorCode::invalid_argument, "the new password cannot be a key file");
        }
        const tv::KdfPolicy policy = kdf->choose(s);
        v.change_password(next, policy);
        (void)tv::drop_cached_vault_key(v.id());
        std::cout << "password changed for " << vault_where(s) << "\n";
        if (const tv::Info info = v.info(); !info.admin.empty()) {
            reseal_admin_key(s, info.admin, opened.credential, next, policy);
        }
        if (!v.info().store.scrubs_freed_data) {
            // A database keeps old rows in its log, replicas and backups.
            std::cout << "note: the old wrapped key may survive in this store's log, replicas "
                         "and backups; run `tresor vault rotate` if the old password leaked\n";
        }
    });
}

void add_rotate(CLI::App& vault, Context& ctx) {
    auto* cmd = vault.add_subcommand("rotate", "New vault key; re-encrypt every record");
    cmd->footer("Example:\n  tresor vault rotate");
    cmd->callback([&ctx] {
        const tv::Settings s = vault_settings(ctx);
        OpenedVault opened = open_vault_as_admin(s);
        tv::Vault& v = opened.vault;
        const std::vector<tv::SlotInfo> before = v.info().slots;
        (void)v.rotate();
        (void)tv::drop_cached_vault_key(v.id());
        std::cout << "rotated the vault key of " << vault_where(s);
        std::cout << "\n";
        const std::vector<tv::SlotInfo> after = v.info().slots;
        for (const tv::SlotInfo& slot : before) {
            const bool kept = std::any_of(after.begin(), after.end(),
                                          [&](const tv::SlotInfo& k) { return k.id == slot.id; });
            std::cout << (kept ? "kept " : "dropped ") << describe(slot) << "\n";
        }
        if (after.size() < before.size()) {
            std::cout << "a dropped password or key file no longer opens the vault: set it again "
                         "(vault passwd, add-keyfile)\n";
        }
    });
}

void add_verify(CLI::App& vault, Context& ctx) {
    auto* cmd = vault.add_subcommand(
        "verify", "Check every record, the audit log and the manifest (exit 4 on any problem)");
    cmd->footer("Example:\n  tresor vault verify");
    cmd->callback([&ctx] {
        const tv::Settings s = vault_settings(ctx);
        tv::Vault v = open_vault(s).vault;
        const tv::VerifyReport report = v.verify();
        for (const auto& list : {report.problems, report.audit_problems}) {
            for (const auto& problem : list) {
                std::cout << "problem: " << problem << "\n";
            }
        }
        const std::size_t problems = report.problems.size() + report.audit_problems.size();
        std::cout << report.records_checked << " records checked, ";
        if (report.audit_blocks_checked != 0) {
            std::cout << report.audit_blocks_checked << " audit blocks ("
                      << report.audit_events_checked << " events) checked, ";
        }
        std::cout << problems << " problems\n";
        if (problems != 0) {
            ctx.exit_status = kExitAuth;
        }
    });
}

void add_info(CLI::App& vault, Context& ctx) {
    auto* cmd =
        vault.add_subcommand("info", "Format, KDF parameters, entry count (no names or values)");
    cmd->footer("Example:\n  tresor vault info");
    cmd->callback([&ctx] {
        const tv::Settings s = vault_settings(ctx);
        const tv::Info info = open_vault(s).vault.info();
        std::cout << "path: " << vault_where(s) << "\nformat version: " << info.format_version
                  << "\nvault id: " << info.vault_id << "\nentries: " << info.record_count
                  << "\ngeneration: " << info.generation << "\nfile size: " << info.file_bytes
                  << " bytes\n";
        print_admin(info);
        for (const auto& slot : info.slots) {
            std::cout << describe(slot) << "\n";
        }
    });
}

void add_keyfile(CLI::App& vault, Context& ctx) {
    auto* cmd = vault.add_subcommand("add-keyfile", "Let a key file unlock the vault too");
    auto file = std::make_shared<std::string>();
    auto generate = std::make_shared<bool>(false);
    cmd->add_option("FILE", *file, "The key file (at least 32 bytes)")->required();
    cmd->add_flag("--generate", *generate, "Write a new random 32-byte key file (mode 0600) first");
    cmd->footer(
        "Then unlock with unlock = \"keyfile:FILE\".\nExample:\n"
        "  tresor vault add-keyfile --generate /etc/tresor/vault.key");
    cmd->callback([&ctx, file, generate] {
        const tv::Settings s = vault_settings(ctx);
        OpenedVault opened = open_vault_as_admin(s);
        tv::Vault& v = opened.vault;
        if (*generate) {
            // Drawn before the file exists: a failure must not leave, or
            // enrol, a key file of zeros.
            tv::SecureBytes key(32);
            if (::getentropy(key.data(), key.size()) != 0) {
                platform::throw_system_error(errno,
                                             "cannot generate key file " + *file + ": getentropy");
            }
            platform::write_private_file(*file, key, "key file");
        }
        const tv::Credential keyfile =
            tv::obtain_credential(tv::parse_unlock_spec("keyfile:" + *file), nullptr,
                                  tv::Purpose::unlock, vault_where(s));
        v.add_keyfile(keyfile.bytes);
        std::cout << "key file " << *file << " can now unlock " << vault_where(s) << "\n";
    });
}

void add_keygen(CLI::App& vault) {
    auto* cmd = vault.add_subcommand(
        "keygen", "Make a host key pair: FILE gets the private key, stdout the public key");
    auto file = std::make_shared<std::string>();
    auto write_public = std::make_shared<bool>(false);
    cmd->add_option("FILE", *file, "The private key file to create (mode 0600, never replaced)")
        ->required();
    cmd->add_flag("--write-pub", *write_public, "Also write the public key to FILE.pub");
    cmd->footer(
        "The host unlocks with unlock = \"hostkey:FILE\"; an administrator adds it with\n"
        "`tresor vault add-recipient PUBKEY`. No vault is opened.\nExample:\n"
        "  tresor vault keygen /etc/tresor/host.key --write-pub");
    cmd->callback([file, write_public] {
        const tv::HostKeyPair pair = tv::generate_host_key();
        tv::SecureBytes text = tv::private_key_text(pair.private_key);
        text.push_back('\n');
        platform::write_private_file(*file, text, "host key");
        const std::string public_text = tv::public_key_text(pair.public_key);
        if (*write_public) {
            const std::string line = public_text + "\n";
            try {
                platform::write_private_file(
                    *file + ".pub",
                    {reinterpret_cast<const std::uint8_t*>(line.data()), line.size()},
                    "public key file");
            } catch (const Error&) {
                // Both files or neither: a retry must not find FILE in the way.
                std::filesystem::remove(*file);
                throw;
            }
        }
        std::cout << public_text << "\n";
    });
}

void add_recipient(CLI::App& vault, Context& ctx) {
    auto* cmd = vault.add_subcommand(
        "add-recipient", "Let a host's private key unlock the vault (needs only its public key)");
    auto public_key = std::make_shared<std::string>();
    auto label = std::make_shared<std::string>();
    cmd->add_option("PUBKEY", *public_key, "The host's public key (tresor-pub-...)")->required();
    cmd->add_option("--label", *label, "A name for the slot (at most 64 bytes), e.g. the host's");
    cmd->footer("Example:\n  tresor vault add-recipient \"$(cat web2.key.pub)\" --label web2");
    cmd->callback([&ctx, public_key, label] {
        const tv::Settings s = vault_settings(ctx);
        OpenedVault opened = open_vault_as_admin(s);
        const int id = opened.vault.add_recipient(*public_key, *label);
        std::cout << "added slot " << id << ": the holder of the private key of " << *public_key
                  << " can now unlock the vault (unlock = \"hostkey:FILE\")\n";
        // The enrolment is where the host learns whom to trust.
        if (const tv::Info info = opened.vault.info(); !info.admin.empty()) {
            std::cout << "the host pins this vault's admin identity; compare it with the one "
                         "the host is given, then add to its config:\n  admin = \""
                      << info.admin << "\"\n";
        }
    });
}

void add_remove_slot(CLI::App& vault, Context& ctx) {
    auto* cmd = vault.add_subcommand("remove-slot", "Remove a key slot (see `tresor vault slots`)");
    auto id = std::make_shared<int>(0);
    cmd->add_option("ID", *id, "The slot's id")->required();
    cmd->footer(
        "The slot this command unlocks with cannot be removed. A removed host may have\n"
        "kept the vault key: run `tresor vault rotate` next.\nExample:\n"
        "  tresor vault remove-slot 3 && tresor vault rotate");
    cmd->callback([&ctx, id] {
        const tv::Settings s = vault_settings(ctx);
        OpenedVault opened = open_vault_as_admin(s);
        tv::Vault& v = opened.vault;
        v.remove_slot(*id);
        (void)tv::drop_cached_vault_key(v.id());
        std::cout << "removed slot " << *id
                  << "; run `tresor vault rotate` so that a vault key it may have kept opens "
                     "nothing\n";
    });
}

void add_slots(CLI::App& vault, Context& ctx) {
    auto* cmd = vault.add_subcommand(
        "slots", "List the key slots: ids, kinds, labels, KDF parameters, host public keys");
    cmd->footer("Example:\n  tresor vault slots");
    cmd->callback([&ctx] {
        const tv::Settings s = vault_settings(ctx);
        for (const tv::SlotInfo& slot : open_vault(s).vault.info().slots) {
            std::cout << describe(slot) << "\n";
        }
    });
}

void add_unlock(CLI::App& vault, Context& ctx) {
    auto* cmd = vault.add_subcommand(
        "unlock", "Unlock once: keep the vault key in this session's kernel keyring for a while");
    auto duration = std::make_shared<std::string>();
    cmd->add_option("--for", *duration,
                    "How long: 90s, 15m, 2h (default: the config's cache, 15m)");
    cmd->footer(
        "Later tresor processes of this user in this login session use the key and skip\n"
        "the password and the KDF, until the timeout or `tresor vault lock`.\nExample:\n"
        "  tresor vault unlock --for 30m");
    cmd->callback([&ctx, duration] {
        const tv::Settings s = vault_settings(ctx);
        const std::chrono::seconds how_long = !duration->empty()
                                                  ? tv::parse_cache_duration(*duration, "--for")
                                              : s.cache_for.count() > 0 ? s.cache_for
                                                                        : std::chrono::minutes(15);
        const tv::Vault v = open_vault(s).vault;
        tv::cache_vault_key(v.id(), v.vault_key(), how_long);
        std::cout << "unlocked " << vault_where(s) << " for " << how_long.count()
                  << " s in this session (tresor vault lock ends it)\n";
    });
}

void add_lock(CLI::App& vault, Context& ctx) {
    auto* cmd = vault.add_subcommand(
        "lock", "Drop the cached vault key at once (see `tresor vault unlock`)");
    cmd->footer("Example:\n  tresor vault lock");
    cmd->callback([&ctx] {
        const tv::Settings s = vault_settings(ctx);
        const tv::StoreAccess access = tv::store_access(s);
        const bool dropped =
            access.exists() && tv::drop_cached_vault_key(tv::read_vault_id(*access.open()));
        std::cout << (dropped ? "locked " : "was not unlocked: ") << vault_where(s) << "\n";
    });
}

}  // namespace

void add_vault_commands(CLI::App& app, Context& ctx) {
    auto* vault = app.add_subcommand("vault", "Manage the encrypted file vault");
    vault->require_subcommand(1);
    vault->footer("Example:\n  tresor vault info");
    add_init(*vault, ctx);
    add_passwd(*vault, ctx);
    add_rotate(*vault, ctx);
    add_verify(*vault, ctx);
    add_info(*vault, ctx);
    add_keyfile(*vault, ctx);
    add_keygen(*vault);
    add_recipient(*vault, ctx);
    add_remove_slot(*vault, ctx);
    add_slots(*vault, ctx);
    add_unlock(*vault, ctx);
    add_lock(*vault, ctx);
    add_vault_admin_commands(*vault, ctx);
}

}  // namespace tresor::cli
