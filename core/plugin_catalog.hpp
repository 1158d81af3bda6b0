// core/plugin_catalog.hpp — which plugins exist: the built-in ones and the
// tresor-<name>.so (.dll on Windows) files on the search path.
//
// Search path, in order: the config's plugin_path, $TRESOR_PLUGIN_PATH
// (colon-separated; ';' on Windows), the system's plugin folders
// (platform/paths.hpp), and — only when this code itself
// runs from the build tree — the build tree's plugins/ folder, so the CLI and
// tests work without installing and an installed tresor never looks there.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/plugin_loader.hpp"
#include "tresor/store.hpp"

namespace tresor::core {

class PluginCatalog {
  public:
    explicit PluginCatalog(const std::vector<std::filesystem::path>& config_plugin_path);

    [[nodiscard]] const std::vector<std::filesystem::path>& search_dirs() const noexcept {
        return search_dirs_;
    }

    // A built-in plugin of that name, else the first tresor-<name>.so on the
    // search path; a name containing a folder separator is a file path. Throws Error{config}
    // for an unknown name, listing the plugins that exist, and the loader's
    // errors for a file that cannot be used.
    [[nodiscard]] PluginHandle load(std::string_view name) const;

    // Names of every plugin found (built-in first, then files), without loading.
    [[nodiscard]] std::vector<std::string> available_names() const;

    // Loads every plugin found and describes it; a broken one carries its error.
    [[nodiscard]] std::vector<PluginInfo> describe_all() const;

  private:
    std::vector<std::filesystem::path> search_dirs_;
};

}  // namespace tresor::core
