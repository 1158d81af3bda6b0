// tests/cli/cli_runner.hpp — the `tresor` binary run the way people and CI
// run it, with a config of its own: shared by the CLI's test files.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/run_process.hpp"
#include "support/test_support.hpp"

namespace tresor::test {

using Env = std::map<std::string, std::optional<std::string>>;

// Runs tresor with a config of its own (no discovery of the machine's).
struct Cli {
    TempDir home;
    std::filesystem::path config;

    explicit Cli(const std::string& toml) { config = home.write("config.toml", toml); }

    ProcessResult run(std::vector<std::string> args, const std::string& input = "",
                      Env env = {}) const {
        args.insert(args.begin(), {TRESOR_CLI, "--config", config.string()});
        env.emplace("HOME", home.path().string());
        env.emplace("TRESOR_BACKEND", std::nullopt);
        // A CI machine on GitHub Actions would add mask lines to stderr.
        env.emplace("GITHUB_ACTIONS", std::nullopt);
        return run_process(args, input, env);
    }
};

inline const std::string kMemory = "[backend.mem]\nplugin = \"memory\"\n";

// A vault in the test's HOME with the cheapest KDF a vault accepts.
inline const std::string kVault =
    "[backend.vault]\nplugin = \"vault\"\npath = \"~/vault.db\"\n"
    "kdf = { memory_mib = 19, iterations = 2 }\n";
inline const Env kPassword = {{"TRESOR_VAULT_PASSWORD", "cli test password"}};

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace tresor::test
