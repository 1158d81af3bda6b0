// cli/context.hpp — what every subcommand of `tresor` shares: the global
// options, the lazily opened Store, and the documented exit statuses.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
    // Closes the store's backends now, so that what they write at close (the
    // vault's last_used_at and audit batch) is written before an execve
    // replaces the process and would lose it.
    void close_store() { store_.reset(); }
    // The config the store uses, for commands that work below the Store
    // (tresor vault ...).
    [[nodiscard]] conf::Config config() const;

  private:
    std::optional<Store> store_;
};

// The most recently updated of `entries`, for the helpers that answer with
// one credential where several match; nothing for none.
[[nodiscard]] std::optional<Entry> newest_of(std::vector<Entry> entries);

// The options part of the credential helpers' --help (and so of their man
// pages).
inline constexpr std::string_view kHelperOptionsHelp =
    "Options:\n"
    "  --config FILE    tresor's config file (default: the discovery of tresor)\n"
    "  --backend NAME   use only this backend (or plugin); also $TRESOR_BACKEND\n"
    "  -h, --help       print this help and exit\n";

// The main of a credential helper beside tresor: no core dumps (secrets pass
// through its memory), then its command line, [--config FILE] [--backend
// NAME] ACTION or --help (-h), read into a Context. --help prints help_start,
// kHelperOptionsHelp and help_end, exit status 0; otherwise `answer` is given
// ACTION (empty when there is none or an option comes first that is not one
// of these) and returns the exit status.
using HelperAnswer = int (*)(Context& ctx, std::string_view action);
[[nodiscard]] int helper_main(int argc, char** argv, std::string_view help_start,
                              std::string_view help_end, HelperAnswer answer);

}  // namespace tresor::cli
