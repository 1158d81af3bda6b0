// plugins/common/vault_backend.hpp — the vault engine (vault/) behind the
// plugin ABI, whatever its record store. The file vault (plugins/vault) and
// the fleet store (plugins/postgres) differ only in where the bytes live, so
// both are this one adapter given a Store policy:
//
//   struct Store {
//       static constexpr tresor::vault::StoreKind kind = ...;   // its settings
//       static tresor::vault::StoreAccess access(const tresor::vault::Settings&);
//   };
//
// A vault that does not exist reads as empty; the first set creates it when
// the settings allow (create = true), else fails naming `tresor vault init`.
// Reading never creates anything.
//
// last_used_at: a get notes the use in memory (Vault::note_use); the context
// writes the noted uses (Vault::record_uses) at most once per kUseFlushEvery
// and when it closes, and an entry's stored last_used_at is rewritten only
// when it is kUseFlushEvery or more older than the use. So a read costs no
// durable write, the stored time is at most that much older than the latest
// use, and a crash loses at most that much (docs/CREDENTIALS.md).
//
// The audit log (audit = "on" or "strict", docs/VAULT-FORMAT.md "Audit
// log"): every call names its actor and purpose from the host's call_info;
// a write seals its events in its own transaction; a get's event is noted
// and written with the next write, when a batch is due (Vault::audit_due) or
// at close, so a crash loses at most the reads of that batch; in strict mode
// a get writes its event durably before the value goes to the host, and a
// failure to write it fails the get. A wrong credential leaves an unsealed
// note in the store for the next audited write to seal.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "plugins/common/plugin_support.hpp"
#include "vault/audit/writer.hpp"
#include "vault/settings.hpp"
#include "vault/slots/host_key.hpp"
#include "vault/unlock_cache.hpp"
#include "vault/vault.hpp"

namespace tresor::plugin {

template <typename Store>
class VaultBackend {
  public:
    static tresor_status probe(const tresor_param*, size_t, tresor_diag*) {
        // Usable wherever the process runs: a store that cannot be reached
        // is an error at open, not "unusable", so that a chain never sends
        // new secrets elsewhere because a database was down (docs/FLEET.md).
        return TRESOR_OK;
    }

    static tresor_status open(const tresor_param* params, size_t count, const tresor_host* host,
                              void** ctx, tresor_diag* diag) {
        return guarded(diag, [&] {
            std::vector<std::pair<std::string, std::string>> pairs;
            for (size_t i = 0; i < count; ++i) {
                pairs.emplace_back(params[i].key, params[i].value);
            }
            auto context = std::make_unique<Context>();
            context->settings = vault::settings_from_params(pairs, Store::kind);
            context->access = Store::access(context->settings);
            context->host = host;
            (void)context->existing();  // unlock now: a wrong password fails at open
            *ctx = context.release();
            return TRESOR_OK;
        });
    }

    static void close(void* ctx) { delete static_cast<Context*>(ctx); }

    static tresor_status get(void* ctx, const tresor_key* key, tresor_secret_sink sink,
                             void* sink_ctx, tresor_diag* diag) {
        return guarded(diag, [&] {
            Context& c = as_context(ctx);
            vault::Vault* v = c.existing();
            if (v == nullptr) {
                return TRESOR_NOT_FOUND;
            }
            const auto operation = c.begin_call(*v);
            std::optional<vault::SecureBytes> value;
            try {
                value = v->get(key->service, key->name);
            } catch (const Error& e) {
                v->note_read(operation, vault::audit::Outcome::failed, key->service, key->name,
                             e.what());
                throw;
            }
            // Before the value leaves: in strict mode its event is durable
            // first, or the get fails.
            c.read(*v, operation, *key, value.has_value());
            if (!value) {
                return TRESOR_NOT_FOUND;
            }
            c.used(*v, key->service, key->name);
            return sink(sink_ctx, value->data(), value->size()) == 0 ? TRESOR_OK : TRESOR_INTERNAL;
        });
    }

    static tresor_status set(void* ctx, const tresor_key* key, const uint8_t* value, size_t length,
                             const tresor_entry* meta, tresor_diag* diag) {
        return guarded(diag, [&] {
            Context& c = as_context(ctx);
            vault::Vault& v = c.writable();
            (void)c.begin_call(v);
            v.set(key->service, key->name, {value, length}, metadata(*meta));
            return TRESOR_OK;
        });
    }

    // Vault::set_many: one transaction, so a batch is written whole or not at all.
    static tresor_status set_many(void* ctx, const tresor_batch_item* items, size_t count,
                                  tresor_diag* diag) {
        return guarded(diag, [&] {
            std::vector<vault::Vault::NewEntry> entries;
            entries.reserve(count);
            for (size_t i = 0; i < count; ++i) {
                const tresor_batch_item& item = items[i];
                entries.push_back({item.key->service,
                                   item.key->name,
                                   {item.value, item.value_length},
                                   metadata(*item.meta)});
            }
            Context& c = as_context(ctx);
            vault::Vault& v = c.writable();
            (void)c.begin_call(v);
            v.set_many(entries);
            return TRESOR_OK;
        });
    }

    static tresor_status remove(void* ctx, const tresor_key* key, int* removed, tresor_diag* diag) {
        return guarded(diag, [&] {
            Context& c = as_context(ctx);
            vault::Vault* v = c.existing();
            if (v != nullptr) {
                (void)c.begin_call(*v);
            }
            *removed = v != nullptr && v->remove(key->service, key->name) ? 1 : 0;
            return TRESOR_OK;
        });
    }

    static tresor_status list(void* ctx, const char* service, tresor_entry_sink sink,
                              void* sink_ctx, tresor_diag* diag) {
        return guarded(diag, [&] {
            if (vault::Vault* v = as_context(ctx).existing()) {
                const std::string filter = service != nullptr ? service : "";
                bool stopped = false;
                v->list(service != nullptr ? &filter : nullptr, [&](const vault::Metadata& m) {
                    const tresor_entry e = to_entry(m);
                    stopped = stopped || sink(sink_ctx, &e) != 0;
                });
            }
            return TRESOR_OK;
        });
    }

    static tresor_status stat(void* ctx, const tresor_key* key, tresor_entry_sink sink,
                              void* sink_ctx, tresor_diag* diag) {
        return guarded(diag, [&] {
            vault::Vault* v = as_context(ctx).existing();
            auto m = v != nullptr ? v->stat(key->service, key->name) : std::nullopt;
            if (!m) {
                return TRESOR_NOT_FOUND;
            }
            const tresor_entry e = to_entry(*m);
            sink(sink_ctx, &e);
            return TRESOR_OK;
        });
    }

  private:
    static constexpr std::chrono::minutes kUseFlushEvery{5};

    struct Context {
        vault::Settings settings;
        vault::StoreAccess access;
        const tresor_host* host = nullptr;
        std::optional<vault::Vault> vault;  // empty while the store has no vault
        std::chrono::steady_clock::time_point last_flush = std::chrono::steady_clock::now();

        Context() = default;
        Context(const Context&) = delete;
        Context& operator=(const Context&) = delete;
        ~Context() {
            if (vault) {
                record_uses(*vault);
                flush_audit(*vault);
            }
        }

        // Tells the vault who the host's call is for; returns whether a get
        // is a read or a use (rendered as a header).
        vault::audit::Operation begin_call(vault::Vault& v) const {
            tresor_call_info info{};
            info.struct_size = sizeof(info);
            info.actor = "";
            if (host != nullptr && TRESOR_STRUCT_HAS(host, tresor_host, call_info) &&
                host->call_info != nullptr) {
                host->call_info(host->ctx, &info);
            }
            v.set_audit_actor(info.actor != nullptr ? info.actor : "");
            return info.purpose == TRESOR_PURPOSE_USE ? vault::audit::Operation::use
                                                      : vault::audit::Operation::get;
        }

        void read(vault::Vault& v, vault::audit::Operation operation, const tresor_key& key,
                  bool found) {
            v.note_read(operation,
                        found ? vault::audit::Outcome::ok : vault::audit::Outcome::not_found,
                        key.service, key.name);
            if (settings.audit == vault::AuditMode::strict) {
                (void)v.flush_audit();  // throws: the get fails, no value leaves
            } else if (v.audit_due()) {
                flush_audit(v);
            }
        }

        // Like record_uses, a batch of reads that cannot be written waits for
        // the next flush or is lost, silently: the get that noted it succeeded.
        static void flush_audit(vault::Vault& v) noexcept {
            try {
                (void)v.flush_audit();
            } catch (...) {  // NOLINT(bugprone-empty-catch): see above
            }
        }

        void used(vault::Vault& v, const char* service, const char* name) {
            using namespace std::chrono;
            v.note_use(service, name,
                       duration_cast<seconds>(system_clock::now().time_since_epoch()).count());
            if (steady_clock::now() - last_flush >= kUseFlushEvery) {
                record_uses(v);
            }
        }

        // A get never fails for its bookkeeping: a read-only file, a locked
        // or unreachable database only lose these uses (or keep them for the
        // next flush), silently, since a library must not write on its
        // host's stderr and reading a vault one cannot write is legitimate.
        void record_uses(vault::Vault& v) noexcept {
            last_flush = std::chrono::steady_clock::now();
            try {
                (void)v.record_uses(
                    std::chrono::duration_cast<std::chrono::seconds>(kUseFlushEvery).count());
            } catch (...) {  // NOLINT(bugprone-empty-catch): see above
            }
        }

        vault::Credential credential(vault::Purpose purpose) const {
            const tresor_host* h = host;
            vault::PasswordPrompt prompt =
                [h](const std::string& text,
                    std::string& reason) -> std::optional<vault::SecureBytes> {
                if (h == nullptr || h->read_password == nullptr) {
                    reason = "the host offers no prompt";
                    return std::nullopt;
                }
                vault::SecureBytes out;
                auto take = [](void* c, const uint8_t* bytes, size_t n) {
                    static_cast<vault::SecureBytes*>(c)->assign(bytes, bytes + n);
                    return 0;
                };
                tresor_diag diag{};
                if (h->read_password(h->ctx, text.c_str(), take, &out, &diag) != TRESOR_OK) {
                    reason = diag.message;
                    return std::nullopt;
                }
                return out;
            };
            return vault::obtain_credential(settings.unlock, prompt, purpose, access.where);
        }

        // Opens the vault once it exists (another process may have made it),
        // with the key `tresor vault unlock` or an earlier open cached when
        // it still verifies, else with the configured unlock.
        vault::Vault* existing() {
            if (!vault && access.exists()) {
                const bool asked = settings.cache_for.count() > 0;
                bool found = false;
                auto cached = [asked, &found](const std::string& id) {
                    auto key = vault::find_cached_vault_key(id, asked);
                    found = key.has_value();
                    return key;
                };
                std::string tried;
                try {
                    vault.emplace(vault::Vault::open(
                        access.open(), cached,
                        [this, &tried] {
                            vault::Credential c = credential(vault::Purpose::unlock);
                            tried = credential_name(c);
                            return c;
                        },
                        settings.kdf_limits, settings.trust()));
                } catch (const Error& e) {
                    if (settings.audit != vault::AuditMode::off &&
                        e.code() == ErrorCode::auth_failed) {
                        note_failed_unlock(tried, e.what());
                    }
                    throw;
                }
                enable_audit(*vault);
                if (asked && !vault->unlocked_from_cache()) {
                    vault::cache_vault_key_if_possible(vault->id(), vault->vault_key(),
                                                       settings.cache_for);
                } else if (found && !vault->unlocked_from_cache()) {
                    // A key from before a rotation elsewhere: it still opens
                    // old copies of the vault, so it must not linger.
                    (void)vault::drop_cached_vault_key(vault->id());
                }
            }
            return vault ? &*vault : nullptr;
        }

        void enable_audit(vault::Vault& v) const {
            if (settings.audit != vault::AuditMode::off) {
                v.enable_audit();
            }
        }

        // What a failed unlock tried, for its note: never the secret.
        static std::string credential_name(const vault::Credential& c) {
            switch (c.kind) {
                case vault::Credential::Kind::keyfile:
                    return "key file";
                case vault::Credential::Kind::hostkey:
                    return "host " + vault::public_key_text(vault::host_public_key(c.bytes));
                case vault::Credential::Kind::password:
                    break;
            }
            return "password";
        }

        void note_failed_unlock(const std::string& tried, const char* why) const noexcept {
            try {
                vault::audit::note_failed_unlock(*access.open(), tried, why);
            } catch (...) {  // NOLINT(bugprone-empty-catch): the unlock's error is what matters
            }
        }

        vault::Vault& writable() {
            if (vault::Vault* v = existing()) {
                return *v;
            }
            if (!settings.create) {
                fail(TRESOR_UNAVAILABLE, "vault " + access.where +
                                             " does not exist (create it with `tresor vault "
                                             "init`, or set create = true)");
            }
            // A new vault's password slot: kdf.* as configured, the rest
            // measured on this machine (vault/kdf_calibration.hpp).
            vault::Credential password = credential(vault::Purpose::create);
            vault.emplace(
                vault::Vault::create(access.create, password,
                                     vault::choose_kdf_policy(settings.kdf, settings.kdf_limits),
                                     settings.kdf_limits, nullptr, settings.trust()));
            enable_audit(*vault);
            return *vault;
        }
    };

    static Context& as_context(void* ctx) { return *static_cast<Context*>(ctx); }

    // What the host sets; the vault keeps the times.
    static vault::Metadata metadata(const tresor_entry& meta) {
        vault::Metadata m;
        m.type = meta.type;
        m.label = meta.label != nullptr ? meta.label : "";
        m.description = meta.description != nullptr ? meta.description : "";
        m.expires_at = meta.expires_at;
        if (TRESOR_STRUCT_HAS(&meta, tresor_entry, attributes) && meta.attributes != nullptr) {
            m.attributes = meta.attributes;
        }
        return m;
    }

    static tresor_entry to_entry(const vault::Metadata& m) {
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
        e.last_used_at = m.last_used_at;
        e.attributes = m.attributes.c_str();
        return e;
    }
};

// The plugin table of a vault backend.
template <typename Store>
constexpr tresor_plugin vault_plugin_table(const char* name, const char* summary) {
    using B = VaultBackend<Store>;
    return {
        TRESOR_PLUGIN_ABI_MAJOR,
        TRESOR_PLUGIN_ABI_MINOR,
        sizeof(tresor_plugin),
        TRESOR_CAP_PERSISTENT | TRESOR_CAP_SHARED | TRESOR_CAP_LIST | TRESOR_CAP_METADATA |
            TRESOR_CAP_BINARY | TRESOR_CAP_EXPIRY | TRESOR_CAP_ATTRIBUTES,
        name,
        "0.1.0",
        summary,
        B::probe,
        B::open,
        B::close,
        B::get,
        B::set,
        B::remove,
        B::list,
        B::stat,
        B::set_many,
    };
}

}  // namespace tresor::plugin
