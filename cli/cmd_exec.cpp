// tresor exec [--env|--file|--fifo VAR=SERVICE/NAME]... [--service S [--prefix P]] -- CMD
//
// The secrets go to the new program only: this process replaces itself with
// CMD (execvpe), so CMD's exit status is tresor's, and no secret ever
// appears in an argv or passes through another process. --env puts a value
// in a variable; --file and --fifo put a path in it, of a memory file or a
// pipe the program inherits (platform/exec.hpp: nothing on disk, nothing
// left behind). CMD does not get the variables the vault's unlock sources
// read: with them it could open every secret, not only the ones it was given.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <map>

#include "cli/ci_mask.hpp"
#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/key_ref.hpp"
#include "platform/exec.hpp"
#include "vault/unlock.hpp"

extern char** environ;

namespace tresor::cli {
namespace {

// How the program receives one secret.
enum class Handoff { env, file, fifo };

struct Binding {
    std::string variable;
    Key key;
    Handoff handoff = Handoff::env;
    std::string origin;  // "--env", "--service app": for the messages
};

struct ExecArgs {
    std::vector<std::string> env;
    std::vector<std::string> files;
    std::vector<std::string> fifos;
    std::vector<std::string> services;
    std::string prefix;
    std::vector<std::string> command;
};

// "VAR=value\0" in wiped memory.
SecureBytes env_entry(const std::string& variable, std::span<const std::uint8_t> value) {
    SecureBytes entry(variable.begin(), variable.end());
    entry.push_back('=');
    entry.insert(entry.end(), value.begin(), value.end());
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
            platform::close_on_exec(std::stoi(source.argument));
        }
    }
}

// This process's environment without `hidden` and without the variables
// bound, then the bound ones.
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

// --env, --file and --fifo as given, then every entry of each --service
// (by name), each variable bound once: a second binding is refused with
// both entries named, never silently preferred. Empty (and the exit status
// set) when a service has no entries: surely a typo.
std::optional<std::vector<Binding>> collect_bindings(Context& ctx, const ExecArgs& args) {
    std::vector<Binding> bindings;
    const auto add_explicit = [&](const std::vector<std::string>& texts, Handoff handoff,
                                  const char* option) {
        for (const auto& text : texts) {
            EnvBinding parsed = parse_env_binding(text);
            bindings.push_back(
                {std::move(parsed.variable), std::move(parsed.key), handoff, option});
        }
    };
    add_explicit(args.env, Handoff::env, "--env");
    add_explicit(args.files, Handoff::file, "--file");
    add_explicit(args.fifos, Handoff::fifo, "--fifo");
    for (const auto& service : args.services) {
        std::vector<Entry> entries = ctx.store().list(service);
        if (entries.empty()) {
            std::cerr << "tresor: not found: no entries in service " << display_text(service)
                      << " (--service)\n";
            ctx.exit_status = kExitNotFound;
            return std::nullopt;
        }
        std::sort(entries.begin(), entries.end(),
                  [](const Entry& a, const Entry& b) { return a.name < b.name; });
        for (const auto& entry : entries) {
            const Key key{entry.service, entry.name};
            std::string variable;
            try {
                variable = entry_variable_name(args.prefix, entry.name);
            } catch (const Error& e) {
                throw Error(e.code(), display_key(key) + ": " + e.what());
            }
            bindings.push_back({std::move(variable), key, Handoff::env, "--service " + service});
        }
    }
    std::map<std::string, const Binding*> by_variable;
    for (const auto& binding : bindings) {
        auto [it, fresh] = by_variable.emplace(binding.variable, &binding);
        if (!fresh) {
            const Binding& first = *it->second;
            throw Error(ErrorCode::invalid_argument,
                        binding.variable + " would be bound twice: to " + display_key(first.key) +
                            " (" + first.origin + ") and to " + display_key(binding.key) + " (" +
                            binding.origin + ")");
        }
    }
    return bindings;
}

void run(Context& ctx, const ExecArgs& args) {
    if (args.env.empty() && args.files.empty() && args.fifos.empty() && args.services.empty()) {
        throw Error(ErrorCode::invalid_argument,
                    "give at least one of --env, --file, --fifo or --service");
    }
    const std::vector<vault::UnlockSource> sources = unlock_sources(ctx.config());
    const std::vector<std::string> hidden = unlock_variables(sources);
    const std::optional<std::vector<Binding>> collected = collect_bindings(ctx, args);
    if (!collected) {
        return;
    }
    const std::vector<Binding>& bindings = *collected;

    // Every value is read, and announced to a CI runner's log masking, before
    // anything reaches the program.
    std::vector<Secret> values;
    for (const auto& binding : bindings) {
        std::optional<Secret> value = ctx.store().get(binding.key);
        if (!value) {
            std::cerr << "tresor: not found: " << display_key(binding.key) << " (for "
                      << binding.variable << ")\n";
            ctx.exit_status = kExitNotFound;
            return;
        }
        if (binding.handoff == Handoff::env &&
            std::find(value->bytes().begin(), value->bytes().end(), 0) != value->bytes().end()) {
            throw Error(ErrorCode::invalid_argument,
                        "secret " + display_key(binding.key) +
                            " holds a NUL byte and cannot be put in an environment variable "
                            "(--file can hand it over)");
        }
        values.push_back(std::move(*value));
    }
    for (const auto& value : values) {
        mask_in_ci_log(value.bytes());
    }

    std::vector<std::pair<std::string, SecureBytes>> entries;
    std::vector<platform::FileDescriptor> handed_over;  // open until exec
    for (std::size_t i = 0; i < bindings.size(); ++i) {
        const Binding& binding = bindings[i];
        if (binding.handoff == Handoff::env) {
            entries.emplace_back(binding.variable, env_entry(binding.variable, values[i].bytes()));
            continue;
        }
        handed_over.push_back(
            binding.handoff == Handoff::file
                ? platform::sealed_memory_file(values[i].bytes(), "tresor:" + binding.variable)
                : platform::filled_pipe(values[i].bytes()));
        const std::string path = platform::inherited_descriptor_path(handed_over.back().get());
        const std::span<const std::uint8_t> path_bytes(
            reinterpret_cast<const std::uint8_t*>(path.data()), path.size());
        entries.emplace_back(binding.variable, env_entry(binding.variable, path_bytes));
    }
    std::vector<char*> envp = child_environment(hidden, entries);
    close_unlock_descriptors_on_exec(sources);
    for (const auto& fd : handed_over) {
        platform::inherit_on_exec(fd.get());
    }
    std::vector<std::string> command = args.command;
    std::vector<char*> argv;
    for (auto& arg : command) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    std::cout.flush();
    const int error = platform::replace_process(argv, envp);
    std::cerr << "tresor: cannot run " << command[0] << ": " << std::strerror(error) << "\n";
    ctx.exit_status = error == ENOENT ? 127 : 126;
}

}  // namespace

void add_exec_command(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("exec", "Run a command with secrets in its environment");
    auto args = std::make_shared<ExecArgs>();
    cmd->add_option("--env", args->env, "VAR=SERVICE/NAME: the value in VAR (repeatable)");
    cmd->add_option("--service", args->services,
                    "Every entry of SERVICE as a variable named after it (repeatable)");
    cmd->add_option("--prefix", args->prefix, "Put this before --service's variable names");
    cmd->add_option("--file", args->files,
                    "VAR=SERVICE/NAME: the path of a memory file holding the value in VAR");
    cmd->add_option("--fifo", args->fifos,
                    "VAR=SERVICE/NAME: the path of a pipe to read the value from once, in VAR");
    cmd->add_option("COMMAND", args->command, "The command and its arguments, after --")
        ->required();
    // Everything after "--" belongs to the command, options like -c included.
    cmd->positionals_at_end();
    cmd->footer(
        "Every secret is read before the command starts; a missing one is an error.\n"
        "--service names: letters upper-cased, digits and '_' kept, any other run of\n"
        "characters one '_' (api-key -> API_KEY); a name bound twice is refused.\n"
        "--file and --fifo paths are /proc/self/fd/N: nothing is written to disk, and\n"
        "the file is gone when the command (and all it started) has exited.\n"
        "On GitHub Actions each value is first announced with ::add-mask:: on stderr.\n"
        "The exit status is the command's (127: not found, 126: not executable).\n"
        "Example:\n  tresor exec --env GITHUB_TOKEN=github/ci-token -- gh release list\n"
        "  tresor exec --service app --prefix APP_ --file TLS_KEY=web/tls-key -- ./server");
    cmd->callback([&ctx, args] { run(ctx, *args); });
}

}  // namespace tresor::cli
