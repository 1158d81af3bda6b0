// platform/paths.hpp on POSIX (Linux): XDG folders, /etc, the install prefix.
#include <stdlib.h>

#include "platform/paths.hpp"

namespace tresor::platform {
namespace {

std::optional<std::string> non_empty(const char* value) {
    if (value == nullptr || *value == '\0') {
        return std::nullopt;
    }
    return std::string(value);
}

}  // namespace

std::optional<std::string> environment_variable(const char* name) {
    return non_empty(::getenv(name));
}

std::optional<std::string> trusted_environment_variable(const char* name) {
    return non_empty(::secure_getenv(name));
}

std::optional<std::filesystem::path> user_config_file() {
    if (auto xdg = environment_variable("XDG_CONFIG_HOME")) {
        return std::filesystem::path(*xdg) / "tresor" / "config.toml";
    }
    if (auto home = environment_variable("HOME")) {
        return std::filesystem::path(*home) / ".config" / "tresor" / "config.toml";
    }
    return std::nullopt;
}

std::filesystem::path system_config_file() {
    return "/etc/tresor/config.toml";
}

std::vector<std::filesystem::path> system_plugin_dirs() {
    return {TRESOR_INSTALL_PLUGIN_DIR};
}

std::string_view plugin_file_suffix() {
    return ".so";
}

char path_list_separator() {
    return ':';
}

}  // namespace tresor::platform
