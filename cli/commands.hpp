// cli/commands.hpp — each group of subcommands registers itself on the app.
// A command's callback sets ctx.exit_status, or throws tresor::Error (mapped
// to an exit status by main).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.hpp"

namespace tresor::cli {

void add_secret_commands(CLI::App& app, Context& ctx);  // set, get, rm, ls
void add_exec_command(CLI::App& app, Context& ctx);     // exec
void add_info_commands(CLI::App& app, Context& ctx);    // backends, plugins
void add_vault_commands(CLI::App& app, Context& ctx);   // vault init, passwd, ...
void add_kdf_commands(CLI::App& app, Context& ctx);     // kdf calibrate, bench
void add_import_commands(CLI::App& app, Context& ctx);  // import, migrate
void add_aws_command(CLI::App& app, Context& ctx);      // aws-credential-process
void add_header_command(CLI::App& app, Context& ctx);   // header
void add_serve_commands(CLI::App& app, Context& ctx);   // serve, token create
void add_request_command(CLI::App& app, Context& ctx);  // request
void add_mcp_command(CLI::App& app, Context& ctx);      // mcp
void add_oauth_commands(CLI::App& app, Context& ctx);   // oauth login

// audit, audit verify, audit prune: the vault's audit log (cli/cmd_audit.cpp).
void add_audit_commands(CLI::App& app, Context& ctx);

// export: every entry in an age file (cli/cmd_export.cpp, docs/INTEGRATIONS.md).
void add_export_command(CLI::App& app, Context& ctx);

// systemd's LoadCredential= served from the store (docs/INTEGRATIONS.md).
void add_credential_socket_command(CLI::App& app, Context& ctx);

}  // namespace tresor::cli
