// plugins/vault — the encrypted SQLite file vault (vault/) behind the plugin
// ABI. Parameters: vault/settings.hpp; format: docs/VAULT-FORMAT.md.
//
// A missing vault is an empty store until the first set creates it: reading
// never creates a file.
#include <optional>

#include "plugins/common/plugin_support.hpp"
#include "vault/settings.hpp"
#include "vault/vault.hpp"

namespace {

using tresor::plugin::fail;
using tresor::plugin::guarded;
namespace tv = tresor::vault;

struct Context {
    tv::Settings settings;
    const tresor_host* host = nullptr;
    std::optional<tv::Vault> vault;  // empty while the file does not exist

    tv::Credential credential(tv::Purpose purpose) const {
        const tresor_host* h = host;
        tv::PasswordPrompt prompt = [h](const std::string& text,
                                        std::string& reason) -> std::optional<tv::SecureBytes> {
            if (h == nullptr || h->read_password == nullptr) {
                reason = "the host offers no prompt";
                return std::nullopt;
            }
            tv::SecureBytes out;
            auto take = [](void* ctx, const uint8_t* bytes, size_t n) {
                static_cast<tv::SecureBytes*>(ctx)->assign(bytes, bytes + n);
                return 0;
            };
            tresor_diag diag{};
            if (h->read_password(h->ctx, text.c_str(), take, &out, &diag) != TRESOR_OK) {
                reason = diag.message;
                return std::nullopt;
            }
            return out;
        };
        return tv::obtain_credential(settings.unlock, prompt, purpose, settings.path);
    }

    // Opens the file once it exists (another process may have created it).
    tv::Vault* existing() {
        if (!vault && std::filesystem::exists(std::filesystem::symlink_status(settings.path))) {
            vault.emplace(tv::Vault::open(settings.path, credential(tv::Purpose::unlock),
                                          settings.kdf_limits));
        }
        return vault ? &*vault : nullptr;
    }

    tv::Vault& writable() {
        if (tv::Vault* v = existing()) {
            return *v;
        }
        if (!settings.create) {
            fail(TRESOR_UNAVAILABLE,
                 "vault " + settings.path.string() + " does not exist (create = false)");
        }
        vault.emplace(tv::Vault::create(settings.path, credential(tv::Purpose::create),
                                        settings.kdf, settings.kdf_limits));
        return *vault;
    }
};

Context& as_context(void* ctx) {
    return *static_cast<Context*>(ctx);
}

tresor_entry to_entry(const tv::Metadata& m) {
    tresor_entry e{};
    e.struct_size = sizeof(e);
    e.service = m.service.c_str();
    e.name = m.name.c_str();
    e.id = m.record_id.c_str();
    e.type = m.type;
    e.label = m.label.c_str();
    e.description = m.description.c_str();
    e.created_at = m.created_at;
    e.updated_at = m.updated_at;
    e.expires_at = m.expires_at;
    return e;
}

tresor_status vault_probe(const tresor_param*, size_t, tresor_diag*) {
    // A file vault needs no daemon: it is usable wherever the process runs.
    return TRESOR_OK;
}

tresor_status vault_open(const tresor_param* params, size_t count, const tresor_host* host,
                         void** ctx, tresor_diag* diag) {
    return guarded(diag, [&] {
        std::vector<std::pair<std::string, std::string>> pairs;
        for (size_t i = 0; i < count; ++i) {
            pairs.emplace_back(params[i].key, params[i].value);
        }
        auto context = std::make_unique<Context>();
        context->settings = tv::settings_from_params(pairs);
        context->host = host;
        (void)context->existing();  // unlock now: a wrong password fails at open
        *ctx = context.release();
        return TRESOR_OK;
    });
}

void vault_close(void* ctx) {
    delete static_cast<Context*>(ctx);
}

tresor_status vault_get(void* ctx, const tresor_key* key, tresor_secret_sink sink, void* sink_ctx,
                        tresor_diag* diag) {
    return guarded(diag, [&] {
        tv::Vault* vault = as_context(ctx).existing();
        auto value = vault != nullptr ? vault->get(key->service, key->name) : std::nullopt;
        if (!value) {
            return TRESOR_NOT_FOUND;
        }
        return sink(sink_ctx, value->data(), value->size()) == 0 ? TRESOR_OK : TRESOR_INTERNAL;
    });
}

tresor_status vault_set(void* ctx, const tresor_key* key, const uint8_t* value, size_t length,
                        const tresor_entry* meta, tresor_diag* diag) {
    return guarded(diag, [&] {
        tv::Metadata m;
        m.type = meta->type;
        m.label = meta->label != nullptr ? meta->label : "";
        m.description = meta->description != nullptr ? meta->description : "";
        m.expires_at = meta->expires_at;
        as_context(ctx).writable().set(key->service, key->name, {value, length}, m);
        return TRESOR_OK;
    });
}

tresor_status vault_remove(void* ctx, const tresor_key* key, int* removed, tresor_diag* diag) {
    return guarded(diag, [&] {
        tv::Vault* vault = as_context(ctx).existing();
        *removed = vault != nullptr && vault->remove(key->service, key->name) ? 1 : 0;
        return TRESOR_OK;
    });
}

tresor_status vault_list(void* ctx, const char* service, tresor_entry_sink sink, void* sink_ctx,
                         tresor_diag* diag) {
    return guarded(diag, [&] {
        if (tv::Vault* vault = as_context(ctx).existing()) {
            const std::string filter = service != nullptr ? service : "";
            bool stopped = false;
            vault->list(service != nullptr ? &filter : nullptr, [&](const tv::Metadata& m) {
                const tresor_entry e = to_entry(m);
                stopped = stopped || sink(sink_ctx, &e) != 0;
            });
        }
        return TRESOR_OK;
    });
}

tresor_status vault_stat(void* ctx, const tresor_key* key, tresor_entry_sink sink, void* sink_ctx,
                         tresor_diag* diag) {
    return guarded(diag, [&] {
        tv::Vault* vault = as_context(ctx).existing();
        auto m = vault != nullptr ? vault->stat(key->service, key->name) : std::nullopt;
        if (!m) {
            return TRESOR_NOT_FOUND;
        }
        const tresor_entry e = to_entry(*m);
        sink(sink_ctx, &e);
        return TRESOR_OK;
    });
}

constexpr tresor_plugin kVaultPlugin = {
    TRESOR_PLUGIN_ABI_MAJOR,
    TRESOR_PLUGIN_ABI_MINOR,
    sizeof(tresor_plugin),
    TRESOR_CAP_PERSISTENT | TRESOR_CAP_SHARED | TRESOR_CAP_LIST | TRESOR_CAP_METADATA |
        TRESOR_CAP_BINARY | TRESOR_CAP_EXPIRY,
    "vault",
    "0.1.0",
    "encrypted SQLite file vault (Argon2id, XChaCha20-Poly1305)",
    vault_probe,
    vault_open,
    vault_close,
    vault_get,
    vault_set,
    vault_remove,
    vault_list,
    vault_stat,
};

}  // namespace

extern "C" const tresor_plugin* tresor_plugin_vault_entry(uint32_t, uint32_t) {
    return &kVaultPlugin;
}
