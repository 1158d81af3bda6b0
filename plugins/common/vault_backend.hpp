// plugins/common/vault_backend.hpp — the vault engine (vault/) behind the
// plugin ABI, whatever its record store. The file vault (plugins/vault) and
// the fleet store (plugins/postgres) differ only in where the bytes live, so
// both are this one kit class (plugin_kit.hpp) given a Store policy:
//
//   struct Store {
//       static constexpr const char* name = ...;     // the plugin's name
//       static constexpr const char* summary = ...;  // its line in `tresor plugins`
//       static constexpr tresor::vault::StoreKind kind = ...;   // its settings
//       static tresor::vault::StoreAccess access(const tresor::vault::Settings&);
//   };
//   TRESOR_PLUGIN_KIT(id, tresor::plugin::VaultBackend<Store>)
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
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/common/plugin_kit.hpp"
#include "vault/audit/writer.hpp"
#include "vault/settings.hpp"
#include "vault/slots/host_key.hpp"
#include "vault/unlock_cache.hpp"
#include "vault/vault.hpp"

namespace tresor::plugin {

// Without a probe of its own (the kit's default), a vault backend is usable
// wherever the process runs: a store that cannot be reached is an error at
// open, not "unusable", so that a chain never sends new secrets elsewhere
// because a database was down (docs/FLEET.md).
template <typename Store>
class VaultBackend {
  public:
    static constexpr Info info{
        .name = Store::name,
        .summary = Store::summary,
        .capabilities = TRESOR_CAP_PERSISTENT | TRESOR_CAP_SHARED | TRESOR_CAP_LIST |
                        TRESOR_CAP_METADATA | TRESOR_CAP_BINARY | TRESOR_CAP_EXPIRY |
                        TRESOR_CAP_ATTRIBUTES,
    };

    // The vault's settings judge every parameter (they name the known ones);
    // unlocking now makes a wrong password fail at open.
    VaultBackend(Params& params, const tresor_host* host)
        : settings_(vault::settings_from_params(params.take_all(), Store::kind)),
          access_(Store::access(settings_)),
          host_(host) {
        (void)existing();
    }

    VaultBackend(const VaultBackend&) = delete;
    VaultBackend& operator=(const VaultBackend&) = delete;

    ~VaultBackend() {
        if (vault_) {
            record_uses(*vault_);
            flush_audit(*vault_);
        }
    }

    bool get(const tresor_key& key, SecretOut& out) {
        vault::Vault* v = existing();
        if (v == nullptr) {
            return false;
        }
        const auto operation = begin_call(*v);
        std::optional<vault::SecureBytes> value;
        try {
            value = v->get(key.service, key.name);
        } catch (const Error& e) {
            v->note_read(operation, vault::audit::Outcome::failed, key.service, key.name, e.what());
            throw;
        }
        // Before the value leaves: in strict mode its event is durable
        // first, or the get fails.
        read(*v, operation, key, value.has_value());
        if (!value) {
            return false;
        }
        used(*v, key.service, key.name);
        out.give(*value);
        return true;
    }

    void set(const tresor_key& key, Bytes value, const NewEntry& meta) {
        vault::Vault& v = writable();
        (void)begin_call(v);
        v.set(key.service, key.name, value, metadata(meta));
    }

    // Vault::set_many: one transaction, so a batch is written whole or not at all.
    void set_many(std::span<const BatchItem> items) {
        std::vector<vault::Vault::NewEntry> entries;
        entries.reserve(items.size());
        for (const BatchItem& item : items) {
            entries.push_back({item.key.service, item.key.name, item.value, metadata(item.meta)});
        }
        vault::Vault& v = writable();
        (void)begin_call(v);
        v.set_many(entries);
    }

    bool remove(const tresor_key& key) {
        vault::Vault* v = existing();
        if (v == nullptr) {
            return false;
        }
        (void)begin_call(*v);
        return v->remove(key.service, key.name);
    }

    void list(std::optional<std::string_view> service, EntryOut& out) {
        vault::Vault* v = existing();
        if (v == nullptr) {
            return;
        }
        const std::string filter(service.value_or(""));
        bool more = true;
        v->list(service ? &filter : nullptr,
                [&](const vault::Metadata& m) { more = more && out.add(entry(m)); });
    }

    std::optional<Entry> stat(const tresor_key& key) {
        vault::Vault* v = existing();
        auto m = v != nullptr ? v->stat(key.service, key.name) : std::nullopt;
        return m ? std::optional<Entry>(entry(*m)) : std::nullopt;
    }

  private:
    static constexpr std::chrono::minutes kUseFlushEvery{5};

    // Tells the vault who the host's call is for; returns whether a get is a
    // read or a use (rendered as a header).
    vault::audit::Operation begin_call(vault::Vault& v) const {
        tresor_call_info call{};
        call.struct_size = sizeof(call);
        call.actor = "";
        if (host_ != nullptr && TRESOR_STRUCT_HAS(host_, tresor_host, call_info) &&
            host_->call_info != nullptr) {
            host_->call_info(host_->ctx, &call);
        }
        v.set_audit_actor(call.actor != nullptr ? call.actor : "");
        return call.purpose == TRESOR_PURPOSE_USE ? vault::audit::Operation::use
                                                  : vault::audit::Operation::get;
    }

    void read(vault::Vault& v, vault::audit::Operation operation, const tresor_key& key,
              bool found) {
        v.note_read(operation, found ? vault::audit::Outcome::ok : vault::audit::Outcome::not_found,
                    key.service, key.name);
        if (settings_.audit == vault::AuditMode::strict) {
            (void)v.flush_audit();  // throws: the get fails, no value leaves
        } else if (v.audit_due()) {
            flush_audit(v);
        }
    }

    // Like record_uses, a batch of reads that cannot be written waits for the
    // next flush or is lost, silently: the get that noted it succeeded.
    static void flush_audit(vault::Vault& v) noexcept {
        try {
            (void)v.flush_audit();
        } catch (...) {  // NOLINT(bugprone-empty-catch): see above
        }
    }

    void used(vault::Vault& v, const char* service, const char* name) {
        v.note_use(service, name, unix_now());
        if (std::chrono::steady_clock::now() - last_flush_ >= kUseFlushEvery) {
            record_uses(v);
        }
    }

    // A get never fails for its bookkeeping: a read-only file, a locked or
    // unreachable database only lose these uses (or keep them for the next
    // flush), silently, since a library must not write on its host's stderr
    // and reading a vault one cannot write is legitimate.
    void record_uses(vault::Vault& v) noexcept {
        last_flush_ = std::chrono::steady_clock::now();
        try {
            (void)v.record_uses(
                std::chrono::duration_cast<std::chrono::seconds>(kUseFlushEvery).count());
        } catch (...) {  // NOLINT(bugprone-empty-catch): see above
        }
    }

    vault::Credential credential(vault::Purpose purpose) const {
        const tresor_host* h = host_;
        vault::PasswordPrompt prompt =
            [h](const std::string& text, std::string& reason) -> std::optional<vault::SecureBytes> {
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
        return vault::obtain_credential(settings_.unlock, prompt, purpose, access_.where);
    }

    // Opens the vault once it exists (another process may have made it), with
    // the key `tresor vault unlock` or an earlier open cached when it still
    // verifies, else with the configured unlock.
    vault::Vault* existing() {
        if (!vault_ && access_.exists()) {
            const bool asked = settings_.cache_for.count() > 0;
            bool found = false;
            auto cached = [asked, &found](const std::string& id) {
                auto key = vault::find_cached_vault_key(id, asked);
                found = key.has_value();
                return key;
            };
            std::string tried;
            try {
                vault_.emplace(vault::Vault::open(
                    access_.open(), cached,
                    [this, &tried] {
                        vault::Credential c = credential(vault::Purpose::unlock);
                        tried = credential_name(c);
                        return c;
                    },
                    settings_.kdf_limits, settings_.trust()));
            } catch (const Error& e) {
                if (settings_.audit != vault::AuditMode::off &&
                    e.code() == ErrorCode::auth_failed) {
                    note_failed_unlock(tried, e.what());
                }
                throw;
            }
            enable_audit(*vault_);
            if (asked && !vault_->unlocked_from_cache()) {
                vault::cache_vault_key_if_possible(vault_->id(), vault_->vault_key(),
                                                   settings_.cache_for);
            } else if (found && !vault_->unlocked_from_cache()) {
                // A key from before a rotation elsewhere: it still opens old
                // copies of the vault, so it must not linger.
                (void)vault::drop_cached_vault_key(vault_->id());
            }
        }
        return vault_ ? &*vault_ : nullptr;
    }

    void enable_audit(vault::Vault& v) const {
        if (settings_.audit != vault::AuditMode::off) {
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
            vault::audit::note_failed_unlock(*access_.open(), tried, why);
        } catch (...) {  // NOLINT(bugprone-empty-catch): the unlock's error is what matters
        }
    }

    vault::Vault& writable() {
        if (vault::Vault* v = existing()) {
            return *v;
        }
        if (!settings_.create) {
            fail(TRESOR_UNAVAILABLE, "vault " + access_.where +
                                         " does not exist (create it with `tresor vault "
                                         "init`, or set create = true)");
        }
        // A new vault's password slot: kdf.* as configured, the rest
        // measured on this machine (vault/kdf_calibration.hpp).
        vault::Credential password = credential(vault::Purpose::create);
        vault_.emplace(vault::Vault::create(
            access_.create, password, vault::choose_kdf_policy(settings_.kdf, settings_.kdf_limits),
            settings_.kdf_limits, nullptr, settings_.trust()));
        enable_audit(*vault_);
        return *vault_;
    }

    // What the host sets; the vault keeps the times.
    static vault::Metadata metadata(const NewEntry& meta) {
        vault::Metadata m;
        m.type = meta.type;
        m.label = meta.label;
        m.description = meta.description;
        m.expires_at = meta.expires_at;
        m.attributes = meta.attributes;
        return m;
    }

    static Entry entry(const vault::Metadata& m) {
        return {.service = m.service,
                .name = m.name,
                .id = m.record_id,
                .type = m.type,
                .label = m.label,
                .description = m.description,
                .created_at = m.created_at,
                .updated_at = m.updated_at,
                .last_used_at = m.last_used_at,
                .expires_at = m.expires_at,
                .attributes = m.attributes};
    }

    vault::Settings settings_;
    vault::StoreAccess access_;
    const tresor_host* host_;
    std::optional<vault::Vault> vault_;  // empty while the store has no vault
    std::chrono::steady_clock::time_point last_flush_ = std::chrono::steady_clock::now();
};

}  // namespace tresor::plugin
