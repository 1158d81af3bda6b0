// platform/paths.hpp on Windows: %APPDATA%, %ProgramData%, the program's
// own folder. Environment variables are read as UTF-16 and returned as UTF-8.
#include <windows.h>

#include "platform/paths.hpp"
#include "platform/utf16_windows.hpp"

namespace tresor::platform {
namespace {

std::optional<std::filesystem::path> environment_folder(const char* name) {
    const std::wstring wide_name(name, name + std::char_traits<char>::length(name));
    const wchar_t* value = ::_wgetenv(wide_name.c_str());
    if (value == nullptr || *value == L'\0') {
        return std::nullopt;
    }
    return std::filesystem::path(value);
}

std::filesystem::path program_data() {
    return environment_folder("ProgramData").value_or("C:\\ProgramData");
}

}  // namespace

std::optional<std::string> environment_variable(const char* name) {
    const auto value = environment_folder(name);
    if (!value) {
        return std::nullopt;
    }
    return to_utf8(value->native());
}

// No setuid on Windows: a program's environment is its caller's by design.
std::optional<std::string> trusted_environment_variable(const char* name) {
    return environment_variable(name);
}

std::optional<std::filesystem::path> user_config_file() {
    if (auto app_data = environment_folder("APPDATA")) {
        return *app_data / "tresor" / "config.toml";
    }
    return std::nullopt;
}

std::filesystem::path system_config_file() {
    return program_data() / "tresor" / "config.toml";
}

// Beside the program first (an application ships its plugins with it), then
// the machine-wide folder an installer fills.
std::vector<std::filesystem::path> system_plugin_dirs() {
    std::vector<std::filesystem::path> dirs;
    std::wstring file(MAX_PATH, L'\0');
    for (;;) {
        const DWORD n = ::GetModuleFileNameW(nullptr, file.data(), static_cast<DWORD>(file.size()));
        if (n == 0) {
            break;
        }
        if (n < file.size()) {
            file.resize(n);
            dirs.push_back(std::filesystem::path(file).parent_path());
            break;
        }
        file.resize(file.size() * 2);
    }
    dirs.push_back(program_data() / "tresor" / "plugins");
    return dirs;
}

std::string_view plugin_file_suffix() {
    return ".dll";
}

char path_list_separator() {
    return ';';
}

}  // namespace tresor::platform
