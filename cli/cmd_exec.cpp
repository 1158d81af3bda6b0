// tresor exec --env VAR=SERVICE/NAME ... -- CMD [ARGS...]
//
// The secrets go into the new program's environment only: this process
// replaces itself with CMD (execvpe), so CMD's exit status is tresor's, and no
// secret ever appears in an argv or passes through another process. CMD does
// not get the variables the vault's unlock sources read: with them it could
// open every secret, not only the ones it was given.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/key_ref.hpp"
#include "vault/unlock.hpp"

extern char** environ;

namespace tresor::cli {
namespace {

// "VAR=value\0" in wiped memory.
SecureBytes env_entry(const std::string& variable, const Secret& value, const Key& key) {
    if (std::find(value.bytes().begin(), value.bytes().end(), 0) != value.bytes().end()) {
        throw Error(ErrorCode::invalid_argument, "secret " + display_key(key) +
                                                     " holds a NUL byte and cannot be put in "
                                                     "an environment variable");
    }
    SecureBytes entry(variable.begin(), variable.end());
    entry.push_back('=');
    entry.insert(entry.end(), value.bytes().begin(), value.bytes().end());
    entry.push_back('\0');
    return entry;
}

bool names_variable(const char* env, const std::string& variable) {
    return std::strncmp(env, variable.c_str(), variable.size()) == 0 && env[variable.size()] == '=';
}

// Every unlock source of every backend, whatever its plugin (any plugin that
// unlocks takes the same spec), and of the default spec, which the default
// config and a --backend naming a bare plugin use.
std::vector<vault::UnlockSource> unlock_sources(const conf::Config& config) {
    std::vector<std::string> specs = {vault::kDefaultUnlockSpec};
    for (const auto& backend : config.backends) {
        for (const auto& [key, value] : backend.params) {
            if (key == "unlock") {
                specs.push_back(value);
            }
        }
    }
    std::vector<vault::UnlockSource> sources;
    for (const auto& spec : specs) {
        for (auto& source : vault::parse_unlock_spec(spec)) {
            sources.push_back(std::move(source));
        }
    }
    return sources;
}

std::vector<std::string> unlock_variables(const std::vector<vault::UnlockSource>& sources) {
    std::vector<std::string> variables;
    for (const auto& source : sources) {
        if (source.kind == vault::UnlockSource::Kind::env) {
            variables.push_back(source.argument);
        }
    }
    return variables;
}

// A password passed as fd:N was read by this process; the command must not
// inherit the descriptor (a regular file can be read again from its start).
void close_unlock_descriptors_on_exec(const std::vector<vault::UnlockSource>& sources) {
    for (const auto& source : sources) {
        if (source.kind == vault::UnlockSource::Kind::fd) {
            const int fd = std::stoi(source.argument);
            const int flags = ::fcntl(fd, F_GETFD);
            if (flags >= 0) {
                ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
            }
        }
    }
}

// This process's environment without `hidden`, then the bound secrets.
std::vector<char*> child_environment(const std::vector<std::string>& hidden,
                                     std::vector<std::pair<std::string, SecureBytes>>& entries) {
    std::vector<char*> envp;
    for (char** env = environ; *env != nullptr; ++env) {
        const auto names = [&](const std::string& variable) {
            return names_variable(*env, variable);
        };
        const bool bound = std::any_of(entries.begin(), entries.end(),
                                       [&](const auto& e) { return names(e.first); });
        if (!bound && std::none_of(hidden.begin(), hidden.end(), names)) {
            envp.push_back(*env);
        }
    }
    for (auto& entry : entries) {
        envp.push_back(reinterpret_cast<char*>(entry.second.data()));
    }
    envp.push_back(nullptr);
    return envp;
}

}  // namespace

void add_exec_command(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("exec", "Run a command with secrets in its environment");
    auto bindings = std::make_shared<std::vector<std::string>>();
    auto command = std::make_shared<std::vector<std::string>>();
    cmd->add_option("--env", *bindings, "VAR=SERVICE/NAME (repeatable)")->required();
    cmd->add_option("COMMAND", *command, "The command and its arguments, after --")->required();
    // Everything after "--" belongs to the command, options like -c included.
    cmd->positionals_at_end();
    cmd->footer(
        "Every secret is read before the command starts; a missing one is an error.\n"
        "The exit status is the command's (127: not found, 126: not executable).\n"
        "Example:\n  tresor exec --env GITHUB_TOKEN=github/ci-token -- gh release list");
    cmd->callback([&ctx, bindings, command] {
        const std::vector<vault::UnlockSource> sources = unlock_sources(ctx.config());
        const std::vector<std::string> hidden = unlock_variables(sources);
        std::vector<std::pair<std::string, SecureBytes>> entries;
        for (const auto& text : *bindings) {
            const EnvBinding binding = parse_env_binding(text);
            std::optional<Secret> value = ctx.store().get(binding.key);
            if (!value) {
                std::cerr << "tresor: not found: " << display_key(binding.key) << " (for "
                          << binding.variable << ")\n";
                ctx.exit_status = kExitNotFound;
                return;
            }
            entries.emplace_back(binding.variable,
                                 env_entry(binding.variable, *value, binding.key));
        }
        std::vector<char*> envp = child_environment(hidden, entries);
        close_unlock_descriptors_on_exec(sources);
        std::vector<char*> argv;
        for (auto& arg : *command) {
            argv.push_back(arg.data());
        }
        argv.push_back(nullptr);
        std::cout.flush();
        ::execvpe(argv[0], argv.data(), envp.data());
        const int error = errno;
        std::cerr << "tresor: cannot run " << (*command)[0] << ": " << std::strerror(error) << "\n";
        ctx.exit_status = error == ENOENT ? 127 : 126;
    });
}

}  // namespace tresor::cli
