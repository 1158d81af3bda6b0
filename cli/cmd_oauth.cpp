// tresor oauth login: a user's sign-in for an oauth2 credential
// (Store::oauth_login; docs/CREDENTIALS.md, "Signing in"). What the user
// must do goes to stderr; no code or token is ever printed.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/key_ref.hpp"

namespace tresor::cli {

void add_oauth_commands(CLI::App& app, Context& ctx) {
    auto* oauth = app.add_subcommand("oauth", "Sign in for oauth2 credentials");
    oauth->require_subcommand(1);
    auto* login = oauth->add_subcommand(
        "login",
        "Sign in for an oauth2 credential and store its tokens (exit status 1 when not found)");
    auto key = std::make_shared<std::string>();
    auto device = std::make_shared<bool>(false);
    auto timeout = std::make_shared<int>(300);
    login->add_option("SERVICE/NAME", *key, "The oauth2 credential")->required();
    login->add_flag("--device", *device,
                    "Device authorization (RFC 8628): enter a code on another device, for a "
                    "machine without a browser");
    login->add_option("--timeout", *timeout, "Seconds to wait for the sign-in (default 300)")
        ->check(CLI::Range(1, 3600));
    login->footer(
        "Examples:\n"
        "  tresor set --type oauth2 --field client_id=ID --field token_url=https://.../token \\\n"
        "      --field authorization_url=https://.../authorize --field 'scopes=read' api work\n"
        "  tresor oauth login api/work           # opens nothing: prints the URL to open\n"
        "  tresor oauth login --device api/work  # prints where to enter which code");
    login->callback([&ctx, key, device, timeout] {
        const Key k = parse_key_ref(*key);
        OAuthLogin how;
        how.flow = *device ? OAuthLogin::Flow::device : OAuthLogin::Flow::authorization_code;
        how.timeout = std::chrono::seconds(*timeout);
        how.show = [](std::string_view text) { std::cerr << text << std::endl; };
        std::optional<Secret> token = ctx.store().oauth_login(k, how);
        if (!token) {
            std::cerr << "tresor: not found: " << display_key(k) << "\n";
            ctx.exit_status = kExitNotFound;
            return;
        }
        std::cerr << "tresor: signed in; the tokens of " << display_key(k) << " are stored\n";
    });
}

}  // namespace tresor::cli
