#include "cli/vault_access.hpp"

#include "platform/terminal.hpp"
#include "vault/stores/store_access.hpp"
#include "vault/trust/admin_key.hpp"

namespace tresor::cli {
namespace {

namespace tv = tresor::vault;

bool is_vault(const conf::BackendConfig& backend) {
    return backend.plugin == "vault" || backend.plugin == "postgres";
}

// The backend `tresor vault` acts on (see vault_settings): the one the
// secrets of the chain go to, so a fleet host's `tresor vault info` is
// about its fleet vault, not a local file it never uses.
const conf::BackendConfig* vault_backend(const conf::Config& config,
                                         const std::optional<std::string>& named) {
    if (named) {
        if (const conf::BackendConfig* backend = config.find_backend(*named)) {
            return backend;
        }
        throw Error(ErrorCode::invalid_argument,
                    "no backend '" + *named + "' in " + config.source + " (see `tresor backends`)");
    }
    for (const std::string& name : config.chain) {
        if (const conf::BackendConfig* backend = config.find_backend(name);
            backend != nullptr && is_vault(*backend)) {
            return backend;
        }
    }
    for (const auto& backend : config.backends) {
        if (backend.plugin == "vault") {
            return &backend;
        }
    }
    return nullptr;
}

}  // namespace

tv::Settings vault_settings(const Context& ctx) {
    const conf::Config config = ctx.config();
    const conf::BackendConfig* backend = vault_backend(config, ctx.backend);
    if (backend == nullptr) {
        return tv::settings_from_params({});
    }
    if (!is_vault(*backend)) {
        throw Error(ErrorCode::invalid_argument, "backend '" + backend->name +
                                                     "' is not a vault (plugin " + backend->plugin +
                                                     "; vaults are plugins vault and postgres)");
    }
    return tv::settings_from_params(backend->params, backend->plugin == "postgres"
                                                         ? tv::StoreKind::postgres
                                                         : tv::StoreKind::sqlite_file);
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

OpenedVault open_vault(const tv::Settings& s, const tv::Trust& trust) {
    const tv::StoreAccess access = tv::store_access(s);
    std::unique_ptr<tv::RecordStore> store = access.open();
    tv::Credential credential =
        tv::obtain_credential(s.unlock, kTerminalPrompt, tv::Purpose::unlock, access.where);
    tv::Vault vault = tv::Vault::open(std::move(store), credential, s.kdf_limits, trust);
    if (s.audit != tv::AuditMode::off) {
        vault.enable_audit();
    }
    return {std::move(vault), std::move(credential)};
}

OpenedVault open_vault(const tv::Settings& s) {
    return open_vault(s, s.trust());
}

std::filesystem::path admin_key_path(const tv::Settings& s,
                                     std::span<const std::uint8_t> identity) {
    return s.admin_key.empty() ? tv::default_admin_key_path(identity) : s.admin_key;
}

void use_admin_key(OpenedVault& opened, const tv::Settings& s) {
    const tv::Info info = opened.vault.info();
    if (info.admin.empty()) {
        return;
    }
    const std::filesystem::path path = admin_key_path(s, tv::parse_admin_identity(info.admin));
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
        throw Error(ErrorCode::permission_denied,
                    "the key slots of " + vault_where(s) + " change only with its admin key (" +
                        info.admin + "), and it is not at " + path.string() +
                        ": run this on the admin's machine, or set admin_key = FILE");
    }
    opened.vault.use_admin_key(tv::open_admin_key(tv::read_admin_key_file(path), opened.credential,
                                                  s.kdf_limits, path.string()));
}

OpenedVault open_vault_as_admin(const tv::Settings& s) {
    OpenedVault opened = open_vault(s);
    use_admin_key(opened, s);
    return opened;
}

std::filesystem::path with_new_admin_key(const tv::Settings& s, const tv::AdminKeyPair& key,
                                         const tv::Credential& credential,
                                         const tv::KdfPolicy& policy,
                                         const std::function<void()>& sign_with,
                                         const std::filesystem::path& requested) {
    const std::filesystem::path path =
        requested.empty() ? admin_key_path(s, key.public_key) : requested;
    tv::write_admin_key_file(path, tv::seal_admin_key(key, credential, policy), false);
    try {
        sign_with();
    } catch (...) {
        std::filesystem::remove(path);
        throw;
    }
    return path;
}

}  // namespace tresor::cli
