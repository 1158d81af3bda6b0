// The Store facade: key checks, then one call to the backend that serves.
#include <stdlib.h>

#include <algorithm>
#include <array>
#include <map>
#include <mutex>

#include "conf/config.hpp"
#include "core/authed_request.hpp"
#include "core/call_scope.hpp"
#include "core/chain.hpp"
#include "core/clock.hpp"
#include "core/credential.hpp"
#include "core/oauth2.hpp"
#include "core/oauth2_login.hpp"
#include "core/plugin_catalog.hpp"
#include "platform/file.hpp"
#include "platform/paths.hpp"
#include "platform/terminal.hpp"
#include "tresor/store.hpp"

namespace tresor {
namespace {

constexpr std::size_t kMaxKeyPartBytes = 4096;

conf::Config load_config(const OpenOptions& options) {
    if (options.config_toml) {
        return conf::parse_config(*options.config_toml, "<config string>",
                                  std::filesystem::current_path());
    }
    return conf::discover_config(options.config_path);
}

std::optional<std::string> forced_backend(const OpenOptions& options) {
    if (options.backend) {
        return options.backend;
    }
    if (auto env = platform::trusted_environment_variable("TRESOR_BACKEND")) {
        return env;
    }
    return std::nullopt;
}

void check_text(std::string_view what, std::string_view value, bool may_be_empty) {
    if (!may_be_empty && value.empty()) {
        throw Error(ErrorCode::invalid_argument, std::string(what) + " must not be empty");
    }
    if (value.size() > kMaxKeyPartBytes) {
        throw Error(ErrorCode::invalid_argument, std::string(what) + " is longer than " +
                                                     std::to_string(kMaxKeyPartBytes) + " bytes");
    }
    if (value.find('\0') != std::string_view::npos) {
        throw Error(ErrorCode::invalid_argument, std::string(what) + " must not contain NUL bytes");
    }
}

// An entry that expires before it is stored could never be read: every
// backend would keep it invisible (and Unix second 0 means "never" in the
// plugin ABI, so the epoch would even become an entry that never expires).
void check_expiry(const std::optional<Timestamp>& expires_at) {
    if (expires_at && *expires_at <= core::now()) {
        throw Error(ErrorCode::invalid_argument,
                    "expiry " + std::to_string(expires_at->time_since_epoch().count()) +
                        " (Unix seconds) is not in the future: the entry could never be read");
    }
}

// The config's [http] ca_file, read once on the descriptor its checks were
// made on, as tresor reads every file it trusts: a bundle another user could
// write would let them vouch for any server.
http::TlsSettings tls_settings(const conf::Config& config) {
    http::TlsSettings tls;
    if (config.http_ca_file) {
        constexpr std::uint64_t kMaxBundleBytes = 4 * 1024 * 1024;
        platform::TrustRules rules{"CA bundle (http.ca_file)", platform::Owner::self_or_root, 022,
                                   true, kMaxBundleBytes};
        const platform::FileDescriptor fd =
            platform::open_trusted_file(*config.http_ca_file, rules);
        platform::read_bounded(fd.get(), kMaxBundleBytes, config.http_ca_file->string(),
                               [&tls](std::span<const std::uint8_t> chunk) {
                                   tls.ca_bundle.append(chunk.begin(), chunk.end());
                               });
    }
    return tls;
}

// Backends list in their own order; callers get one stable order. The
// token records of oauth2 credentials are their credential's private state
// (core/oauth2.hpp): never listed.
void sort_entries(std::vector<Entry>& entries) {
    std::erase_if(entries, [](const Entry& e) { return core::is_token_record_name(e.name); });
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return std::tie(a.service, a.name, a.backend) < std::tie(b.service, b.name, b.backend);
    });
}

// An entry and its value, read for a use of the credential.
struct StoredCredential {
    Entry entry;
    Secret value;
};

std::optional<StoredCredential> read_credential(core::Backend& backend, const Key& key) {
    std::optional<Entry> entry = backend.stat(key);
    std::optional<Secret> value = entry ? backend.get(key) : std::nullopt;
    if (!value) {
        return std::nullopt;
    }
    return StoredCredential{std::move(*entry), std::move(*value)};
}

}  // namespace

struct Store::Impl {
    Impl(conf::Config cfg, const OpenOptions& options)
        : config(std::move(cfg)),
          catalog(config.plugin_path),
          allow_prompt(options.allow_prompt),
          host{sizeof(tresor_host), this, &Impl::read_password, &Impl::call_info},
          chain(config, catalog, forced_backend(options), &host) {}

    // The host service behind tresor_host::read_password.
    static tresor_status read_password(void* ctx, const char* prompt, tresor_secret_sink sink,
                                       void* sink_ctx, tresor_diag* diag) noexcept {
        auto note = [diag](std::string_view message) {
            const std::size_t n = std::min(message.size(), sizeof(diag->message) - 1);
            message.copy(diag->message, n);
            diag->message[n] = '\0';
        };
        try {
            if (!static_cast<Impl*>(ctx)->allow_prompt) {
                note("prompting for a password is not enabled for this program");
                return TRESOR_LOCKED;
            }
            std::optional<SecureBytes> line = platform::read_hidden_line(prompt);
            if (!line) {
                note("no terminal to prompt on");
                return TRESOR_LOCKED;
            }
            return sink(sink_ctx, line->data(), line->size()) == 0 ? TRESOR_OK : TRESOR_INTERNAL;
        } catch (const std::exception& e) {
            note(e.what());
            return TRESOR_IO;
        }
    }

    // The host service behind tresor_host::call_info.
    static void call_info(void*, tresor_call_info* info) noexcept {
        core::CallScope::describe(*info);
    }

    Key normalize(const Key& key) const {
        Key out{key.service.empty() ? config.default_service : key.service, key.name};
        check_text("service", out.service, false);
        check_text("name", out.name, false);
        if (core::is_token_record_name(out.name)) {
            throw Error(ErrorCode::invalid_argument,
                        "name '" + out.name + "' ends in '" +
                            std::string(core::kTokenRecordSuffix) +
                            "', which tresor keeps for the tokens of oauth2 credentials "
                            "(docs/CREDENTIALS.md, \"The token record\")");
        }
        return out;
    }

    // The HTTP client of request(), made on the first one: a Store that
    // never makes a request never reads the CA bundle or loads libcurl.
    http::Client& http_client() {
        std::call_once(http_once,
                       [this] { http = std::make_unique<http::Client>(tls_settings(config)); });
        return *http;
    }

    // The mutex that serializes the token renewals of one oauth2 credential
    // in this process (core/oauth2.hpp); never removed, as a credential's
    // key is small.
    std::mutex& refresh_lock(const Key& key) {
        const std::lock_guard guard(refresh_locks_mutex);
        std::unique_ptr<std::mutex>& slot = refresh_locks[{key.service, key.name}];
        if (!slot) {
            slot = std::make_unique<std::mutex>();
        }
        return *slot;
    }

    // The header of a credential for a use now: an oauth2 credential's is
    // its access token (fetched or renewed when due), the others' are made
    // from the value.
    Secret credential_header(core::Backend& backend, const Entry& entry, const Secret& value) {
        if (entry.type != SecretType::oauth2) {
            return core::render_header(entry, value);
        }
        const Secret token = access_token(backend, entry, value);
        Entry bearer = entry;
        bearer.type = SecretType::bearer_token;
        bearer.attributes.clear();
        return core::render_header(bearer, token);
    }

    Secret access_token(core::Backend& backend, const Entry& entry, const Secret& value) {
        return core::current_access_token(backend, http_client(), entry, value,
                                          refresh_lock({entry.service, entry.name}));
    }

    conf::Config config;
    core::PluginCatalog catalog;
    bool allow_prompt;
    tresor_host host;  // must outlive chain: plugins keep it until close
    core::Chain chain;
    std::once_flag http_once;
    std::unique_ptr<http::Client> http;
    std::mutex refresh_locks_mutex;
    std::map<std::pair<std::string, std::string>, std::unique_ptr<std::mutex>> refresh_locks;
};

Store Store::open(const OpenOptions& options) {
    return Store(std::make_shared<Impl>(load_config(options), options), options.scopes);
}

Store Store::narrowed(Scopes scopes) const {
    if (!scopes_.contains(scopes)) {
        throw Error(ErrorCode::permission_denied,
                    "a store handle cannot be widened: it does not hold every scope asked for");
    }
    return Store(impl_, scopes, actor_);
}

Store Store::acting_for(std::string actor) const {
    return Store(impl_, scopes_, std::move(actor));
}

void Store::require(Scope scope) const {
    if (!scopes_.has(scope)) {
        throw Error(ErrorCode::permission_denied,
                    "this store handle lacks the '" + std::string(to_string(scope)) + "' scope");
    }
}

Store Store::open(const std::filesystem::path& config_path) {
    OpenOptions options;
    options.config_path = config_path;
    return open(options);
}

Store Store::from_toml(std::string_view config_toml) {
    OpenOptions options;
    options.config_toml = std::string(config_toml);
    return open(options);
}

void Store::set(const Key& key, const Secret& value, const SetOptions& given) {
    require(Scope::store);
    const Key k = impl_->normalize(key);
    SetOptions options = given;
    core::normalize_attributes(options.attributes);
    check_text("label", options.label, true);
    check_text("description", options.description, true);
    check_expiry(options.expires_at);
    core::check_credential(options.type, options.attributes, value);
    const core::CallScope call(actor_, TRESOR_PURPOSE_READ);
    core::Backend& backend = impl_->chain.serving(k.service);
    const bool drop_token =
        options.type == SecretType::oauth2 && core::token_is_stale(backend.stat(k), options);
    backend.set(k, value, options);
    if (drop_token) {
        core::forget_token_record(backend, k);
    }
}

void Store::set_many(std::span<const NewSecret> items) {
    require(Scope::store);
    std::vector<NewSecret> normalized;
    normalized.reserve(items.size());
    core::Backend* backend = nullptr;
    for (const NewSecret& item : items) {
        const Key k = impl_->normalize(item.key);
        SetOptions options = item.options;
        core::normalize_attributes(options.attributes);
        check_text("label", options.label, true);
        check_text("description", options.description, true);
        check_expiry(options.expires_at);
        core::check_credential(options.type, options.attributes, item.value);
        core::Backend& serving = impl_->chain.serving(k.service);
        if (backend != nullptr && backend != &serving) {
            throw Error(ErrorCode::invalid_argument,
                        "a batch must go to one backend, but it spans '" + backend->name() +
                            "' and '" + serving.name() + "'");
        }
        backend = &serving;
        normalized.push_back({k, item.value, std::move(options)});
    }
    if (backend != nullptr) {
        const core::CallScope call(actor_, TRESOR_PURPOSE_READ);
        std::vector<Key> stale_tokens;  // the credentials whose token records go
        for (const NewSecret& item : normalized) {
            if (item.options.type == SecretType::oauth2 &&
                core::token_is_stale(backend->stat(item.key), item.options)) {
                stale_tokens.push_back(item.key);
            }
        }
        backend->set_many(normalized);
        for (const Key& credential : stale_tokens) {
            core::forget_token_record(*backend, credential);
        }
    }
}

std::optional<Secret> Store::get(const Key& key) {
    require(Scope::read);
    const Key k = impl_->normalize(key);
    const core::CallScope call(actor_, TRESOR_PURPOSE_READ);
    return impl_->chain.serving(k.service).get(k);
}

std::optional<Entry> Store::entry(const Key& key) {
    require(Scope::metadata);
    const Key k = impl_->normalize(key);
    return impl_->chain.serving(k.service).stat(k);
}

std::optional<Secret> Store::header(const Key& key) {
    require(Scope::read);
    const Key k = impl_->normalize(key);
    core::Backend& backend = impl_->chain.serving(k.service);
    const core::CallScope call(actor_, TRESOR_PURPOSE_USE);
    std::optional<StoredCredential> stored = read_credential(backend, k);
    if (!stored) {
        return std::nullopt;
    }
    return impl_->credential_header(backend, stored->entry, stored->value);
}

std::optional<HttpResponse> Store::request(const Key& key, const HttpRequest& request) {
    require(Scope::use);
    const Key k = impl_->normalize(key);
    core::Backend& backend = impl_->chain.serving(k.service);
    // The audit log records the read as a use, as for a header.
    const core::CallScope call(actor_, TRESOR_PURPOSE_USE);
    std::optional<Entry> entry = backend.stat(k);
    if (!entry) {
        return std::nullopt;
    }
    // Refused before the value is read (and its use recorded) when the
    // credential has no origins.
    const std::vector<http::Origin> origins = core::origins_of(*entry);
    std::optional<Secret> value = backend.get(k);
    if (!value) {
        return std::nullopt;
    }
    if (entry->type == SecretType::oauth2) {
        // Sent as the bearer token it is, so the response is redacted of it.
        const Secret token = impl_->access_token(backend, *entry, *value);
        Entry bearer = *entry;
        bearer.type = SecretType::bearer_token;
        bearer.attributes = {{"origins", entry->attributes.at("origins")}};
        return core::send_with_credential(impl_->http_client(), bearer, origins, token, request);
    }
    return core::send_with_credential(impl_->http_client(), *entry, origins, *value, request);
}

std::optional<Secret> Store::oauth_login(const Key& key, const OAuthLogin& login) {
    require(Scope::store);
    const Key k = impl_->normalize(key);
    core::Backend& backend = impl_->chain.serving(k.service);
    const core::CallScope call(actor_, TRESOR_PURPOSE_USE);
    std::optional<StoredCredential> stored = read_credential(backend, k);
    if (!stored) {
        return std::nullopt;
    }
    const Entry& entry = stored->entry;
    if (entry.type != SecretType::oauth2) {
        throw Error(ErrorCode::invalid_argument, k.service + "/" + k.name + " is a " +
                                                     std::string(to_string(entry.type)) +
                                                     " credential; signing in is for oauth2 ones");
    }
    core::LoginOptions options{login.show, login.timeout};
    if (!options.show) {
        options.show = [](std::string_view) {};
    }
    core::TokenRecord record =
        login.flow == OAuthLogin::Flow::device
            ? core::login_with_device(impl_->http_client(), entry, stored->value, options)
            : core::login_with_code(impl_->http_client(), entry, stored->value, options);
    core::store_token_record(backend, entry, record, impl_->refresh_lock(k));
    return std::move(record.access_token);
}

bool Store::remove(const Key& key) {
    require(Scope::store);
    const Key k = impl_->normalize(key);
    const core::CallScope call(actor_, TRESOR_PURPOSE_READ);
    core::Backend& backend = impl_->chain.serving(k.service);
    if (!backend.remove(k)) {
        return false;
    }
    // The credential's tokens go with it (any type: it may have been an
    // oauth2 credential once).
    core::forget_token_record(backend, k);
    return true;
}

std::vector<Entry> Store::list(std::string_view service) {
    require(Scope::metadata);
    const std::string s(service.empty() ? std::string_view(impl_->config.default_service)
                                        : service);
    check_text("service", s, false);
    std::vector<Entry> out;
    impl_->chain.serving(s).list(&s, out);
    sort_entries(out);
    return out;
}

std::vector<Entry> Store::list() {
    require(Scope::metadata);
    std::vector<Entry> out;
    for (core::Backend* backend : impl_->chain.all_serving()) {
        backend->list(nullptr, out);
    }
    sort_entries(out);
    return out;
}

const std::string& Store::default_service() const noexcept {
    return impl_->config.default_service;
}

std::vector<BackendStatus> Store::backends() {
    require(Scope::metadata);
    return impl_->chain.statuses();
}

std::vector<PluginInfo> Store::plugins() {
    require(Scope::metadata);
    return impl_->catalog.describe_all();
}

std::string_view to_string(SecretType type) noexcept {
    static constexpr std::array<std::string_view, 7> kNames = {
        "password", "api_key", "bearer_token", "basic_auth", "oauth2", "jwt", "custom"};
    return kNames.at(static_cast<std::size_t>(type));
}

std::string_view to_string(Scope scope) noexcept {
    switch (scope) {
        case Scope::metadata:
            return "metadata";
        case Scope::store:
            return "store";
        case Scope::read:
            return "read";
        case Scope::use:
            return "use";
    }
    return "unknown";
}

std::optional<Scope> scope_from_string(std::string_view name) noexcept {
    for (Scope s : {Scope::metadata, Scope::store, Scope::read, Scope::use}) {
        if (to_string(s) == name) {
            return s;
        }
    }
    return std::nullopt;
}

std::optional<SecretType> secret_type_from_string(std::string_view name) noexcept {
    for (int i = 0; i <= static_cast<int>(SecretType::custom); ++i) {
        if (to_string(static_cast<SecretType>(i)) == name) {
            return static_cast<SecretType>(i);
        }
    }
    return std::nullopt;
}

}  // namespace tresor
