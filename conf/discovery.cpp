// Where the config comes from when the caller names no file.
#include <cstdlib>

#include "conf/config.hpp"
#include "tresor/error.hpp"

namespace tresor::conf {
namespace {

std::optional<std::filesystem::path> env_path(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        return std::nullopt;
    }
    return std::filesystem::path(value);
}

std::optional<std::filesystem::path> user_config_file() {
    if (auto xdg = env_path("XDG_CONFIG_HOME")) {
        return *xdg / "tresor" / "config.toml";
    }
    if (auto home = env_path("HOME")) {
        return *home / ".config" / "tresor" / "config.toml";
    }
    return std::nullopt;
}

}  // namespace

Config default_config() {
    Config config;
    config.source = "<built-in default>";
    config.chain = {"secret-service", "vault"};
    config.backends.push_back({"secret-service", "secret-service", {}, {config.source, 0, 0}});
    config.backends.push_back({"vault", "vault", {}, {config.source, 0, 0}});
    return config;
}

Config discover_config(const std::optional<std::filesystem::path>& explicit_path) {
    // An explicit choice must exist: silently falling back would hide a typo.
    if (explicit_path) {
        return load_config_file(*explicit_path);
    }
    if (auto from_env = env_path("TRESOR_CONFIG")) {
        return load_config_file(*from_env);
    }
    std::error_code ec;
    if (auto user = user_config_file(); user && std::filesystem::exists(*user, ec)) {
        return load_config_file(*user);
    }
    const std::filesystem::path system_file = "/etc/tresor/config.toml";
    if (std::filesystem::exists(system_file, ec)) {
        return load_config_file(system_file);
    }
    return default_config();
}

}  // namespace tresor::conf
