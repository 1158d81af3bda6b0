// tresor mcp: the Model Context Protocol on stdin and stdout (mcp/server.hpp),
// one JSON-RPC message per line; stderr gets one line per request made.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/secret_io.hpp"
#include "mcp/server.hpp"
#include "platform/terminal.hpp"

namespace tresor::cli {
namespace {

// A line longer than this is answered with a parse error and skipped, so a
// client cannot make the server hold an endless line in memory.
constexpr std::size_t kMaxLineBytes = 4 * 1024 * 1024;

void answer(const std::optional<std::string>& reply) {
    if (reply) {
        write_stdout(*reply + "\n");
    }
}

void serve_stdio(mcp::Server& server) {
    std::string line;
    bool overlong = false;
    std::uint8_t buffer[64 * 1024];
    for (;;) {
        // What arrived, not a full buffer: a client waits for each answer.
        const std::size_t n = platform::read_stdin(buffer);
        if (n == 0) {  // end of input: the client is gone
            if (!line.empty() && !overlong) {
                answer(server.handle_line(line));
            }
            return;
        }
        for (std::size_t i = 0; i < n; ++i) {
            if (buffer[i] != '\n') {
                if (line.size() < kMaxLineBytes) {
                    line.push_back(static_cast<char>(buffer[i]));
                } else {
                    overlong = true;
                }
                continue;
            }
            if (overlong) {
                answer(mcp::to_line(mcp::error_message(nullptr, mcp::kInvalidRequest,
                                                       "message longer than 4 MiB")));
            } else if (!line.empty() && line != "\r") {
                answer(server.handle_line(line));
            }
            line.clear();
            overlong = false;
        }
    }
}

}  // namespace

void add_mcp_command(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand(
        "mcp",
        "Serve the Model Context Protocol on stdio: agents list credentials and make "
        "requests with them, never reading a value");
    auto services = std::make_shared<std::vector<std::string>>();
    cmd->add_option("--service", *services,
                    "Only the credentials of this service (repeatable; default: all with "
                    "origins)");
    cmd->footer(
        "Tools: list_credentials (metadata), http_request (tresor request). An MCP client\n"
        "starts it as a command, e.g. {\"command\": \"tresor\", \"args\": [\"mcp\"]}.");
    cmd->callback([&ctx, services] {
        // Opened (and unlocked) before the first message, not inside a tool.
        Store& store = ctx.store();
        (void)store.narrowed({Scope::metadata}).list();
        mcp::Server server(store, *services);
        serve_stdio(server);
    });
}

}  // namespace tresor::cli
