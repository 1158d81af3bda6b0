// tresor/store.hpp — the C++ API: a secret store addressed by (service, name).
//
// A Store resolves a chain of backends from the TOML config (docs/CONFIG.md)
// and serves each request from the first backend that is usable here.
//
// Thread safety: one Store may be used from any number of threads at once.
// Copies of a Store share the same open backends.
//
// Secrets: values come back as tresor::Secret (wiped memory); list() and
// entry() return metadata only and never read a value.
//
// Scopes: a Store handle may hold only some of the scopes below; a call
// outside them throws Error{permission_denied} before any backend is touched.
// narrowed() gives a new handle with fewer scopes over the same backends;
// no call gives a handle more scopes than the one it came from.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tresor/error.hpp"
#include "tresor/export.hpp"
#include "tresor/request.hpp"
#include "tresor/secret.hpp"

namespace tresor {

using Timestamp = std::chrono::sys_seconds;

struct Key {
    std::string service;  // empty: the config's default_service
    std::string name;
};

// The numbers match tresor_secret_type in tresor/plugin.h.
enum class SecretType { password = 0, api_key, bearer_token, basic_auth, oauth2, jwt, custom };

TRESOR_EXPORT std::string_view to_string(SecretType type) noexcept;
// Parses "api_key", "bearer_token", ...; empty when the name is unknown.
TRESOR_EXPORT std::optional<SecretType> secret_type_from_string(std::string_view name) noexcept;

// What a Store handle may do. The numbers match TRESOR_SCOPE_* in tresor/tresor.h.
enum class Scope : std::uint32_t {
    metadata = 1u << 0,  // list(), entry(), backends(), plugins()
    store = 1u << 1,     // set(), remove()
    read = 1u << 2,      // get() and header(): the value, raw or as a header
    use = 1u << 3,       // request(): tresor sends the credential; the caller never sees it
};

TRESOR_EXPORT std::string_view to_string(Scope scope) noexcept;
// Parses "metadata", "store", "read" or "use"; empty when the name is unknown.
TRESOR_EXPORT std::optional<Scope> scope_from_string(std::string_view name) noexcept;

// A set of scopes.
class Scopes {
  public:
    constexpr Scopes() noexcept = default;  // none
    constexpr Scopes(std::initializer_list<Scope> scopes) noexcept {
        for (Scope s : scopes) {
            bits_ |= static_cast<std::uint32_t>(s);
        }
    }
    [[nodiscard]] static constexpr Scopes all() noexcept {
        return {Scope::metadata, Scope::store, Scope::read, Scope::use};
    }
    [[nodiscard]] static constexpr Scopes from_bits(std::uint32_t bits) noexcept {
        Scopes out;
        out.bits_ = bits & all().bits_;
        return out;
    }
    [[nodiscard]] constexpr std::uint32_t bits() const noexcept { return bits_; }
    [[nodiscard]] constexpr bool has(Scope s) const noexcept {
        return (bits_ & static_cast<std::uint32_t>(s)) != 0;
    }
    [[nodiscard]] constexpr bool contains(Scopes other) const noexcept {
        return (other.bits_ & ~bits_) == 0;
    }
    friend constexpr bool operator==(Scopes, Scopes) noexcept = default;

  private:
    std::uint32_t bits_ = 0;
};

// A typed credential's non-secret fields, e.g. {"username": "alice"} for
// basic_auth: metadata, listed with the entry. docs/CREDENTIALS.md has the
// fields of each type; the secret part is the value.
using Attributes = std::map<std::string, std::string>;

struct SetOptions {
    SecretType type = SecretType::password;
    std::string label;
    std::string description;
    std::optional<Timestamp> expires_at;
    // Checked against the type; only backends that keep them accept any.
    Attributes attributes;
};

// One entry of Store::set_many.
struct NewSecret {
    Key key;
    Secret value;
    SetOptions options;
};

// Metadata of one entry. Never holds the value.
struct Entry {
    std::string id;  // the backend's identifier, may be empty
    std::string service;
    std::string name;
    SecretType type = SecretType::password;
    std::string label;
    std::string description;
    std::optional<Timestamp> created_at;
    std::optional<Timestamp> updated_at;
    std::optional<Timestamp> last_used_at;
    std::optional<Timestamp> expires_at;
    std::string backend;  // name of the backend that holds it
    Attributes attributes;
};

// What `tresor backends` shows for one configured backend.
struct BackendStatus {
    std::string name;                // [backend.NAME]
    std::string plugin;              // plugin name
    std::string plugin_file;         // where it was loaded from, or "built-in"
    bool usable = false;             // probe (and open, once tried) succeeded
    bool serving = false;            // answers requests for the chain
    std::string reason;              // why it is not usable; empty when it is
    std::uint32_t capabilities = 0;  // TRESOR_CAP_* bits of tresor/plugin.h
};

// What `tresor plugins` shows for one plugin found on the search path.
struct PluginInfo {
    std::string name;
    std::string version;
    std::string summary;
    std::string file;  // "built-in" for plugins compiled into libtresor
    std::uint32_t abi_major = 0;
    std::uint32_t abi_minor = 0;
    std::uint32_t capabilities = 0;  // TRESOR_CAP_* bits of tresor/plugin.h
    std::string error;               // why it cannot be used; empty when it can
};

struct OpenOptions {
    // Exactly one source of configuration is used, in this order:
    // config_toml, config_path, then discovery ($TRESOR_CONFIG,
    // $XDG_CONFIG_HOME/tresor/config.toml, /etc/tresor/config.toml, built-in).
    std::optional<std::string> config_toml;
    std::optional<std::filesystem::path> config_path;
    // Serve every request from this backend only (like $TRESOR_BACKEND).
    std::optional<std::string> backend;
    // May a backend ask the person at the terminal for a password?
    bool allow_prompt = false;
    // What the opened handle may do.
    Scopes scopes = Scopes::all();
};

// How Store::oauth_login signs the user in (docs/CREDENTIALS.md, "Signing
// in"): the authorization code flow with PKCE and a loopback redirect, or
// device authorization.
struct OAuthLogin {
    enum class Flow { authorization_code, device };
    Flow flow = Flow::authorization_code;
    // Called with what the user must do (the URL to open; the code to enter
    // and where), never with a code or a token.
    std::function<void(std::string_view)> show;
    std::chrono::seconds timeout{300};
};

class TRESOR_EXPORT Store {
  public:
    // Opens from config discovery. Backends are probed and opened lazily, on
    // first use, so open() itself does no KDF and prompts for nothing.
    [[nodiscard]] static Store open(const OpenOptions& options = {});
    [[nodiscard]] static Store open(const std::filesystem::path& config_path);
    [[nodiscard]] static Store from_toml(std::string_view config_toml);

    // Throws Error{invalid_argument} for an expiry that is not in the future.
    void set(const Key& key, const Secret& value, const SetOptions& options = {});
    // Creates or replaces every entry, all or none: in one transaction where
    // the backend writes batches (the vault, the fleet store), elsewhere one
    // by one, the earlier ones undone when one fails. Every service must be
    // served by the same backend (Error{invalid_argument} otherwise).
    void set_many(std::span<const NewSecret> items);
    [[nodiscard]] std::optional<Secret> get(const Key& key);
    [[nodiscard]] std::optional<Entry> entry(const Key& key);
    // The credential rendered as HTTP header lines ("Authorization: Basic
    // ...", one per line for custom), for a request made now; empty when
    // there is no such entry. Needs the `read` scope: a header carries the
    // value (a bearer token verbatim, a password in base64). Throws
    // Error{invalid_argument} for a type without a header form
    // (docs/CREDENTIALS.md).
    [[nodiscard]] std::optional<Secret> header(const Key& key);
    // Makes `request` with the credential's header added, to one of the
    // credential's origins only, and returns the response with every form of
    // the value replaced by "[REDACTED]"; empty when there is no such entry.
    // Needs only the `use` scope: the caller makes the API act, never holds
    // the value. Throws Error{permission_denied} for a credential without
    // origins or a URL of another origin, Error{invalid_argument} for a
    // refused URL, method or header (tresor/request.hpp), Error{io} when the
    // server cannot be reached, its certificate is not trusted, or the
    // response is too large or too late, Error{plugin_abi} when libcurl
    // cannot be loaded (docs/CREDENTIALS.md, "Requests").
    [[nodiscard]] std::optional<HttpResponse> request(const Key& key, const HttpRequest& request);
    // Signs the user in for the oauth2 credential `key` (its
    // authorization_url, or device_authorization_url, token_url, client_id,
    // scopes; its value the client secret, empty for a public client),
    // stores the access and refresh tokens in its token record, and returns
    // the access token; empty when there is no such entry. Needs the `store`
    // scope. Throws core's LoginError and TokenEndpointError (both
    // tresor::Error: auth_failed for a refusal, a state mismatch or a bad
    // code, io for a timeout or a server that cannot be reached).
    [[nodiscard]] std::optional<Secret> oauth_login(const Key& key, const OAuthLogin& login);
    // Removes the entry (and an oauth2 credential's token record with it).
    bool remove(const Key& key);
    [[nodiscard]] std::vector<Entry> list(std::string_view service);
    [[nodiscard]] std::vector<Entry> list();

    // A new handle over the same backends holding only `scopes`. Throws
    // Error{permission_denied} when `scopes` is not a subset of scopes(): a
    // handle is never widened.
    [[nodiscard]] Store narrowed(Scopes scopes) const;
    [[nodiscard]] Scopes scopes() const noexcept { return scopes_; }
    // A new handle over the same backends whose calls a backend's audit log
    // attributes to `actor` as well as to this program: tresor serve says
    // "token:<id>" for each session's requests. The handle keeps its scopes.
    [[nodiscard]] Store acting_for(std::string actor) const;

    [[nodiscard]] const std::string& default_service() const noexcept;
    // Probes every configured backend; never throws for an unusable one.
    [[nodiscard]] std::vector<BackendStatus> backends();
    // Every plugin on the search path and every built-in one.
    [[nodiscard]] std::vector<PluginInfo> plugins();

    struct Impl;

  private:
    Store(std::shared_ptr<Impl> impl, Scopes scopes, std::string actor = {}) noexcept
        : impl_(std::move(impl)), scopes_(scopes), actor_(std::move(actor)) {}
    void require(Scope scope) const;

    std::shared_ptr<Impl> impl_;
    Scopes scopes_;
    std::string actor_;  // "" for the program itself
};

}  // namespace tresor
