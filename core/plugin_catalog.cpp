#include "core/plugin_catalog.hpp"

#include <algorithm>
#include <set>

#include "core/build_tree.hpp"
#include "core/builtin_plugins.hpp"
#include "platform/file.hpp"
#include "platform/library.hpp"
#include "platform/paths.hpp"
#include "tresor/error.hpp"

namespace tresor::core {
namespace {

constexpr std::string_view kFilePrefix = "tresor-";

std::filesystem::path plugin_file_name(std::string_view name) {
    return std::string(kFilePrefix) + std::string(name) +
           std::string(platform::plugin_file_suffix());
}

const BuiltinPlugin* find_builtin(std::string_view name) {
    for (const auto& builtin : builtin_plugins()) {
        if (name == builtin.name) {
            return &builtin;
        }
    }
    return nullptr;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += out.empty() ? item : ", " + item;
    }
    return out;
}

}  // namespace

PluginCatalog::PluginCatalog(const std::vector<std::filesystem::path>& config_plugin_path)
    : search_dirs_(config_plugin_path) {
    // A setuid program must not take plugin paths from its caller.
    if (const auto env = platform::trusted_environment_variable("TRESOR_PLUGIN_PATH")) {
        std::string_view rest(*env);
        while (!rest.empty()) {
            const auto colon = rest.find(platform::path_list_separator());
            const auto dir = rest.substr(0, colon);
            if (!dir.empty()) {
                search_dirs_.emplace_back(dir);
            }
            rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
        }
    }
    for (auto& dir : platform::system_plugin_dirs()) {
        search_dirs_.push_back(std::move(dir));
    }
    if (running_from_build_tree()) {
        search_dirs_.emplace_back(TRESOR_BUILD_PLUGIN_DIR);
    }
}

PluginHandle PluginCatalog::load(std::string_view name) const {
    // A name with a folder in it ('/', and '\\' on Windows) is a file path.
    if (std::filesystem::path(name).has_parent_path()) {
        return load_plugin_file(std::filesystem::path(name));
    }
    if (const BuiltinPlugin* builtin = find_builtin(name)) {
        return validate_plugin(builtin->entry, "built-in");
    }
    std::error_code ec;
    for (const auto& dir : search_dirs_) {
        if (!std::filesystem::is_directory(dir, ec)) {
            continue;
        }
        // Each folder looked into, not only the one that holds the plugin:
        // whoever can write an earlier one decides what loads.
        (void)platform::check_trusted_folder(dir, "plugin search path");
        const auto file = dir / plugin_file_name(name);
        if (std::filesystem::exists(std::filesystem::symlink_status(file, ec))) {
            return load_plugin_file(file);  // a symlink is refused there, loudly
        }
    }
    std::vector<std::string> dirs;
    for (const auto& dir : search_dirs_) {
        dirs.push_back(dir.string());
    }
    throw Error(ErrorCode::config, "unknown plugin '" + std::string(name) + "'; available: " +
                                       join(available_names()) + " (searched " + join(dirs) + ")");
}

std::vector<std::string> PluginCatalog::available_names() const {
    std::vector<std::string> names;
    std::set<std::string> seen;
    for (const auto& builtin : builtin_plugins()) {
        if (seen.insert(builtin.name).second) {
            names.emplace_back(builtin.name);
        }
    }
    const std::string_view suffix = platform::plugin_file_suffix();
    std::error_code ec;
    for (const auto& dir : search_dirs_) {
        std::vector<std::string> in_dir;
        for (const auto& file : std::filesystem::directory_iterator(dir, ec)) {
            const std::string base = file.path().filename().string();
            if (base.size() > kFilePrefix.size() + suffix.size() && base.starts_with(kFilePrefix) &&
                base.ends_with(suffix)) {
                in_dir.push_back(base.substr(kFilePrefix.size(),
                                             base.size() - kFilePrefix.size() - suffix.size()));
            }
        }
        std::sort(in_dir.begin(), in_dir.end());
        for (auto& name : in_dir) {
            if (seen.insert(name).second) {
                names.push_back(std::move(name));
            }
        }
    }
    return names;
}

std::vector<PluginInfo> PluginCatalog::describe_all() const {
    std::vector<PluginInfo> out;
    for (const auto& name : available_names()) {
        PluginInfo info;
        info.name = name;
        try {
            const PluginHandle handle = load(name);
            info.file = handle.origin;
            info.version = handle.table->version != nullptr ? handle.table->version : "";
            info.summary = handle.table->summary != nullptr ? handle.table->summary : "";
            info.abi_major = handle.table->abi_major;
            info.abi_minor = handle.table->abi_minor;
            info.capabilities = handle.table->capabilities;
        } catch (const Error& e) {
            info.error = e.what();
        }
        out.push_back(std::move(info));
    }
    return out;
}

}  // namespace tresor::core
