// tresor backends | plugins
#include <iostream>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "tresor/plugin.h"

namespace tresor::cli {
namespace {

std::string capability_text(std::uint32_t caps) {
    static constexpr std::pair<std::uint32_t, const char*> kNames[] = {
        {TRESOR_CAP_PERSISTENT, "persistent"},
        {TRESOR_CAP_SHARED, "shared"},
        {TRESOR_CAP_LIST, "list"},
        {TRESOR_CAP_METADATA, "metadata"},
        {TRESOR_CAP_BINARY, "binary"},
        {TRESOR_CAP_EXPIRY, "expiry"},
        {TRESOR_CAP_ATTRIBUTES, "attributes"}};
    std::string out;
    for (const auto& [bit, name] : kNames) {
        if ((caps & bit) != 0) {
            out += out.empty() ? name : std::string(",") + name;
        }
    }
    return out.empty() ? "-" : out;
}

}  // namespace

void add_info_commands(CLI::App& app, Context& ctx) {
    auto* backends = app.add_subcommand(
        "backends",
        "Show the backend chain: each backend's plugin, whether it is usable here "
        "and why not, and which one serves");
    backends->footer("Example:\n  tresor backends");
    backends->callback([&ctx] {
        const std::string source = ctx.config().source;
        std::cout << "config: " << display_text(source);
        if (source.starts_with("<")) {
            std::cout << " (no config file in --config, $TRESOR_CONFIG, "
                         "$XDG_CONFIG_HOME/tresor/config.toml, /etc/tresor/config.toml)";
        }
        std::cout << "\n";
        for (const auto& b : ctx.store().backends()) {
            std::cout << (b.serving ? "* " : "  ") << b.name << "  plugin=" << b.plugin;
            if (!b.plugin_file.empty()) {
                std::cout << " (" << b.plugin_file << ")";
            }
            std::cout << "  " << (b.usable ? "usable" : "unusable");
            if (b.usable) {
                std::cout << "  [" << capability_text(b.capabilities) << "]";
            }
            if (!b.reason.empty()) {
                std::cout << ": " << b.reason;
            }
            std::cout << "\n";
        }
    });

    auto* plugins =
        app.add_subcommand("plugins", "List the plugins found, with file, version and ABI");
    plugins->footer("Example:\n  TRESOR_PLUGIN_PATH=/opt/tresor/plugins tresor plugins");
    plugins->callback([&ctx] {
        for (const auto& p : ctx.store().plugins()) {
            std::cout << p.name;
            if (!p.error.empty()) {
                std::cout << "  error: " << p.error << "\n";
                continue;
            }
            std::cout << "  " << p.version << "  abi " << p.abi_major << "." << p.abi_minor << "  ["
                      << capability_text(p.capabilities) << "]  " << p.file << "\n    " << p.summary
                      << "\n";
        }
    });
}

}  // namespace tresor::cli
