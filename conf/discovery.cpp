// Where the config comes from when the caller names no file; the folders are
// the platform's (platform/paths.hpp).
#include <string_view>

#include "conf/config.hpp"
#include "platform/paths.hpp"
#include "tresor/error.hpp"

namespace tresor::conf {

Config default_config() {
    Config config;
    config.source = "<built-in default>";
    // The backends this build has, from CMake's TRESOR_DEFAULT_CHAIN
    // ("secret-service,vault" on Linux, "wincred" on Windows).
    std::string_view rest = TRESOR_DEFAULT_CHAIN;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string name(rest.substr(0, comma));
        config.chain.push_back(name);
        config.backends.push_back({name, name, {}, {config.source, 0, 0}});
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return config;
}

Config discover_config(const std::optional<std::filesystem::path>& explicit_path) {
    // An explicit choice must exist: silently falling back would hide a typo.
    if (explicit_path) {
        return load_config_file(*explicit_path);
    }
    if (auto from_env = platform::environment_variable("TRESOR_CONFIG")) {
        return load_config_file(std::filesystem::path(*from_env));
    }
    std::error_code ec;
    if (auto user = platform::user_config_file(); user && std::filesystem::exists(*user, ec)) {
        return load_config_file(*user);
    }
    const std::filesystem::path system_file = platform::system_config_file();
    if (std::filesystem::exists(system_file, ec)) {
        return load_config_file(system_file);
    }
    return default_config();
}

}  // namespace tresor::conf
