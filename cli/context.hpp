// cli/context.hpp — what every subcommand of `tresor` shares: the global
// options, the lazily opened Store, and the documented exit statuses.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "conf/config.hpp"
#include "tresor/store.hpp"

namespace tresor::cli {

// The exit statuses are a contract with scripts (README, --help).
enum ExitStatus : int {
    kExitOk = 0,
    kExitNotFound = 1,
    kExitUsage = 2,        // usage or config error
    kExitUnavailable = 3,  // backend unavailable or locked
    kExitAuth = 4,         // authentication failed or data corrupt
    kExitOther = 5,
};

[[nodiscard]] int exit_status_for(ErrorCode code) noexcept;

class Context {
  public:
    std::optional<std::string> config_file;  // --config
    std::optional<std::string> backend;      // --backend
    int exit_status = kExitOk;

    // Opened on first use so `tresor --help` never touches a backend.
    Store& store();
    // The config the store uses, for commands that work below the Store
    // (tresor vault ...).
    [[nodiscard]] conf::Config config() const;

  private:
    std::optional<Store> store_;
};

// The command line of the credential helpers beside tresor:
// [--config FILE] [--backend NAME] ACTION, or --help (-h). Returns ACTION,
// kHelpAction for --help; empty when there is none or an option comes first
// that is not one of these.
inline constexpr std::string_view kHelpAction = "--help";
// The options part of the helpers' --help (and so of their man pages).
inline constexpr std::string_view kHelperOptionsHelp =
    "Options:\n"
    "  --config FILE    tresor's config file (default: the discovery of tresor)\n"
    "  --backend NAME   use only this backend (or plugin); also $TRESOR_BACKEND\n"
    "  -h, --help       print this help and exit\n";
[[nodiscard]] std::string_view parse_helper_arguments(Context& ctx, int argc, char** argv);

}  // namespace tresor::cli
