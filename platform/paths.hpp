// platform/paths.hpp — where tresor looks for things on this system, and the
// environment it may take them from.
//
//               POSIX (Linux)                      Windows
// user config   $XDG_CONFIG_HOME/tresor/config.toml %APPDATA%\tresor\config.toml
//               or ~/.config/tresor/config.toml
// system config /etc/tresor/config.toml             %ProgramData%\tresor\config.toml
// plugins       <libdir>/tresor/plugins              the program's folder, then
//                                                    %ProgramData%\tresor\plugins
// plugin file   tresor-<name>.so                     tresor-<name>.dll
// path lists    ':'                                  ';'
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tresor::platform {

// An environment variable as UTF-8; empty when unset or empty.
[[nodiscard]] std::optional<std::string> environment_variable(const char* name);

// The same, but empty in a program running with raised privileges (setuid),
// which must not take paths or choices from its caller (secure_getenv).
[[nodiscard]] std::optional<std::string> trusted_environment_variable(const char* name);

[[nodiscard]] std::optional<std::filesystem::path> user_config_file();
[[nodiscard]] std::filesystem::path system_config_file();

// The folders installed plugins are searched in, in order.
[[nodiscard]] std::vector<std::filesystem::path> system_plugin_dirs();

// ".so" or ".dll".
[[nodiscard]] std::string_view plugin_file_suffix();

// The separator of a list of folders in one variable (TRESOR_PLUGIN_PATH).
[[nodiscard]] char path_list_separator();

}  // namespace tresor::platform
