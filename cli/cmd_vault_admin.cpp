// tresor vault sign | hand-over | accept-restore — the admin identity of a
// fleet vault (docs/FLEET.md, "The admin identity"): sign a vault made
// before signing existed, replace the identity with a signed hand-over, and
// take a vault restored on purpose as the newest state.
#include <iostream>

#include "cli/vault_access.hpp"
#include "vault/kdf_calibration.hpp"
#include "vault/trust/admin_key.hpp"

namespace tresor::cli {
namespace {

namespace tv = tresor::vault;

// A new admin key is sealed like a new password slot: kdf.* as configured,
// the rest measured here (vault/kdf_calibration.hpp).
tv::KdfPolicy new_admin_key_kdf(const tv::Settings& s) {
    return tv::choose_kdf_policy(s.kdf, s.kdf_limits);
}

void add_sign(CLI::App& vault, Context& ctx) {
    auto* cmd = vault.add_subcommand(
        "sign", "Give a vault made before signing an admin identity, so hosts can pin it");
    cmd->footer(
        "Makes the identity and its key (sealed by the vault credential) and signs the key\n"
        "slots with it. Hosts with `admin = ...` in their config refuse the vault until\n"
        "then.\nExample:\n  tresor --backend fleet vault sign");
    cmd->callback([&ctx] {
        const tv::Settings s = vault_settings(ctx);
        OpenedVault opened = open_vault(s);
        const tv::AdminKeyPair key = tv::generate_admin_key();
        const std::filesystem::path file = with_new_admin_key(
            s, key, opened.credential, new_admin_key_kdf(s), [&] { opened.vault.sign(key); });
        std::cout << "signed " << vault_where(s)
                  << "\nadmin identity: " << tv::admin_identity_text(key.public_key)
                  << "\n  its signing key is in " << file.string()
                  << " (sealed by this credential): back it up\n  hosts trust it with admin = \""
                  << tv::admin_identity_text(key.public_key) << "\" in their config\n";
    });
}

void add_hand_over(CLI::App& vault, Context& ctx) {
    auto* cmd = vault.add_subcommand(
        "hand-over", "Replace the admin identity: a new one, named by the old one's signature");
    auto to = std::make_shared<std::string>();
    cmd->add_option("--to", *to, "Where the new admin key goes (default: its own place)");
    cmd->footer(
        "Hosts pinned to the old identity follow the signed hand-over; set admin = the new\n"
        "identity in their configs, then destroy the old key.\nExample:\n"
        "  tresor --backend fleet vault hand-over");
    cmd->callback([&ctx, to] {
        const tv::Settings s = vault_settings(ctx);
        OpenedVault opened = open_vault_as_admin(s);
        const std::string previous = opened.vault.info().admin;
        const tv::AdminKeyPair next = tv::generate_admin_key();
        const std::filesystem::path file = with_new_admin_key(
            s, next, opened.credential, new_admin_key_kdf(s), [&] { opened.vault.hand_over(next); },
            *to);
        const std::string identity = tv::admin_identity_text(next.public_key);
        std::cout << "handed " << vault_where(s) << " over from " << previous
                  << "\nadmin identity: " << identity << "\n  its signing key is in "
                  << file.string()
                  << " (sealed by this credential): back it up\n  hosts pinned to the old "
                     "identity follow; set admin = \""
                  << identity << "\" in their configs, then destroy the old key\n";
    });
}

void add_accept_restore(CLI::App& vault, Context& ctx) {
    auto* cmd = vault.add_subcommand(
        "accept-restore", "Take the vault as it is now as its newest state (after a restore)");
    cmd->footer(
        "A host refuses a vault older than one it has seen (exit 4). On the admin's machine\n"
        "this signs the vault again at a higher key epoch, which every host takes as newer;\n"
        "elsewhere it resets only this host's memory of the vault.\nExample:\n"
        "  tresor --backend fleet vault accept-restore");
    cmd->callback([&ctx] {
        const tv::Settings s = vault_settings(ctx);
        tv::Trust trust = s.trust();
        trust.accept_older = true;
        OpenedVault opened = open_vault(s, trust);
        const tv::Info before = opened.vault.info();
        bool admin = false;
        if (!before.admin.empty()) {
            const auto path = admin_key_path(s, tv::parse_admin_identity(before.admin));
            std::error_code ec;
            admin = std::filesystem::exists(std::filesystem::symlink_status(path, ec));
            if (admin) {
                use_admin_key(opened, s);
            }
        }
        const bool resigned = opened.vault.accept_restore();
        const tv::Info after = opened.vault.info();
        std::cout << "accepted " << vault_where(s) << " at generation " << after.generation;
        if (resigned) {
            std::cout << ", signed again at key epoch " << after.key_epoch
                      << ": every host takes it as newer\n";
        } else {
            std::cout << " on this host only; every host that saw a newer state must run this "
                         "too"
                      << (before.admin.empty() ? "" : " (or the admin, once, on their machine)")
                      << "\n";
        }
    });
}

}  // namespace

void add_vault_admin_commands(CLI::App& vault, Context& ctx) {
    add_sign(vault, ctx);
    add_hand_over(vault, ctx);
    add_accept_restore(vault, ctx);
}

}  // namespace tresor::cli
