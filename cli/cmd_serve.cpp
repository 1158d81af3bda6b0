// tresor serve | token create: the credential API over HTTP and its session
// tokens (docs/API.md).
#include <charconv>
#include <cstdlib>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/secret_io.hpp"
#include "serve/http_server.hpp"
#include "serve/session_tokens.hpp"

namespace tresor::cli {
namespace {

// "8h", "30m", "7d", "90s".
std::chrono::seconds parse_lifetime(const std::string& text) {
    std::int64_t count = 0;
    const char* end = text.data() + text.size();
    auto [unit, ec] = std::from_chars(text.data(), end, count);
    const std::string_view suffix(unit, static_cast<std::size_t>(end - unit));
    static const std::pair<std::string_view, std::int64_t> kUnits[] = {
        {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}};
    for (const auto& [name, seconds] : kUnits) {
        if (ec == std::errc() && count > 0 && count < 3650 * 86400 / seconds && suffix == name) {
            return std::chrono::seconds(count * seconds);
        }
    }
    throw Error(ErrorCode::invalid_argument,
                "--expires takes a positive duration such as 8h, 30m, 7d or 90s");
}

std::filesystem::path default_socket() {
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    if (runtime == nullptr || *runtime != '/') {
        throw Error(ErrorCode::invalid_argument,
                    "XDG_RUNTIME_DIR is not set: give --socket PATH or --port N");
    }
    const std::filesystem::path folder = std::filesystem::path(runtime) / "tresor";
    std::filesystem::create_directory(folder);
    std::filesystem::permissions(folder, std::filesystem::perms::owner_all);
    return folder / "serve.sock";
}

void add_token(CLI::App& app, Context& ctx) {
    auto* group = app.add_subcommand("token", "Session tokens for tresor serve");
    group->require_subcommand(1);
    auto* create = group->add_subcommand("create", "Create a session token and print it once");
    auto scopes = std::make_shared<std::string>();
    auto expires = std::make_shared<std::string>();
    create
        ->add_option("--scope", *scopes,
                     "credentials:store and/or credentials:read, comma-separated")
        ->required();
    create->add_option("--expires", *expires, "Lifetime: 8h, 30m, 7d... (default: never)");
    create->footer(
        "Example:\n  tresor token create --scope credentials:store,credentials:read --expires 8h");
    create->callback([&ctx, scopes, expires] {
        const auto parsed = serve::parse_api_scopes(*scopes);
        std::optional<std::chrono::seconds> lifetime;
        if (!expires->empty()) {
            lifetime = parse_lifetime(*expires);
        }
        const Secret token = serve::create_token(ctx.store(), parsed, lifetime);
        write_stdout(token.bytes());
        write_stdout("\n");
    });
}

void add_serve(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("serve", "Serve the credential API over HTTP (docs/API.md)");
    auto options = std::make_shared<serve::ServerOptions>();
    auto socket = std::make_shared<std::string>();
    auto port = std::make_shared<int>(-1);
    auto timeout = std::make_shared<int>(10);
    cmd->add_option("--socket", *socket,
                    "Unix socket (default: $XDG_RUNTIME_DIR/tresor/serve.sock)");
    cmd->add_option("--port", *port, "Also listen on 127.0.0.1:PORT (0: any free port)")
        ->check(CLI::Range(0, 65535));
    cmd->add_option("--max-body-bytes", options->max_body_bytes, "Larger bodies get 413")
        ->capture_default_str();
    cmd->add_option("--request-timeout", *timeout, "Seconds a request may take to arrive")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    cmd->add_option("--max-connections", options->max_connections,
                    "Open connections at most, on each of the socket and the port")
        ->capture_default_str();
    cmd->footer(
        "Example:\n  tresor serve &\n  curl --unix-socket \"$XDG_RUNTIME_DIR/tresor/serve.sock\" "
        "-H \"Authorization: Bearer $TOKEN\" http://localhost/api/credentials");
    cmd->callback([&ctx, options, socket, port, timeout] {
        if (!socket->empty()) {
            options->socket_path = std::filesystem::absolute(*socket);
        } else if (*port < 0) {
            options->socket_path = default_socket();
        }
        if (*port >= 0) {
            options->loopback_port = static_cast<std::uint16_t>(*port);
        }
        options->request_timeout = std::chrono::seconds(*timeout);
        // Open (and unlock) the store before listening, not on the first request.
        Store& store = ctx.store();
        (void)store.list();
        serve::CredentialsApi api(store);
        serve::run_server(api, *options, [&](std::uint16_t bound) {
            std::cout << "tresor serve: listening on";
            if (options->socket_path) {
                std::cout << " " << options->socket_path->string();
            }
            if (options->loopback_port) {
                std::cout << " 127.0.0.1:" << bound;
            }
            std::cout << std::endl;
        });
    });
}

}  // namespace

void add_serve_commands(CLI::App& app, Context& ctx) {
    add_serve(app, ctx);
    add_token(app, ctx);
}

}  // namespace tresor::cli
