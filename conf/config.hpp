// conf/config.hpp — the one door of the configuration subsystem.
//
// Parses and validates tresor's TOML config (docs/CONFIG.md) and finds it on
// disk. Knows nothing about plugins: a backend's own parameters are passed
// through as strings, and each plugin validates its own.
//
// Errors are tresor::Error{ErrorCode::config} whose message starts with
// "FILE:LINE:COL: " and names the key path, e.g.
//   config.toml:4:1: backend.file: unknown key 'pth' (did you mean 'path'?)
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tresor::conf {

// Where a value was written: for error messages.
struct Location {
    std::string file;
    int line = 0;
    int column = 0;
    [[nodiscard]] std::string str() const;  // "file:line:col" or "file"
};

struct BackendConfig {
    std::string name;    // NAME of [backend.NAME]
    std::string plugin;  // plugin name, or a path to a plugin file
    // The plugin's own parameters in file order, nested tables flattened
    // with dots ("kdf.memory_mib"), every value as a string.
    std::vector<std::pair<std::string, std::string>> params;
    Location location;
};

struct Route {
    std::string service_glob;  // fnmatch(3) pattern over the service name
    std::string backend;
};

// One line of [systemd_credentials."UNIT"]: `tresor credential-socket`
// hands the entry `entry` ("SERVICE/NAME") to the systemd unit `unit` when
// its LoadCredential= asks for the credential `credential`; nothing else is
// handed to anyone (docs/INTEGRATIONS.md). Checked by the command that
// serves them.
struct CredentialGrant {
    std::string unit;
    std::string credential;
    std::string entry;
    Location location;  // of the entry's value
};

struct Config {
    std::vector<std::string> chain;  // backend names, first usable serves
    std::string default_service = "default";
    std::vector<std::filesystem::path> plugin_path;    // absolute
    std::vector<BackendConfig> backends;               // file order
    std::vector<Route> routes;                         // file order; first match wins
    std::vector<CredentialGrant> systemd_credentials;  // file order
    std::string source;  // the file it came from, or "<built-in default>"

    [[nodiscard]] const BackendConfig* find_backend(std::string_view name) const;
};

// Parses a TOML document. source_name appears in error messages; relative
// plugin_path entries are resolved against base_dir.
[[nodiscard]] Config parse_config(std::string_view toml_text, std::string_view source_name,
                                  const std::filesystem::path& base_dir);

[[nodiscard]] Config load_config_file(const std::filesystem::path& path);

// The chain used when no config file exists: the Secret Service where it is
// usable, else the encrypted file vault in $XDG_DATA_HOME/tresor/vault.db.
// Windows: Credential Manager (CMake's TRESOR_DEFAULT_CHAIN).
[[nodiscard]] Config default_config();

// Discovery order: explicit_path, $TRESOR_CONFIG, $XDG_CONFIG_HOME/tresor/
// config.toml (~/.config/...), /etc/tresor/config.toml, else default_config().
// On Windows: %APPDATA%\tresor\config.toml, %ProgramData%\tresor\config.toml
// (platform/paths.hpp).
[[nodiscard]] Config discover_config(const std::optional<std::filesystem::path>& explicit_path);

// Whether a [routes] glob matches a service: fnmatch(3) without flags, in
// bytes (conf/route_glob.cpp), the same on every platform.
[[nodiscard]] bool route_glob_matches(std::string_view pattern, std::string_view text);

// The candidate closest to word by edit distance, if close enough to be a
// plausible typo; for "did you mean" hints.
[[nodiscard]] std::optional<std::string> closest_match(std::string_view word,
                                                       const std::vector<std::string>& candidates);

}  // namespace tresor::conf
