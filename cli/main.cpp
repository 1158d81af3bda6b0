// The `tresor` command line tool.
#include <algorithm>
#include <iostream>

#include "cli/commands.hpp"
#include "platform/process.hpp"

namespace {

constexpr const char* kExitStatuses =
    "Exit status: 0 ok, 1 not found, 2 usage or config error, 3 backend unavailable or locked,\n"
    "4 authentication failed, access denied or data corrupt, 5 other error.\n"
    "Secrets are read from stdin or a prompt, never from the command line.";

// `tresor help [SUBCOMMAND...]`: the help of the command named, as --help.
void add_help_command(CLI::App& app) {
    auto* help =
        app.add_subcommand("help", "Show this help, or a subcommand's: tresor help vault init");
    auto path = std::make_shared<std::vector<std::string>>();
    help->add_option("SUBCOMMAND", *path, "The subcommand to describe");
    help->footer("Example:\n  tresor help set");
    help->callback([&app, path] {
        CLI::App* command = &app;
        std::string name_path = app.get_name();  // "tresor vault init", as --help says
        for (const std::string& name : *path) {
            try {
                command = command->get_subcommand(name);
            } catch (const CLI::OptionNotFound&) {
                throw tresor::Error(tresor::ErrorCode::invalid_argument,
                                    "no subcommand '" + name + "' (tresor help lists them)");
            }
            name_path += " " + command->get_name();
        }
        // The formatter itself: App::help() would describe the subcommand
        // being run, `help`.
        std::cout << command->get_formatter()->make_help(command, name_path,
                                                         CLI::AppFormatMode::Normal);
    });
}

}  // namespace

int main(int argc, char** argv) {
    // A crash must not leave a core file holding decrypted secrets or keys.
    tresor::platform::forbid_core_dumps();
    tresor::cli::Context ctx;
    CLI::App app("tresor — a secret store for people, programs and CI", "tresor");
    app.require_subcommand(0, 1);  // none: the help, below
    app.set_version_flag("--version", "tresor " TRESOR_VERSION);
    app.add_option("--config", ctx.config_file, "Config file (default: discovery, see docs)");
    app.add_option("--backend", ctx.backend, "Use only this backend (or plugin)")
        ->envname("TRESOR_BACKEND");
    app.footer(kExitStatuses);
    tresor::cli::add_secret_commands(app, ctx);
    tresor::cli::add_exec_command(app, ctx);
    tresor::cli::add_info_commands(app, ctx);
    tresor::cli::add_vault_commands(app, ctx);
    tresor::cli::add_kdf_commands(app, ctx);
    tresor::cli::add_import_commands(app, ctx);
    tresor::cli::add_aws_command(app, ctx);
    tresor::cli::add_header_command(app, ctx);
    tresor::cli::add_serve_commands(app, ctx);
    tresor::cli::add_request_command(app, ctx);
    tresor::cli::add_mcp_command(app, ctx);
    tresor::cli::add_oauth_commands(app, ctx);
    tresor::cli::add_credential_socket_command(app, ctx);
    tresor::cli::add_export_command(app, ctx);
    tresor::cli::add_audit_commands(app, ctx);
    add_help_command(app);
    try {
        // CLI11 takes the arguments in reverse order.
        std::vector<std::string> args = tresor::platform::utf8_arguments(argc, argv);
        std::reverse(args.begin(), args.end());
        app.parse(args);
        if (app.get_subcommands().empty()) {
            // `tresor` alone: what there is to do, and the usage error status.
            std::cout << app.help();
            return tresor::cli::kExitUsage;
        }
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return tresor::cli::kExitUsage;
    } catch (const tresor::Error& e) {
        std::cerr << "tresor: " << e.what() << "\n";
        return tresor::cli::exit_status_for(e.code());
    } catch (const std::exception& e) {
        std::cerr << "tresor: internal error: " << e.what() << "\n";
        return tresor::cli::kExitOther;
    }
    return ctx.exit_status;
}
