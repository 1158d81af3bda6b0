// core/plugin_loader.hpp — turns a plugin file, or a built-in entry, into a
// validated function table. The checks live here and only here; loading the
// file's code is platform/library.hpp's (dlopen, LoadLibraryW).
//
// A loaded library is never unloaded: plugins such as secret-service bring
// GLib types and a D-Bus thread that cannot be torn down safely.
#pragma once

#include <filesystem>
#include <string>

#include "tresor/plugin.h"

namespace tresor::core {

struct PluginHandle {
    const tresor_plugin* table = nullptr;  // static storage of the plugin
    std::string origin;                    // the file, or "built-in"
};

// Loads tresor-<name>.so / .dll (or any file) and validates its table. Throws
// Error{plugin_abi} for a file that is not a plugin, lacks the entry symbol,
// speaks another ABI major or cannot be loaded (with the system's reason), and
// Error{permission_denied} for a file others could have written.
[[nodiscard]] PluginHandle load_plugin_file(const std::filesystem::path& file);

// Validates a table obtained from an entry function; the same checks serve
// built-in and loaded plugins.
[[nodiscard]] PluginHandle validate_plugin(tresor_plugin_entry_fn entry, std::string origin);

}  // namespace tresor::core
