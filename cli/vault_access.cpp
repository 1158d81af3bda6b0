#include "cli/vault_access.hpp"

#include "platform/terminal.hpp"
#include "vault/stores/store_access.hpp"

namespace tresor::cli {

namespace tv = tresor::vault;

tv::Settings vault_settings(const Context& ctx) {
    const conf::Config config = ctx.config();
    for (const auto& backend : config.backends) {
        const bool named = ctx.backend && backend.name == *ctx.backend;
        if (named || (!ctx.backend && backend.plugin == "vault")) {
            if (backend.plugin != "vault" && backend.plugin != "postgres") {
                throw Error(ErrorCode::invalid_argument,
                            "backend '" + backend.name + "' is not a vault (plugin " +
                                backend.plugin + "; vaults are plugins vault and postgres)");
            }
            return tv::settings_from_params(backend.params, backend.plugin == "postgres"
                                                                ? tv::StoreKind::postgres
                                                                : tv::StoreKind::sqlite_file);
        }
    }
    return tv::settings_from_params({});
}

std::string vault_where(const tv::Settings& s) {
    return tv::store_access(s).where;
}

const tv::PasswordPrompt kTerminalPrompt = [](const std::string& prompt, std::string& reason) {
    auto line = platform::read_hidden_line(prompt);
    if (!line) {
        reason = "no terminal to prompt on";
        return std::optional<tv::SecureBytes>();
    }
    return std::optional<tv::SecureBytes>(tv::SecureBytes(line->begin(), line->end()));
};

OpenedVault open_vault(const tv::Settings& s) {
    const tv::StoreAccess access = tv::store_access(s);
    tv::Credential credential =
        tv::obtain_credential(s.unlock, kTerminalPrompt, tv::Purpose::unlock, access.where);
    tv::Vault vault = tv::Vault::open(access.open(), credential, s.kdf_limits);
    if (s.audit != tv::AuditMode::off) {
        vault.enable_audit();
    }
    return {std::move(vault), std::move(credential)};
}

}  // namespace tresor::cli
