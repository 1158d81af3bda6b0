// tests/cli/cli_runner.hpp — the `tresor` binary run the way people and CI
// run it, with a config of its own: shared by the CLI's test files.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/test/unit_test.hpp>
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

    // tresor's argv for `args`.
    [[nodiscard]] std::vector<std::string> argv(std::vector<std::string> args) const {
        args.insert(args.begin(), {TRESOR_CLI, "--config", config.string()});
        return args;
    }

    ProcessResult run(std::vector<std::string> args, const std::string& input = "",
                      Env env = {}) const {
        args = argv(std::move(args));
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

// A vault holding `entries` (service, name, value); `more_toml` goes on in
// the config.
struct VaultWith : Cli {
    explicit VaultWith(const std::vector<std::array<std::string, 3>>& entries,
                       const std::string& more_toml = "")
        : Cli(kVault + more_toml) {
        for (const auto& [service, name, value] : entries) {
            BOOST_REQUIRE(run({"set", service, name, "--raw"}, value, kPassword).exit_status == 0);
        }
    }
};

// A program started in the background with its stdin and stdout on pipes
// (it prints a line when it is ready), stderr to `err_file` if given, and
// the environment of Cli::run with the vault's password.
class Background {
  public:
    Background(const Cli& cli, std::vector<std::string> argv,
               const std::filesystem::path& err_file = {}) {
        int in[2], out[2];
        BOOST_REQUIRE(::pipe(in) == 0);
        BOOST_REQUIRE(::pipe(out) == 0);
        pid_ = ::fork();
        BOOST_REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(in[0], 0);
            ::dup2(out[1], 1);
            for (const int fd : {in[0], in[1], out[0], out[1]}) {
                ::close(fd);
            }
            if (!err_file.empty()) {
                const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
                ::dup2(err, 2);
                ::close(err);
            }
            ::setenv("HOME", cli.home.path().c_str(), 1);
            ::setenv("TRESOR_VAULT_PASSWORD", kPassword.begin()->second->c_str(), 1);
            ::unsetenv("TRESOR_BACKEND");
            ::unsetenv("GITHUB_ACTIONS");
            std::vector<char*> args;
            for (auto& arg : argv) {
                args.push_back(arg.data());
            }
            args.push_back(nullptr);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        in_ = in[1];
        out_ = out[0];
    }
    ~Background() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            (void)wait();
        }
        close_stdin();
        ::close(out_);
    }
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    [[nodiscard]] pid_t pid() const { return pid_; }

    void close_stdin() {
        if (in_ >= 0) {
            ::close(in_);
            in_ = -1;
        }
    }

    // One line of its stdout, without the newline; what came within 30 s.
    std::string read_line() {
        std::string line;
        char c = 0;
        pollfd ready{out_, POLLIN, 0};
        while (::poll(&ready, 1, 30'000) == 1 && ::read(out_, &c, 1) == 1 && c != '\n') {
            line.push_back(c);
        }
        return line;
    }

    // The exit status, 128 + signal when killed.
    int wait() {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

  private:
    pid_t pid_ = -1;
    int in_ = -1;
    int out_ = -1;
};

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace tresor::test
