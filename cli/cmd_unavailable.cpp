// tresor vault | kdf | exec | serve | token | credential-socket in a build without the file vault
// (the Windows build: Debian has no mingw libsodium or SQLite, docs/BACKENDS.md). The commands
// still exist, so a script gets a clear reason and exit status 3 instead of
// a usage error that suggests a typo.
#include "cli/commands.hpp"

namespace tresor::cli {
namespace {

void add_unavailable(CLI::App& app, const std::string& name, const std::string& why) {
    auto* cmd = app.add_subcommand(name, "(not in this build) " + why);
    cmd->allow_extras();
    cmd->prefix_command();
    cmd->callback([name, why] {
        throw Error(ErrorCode::unavailable,
                    "tresor " + name + " is not available in this build: " + why);
    });
}

}  // namespace

void add_vault_commands(CLI::App& app, Context&) {
    add_unavailable(app, "vault",
                    "it has no file vault (no libsodium and SQLite for this platform)");
}

void add_kdf_commands(CLI::App& app, Context&) {
    add_unavailable(app, "kdf", "it has no file vault, whose key derivation this tunes");
}

void add_serve_commands(CLI::App& app, Context&) {
    add_unavailable(app, "serve", "its HTTP API listens on a unix socket checked with SO_PEERCRED");
    add_unavailable(app, "token", "tokens are for tresor serve, which this build lacks");
}

void add_exec_command(CLI::App& app, Context&) {
    add_unavailable(app, "exec", "it replaces the process with execve, which this platform lacks");
}

void add_credential_socket_command(CLI::App& app, Context&) {
    add_unavailable(app, "credential-socket",
                    "it serves systemd's LoadCredential=, a unix socket checked with SO_PEERCRED");
}

}  // namespace tresor::cli
