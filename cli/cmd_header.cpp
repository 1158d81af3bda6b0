// tresor header: a credential rendered as header lines at the point of use,
// so a script hands it to curl without ever holding the raw secret.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/secret_io.hpp"

namespace tresor::cli {

void add_header_command(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand(
        "header", "Print a credential as HTTP header lines (exit status 1 when not found)");
    auto service = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    cmd->add_option("SERVICE", *service, "Service the credential belongs to")->required();
    cmd->add_option("NAME", *name, "Name of the credential within the service")->required();
    cmd->footer("Example:\n  tresor header github ci | curl -H @- https://api.github.com/user");
    cmd->callback([&ctx, service, name] {
        const Key key{*service, *name};
        // The header carries the value, so this is a read (Scope::read);
        // `tresor request` is the command that uses a credential unread.
        std::optional<Secret> header = ctx.store().narrowed({Scope::read}).header(key);
        if (!header) {
            std::cerr << "tresor: not found: " << display_key(key) << "\n";
            ctx.exit_status = kExitNotFound;
            return;
        }
        write_stdout(header->bytes());
        write_stdout("\n");
    });
}

}  // namespace tresor::cli
