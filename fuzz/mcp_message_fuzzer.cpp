// The lines an MCP client sends `tresor mcp` (mcp/protocol.hpp): the JSON-RPC
// parser, then, for a tools/call, the tool call and both tools' arguments,
// and the answer written back. Beyond "no crash": an invalid message gets an
// error code, and every answer is one line.
#include <string_view>

#include "fuzz/fuzz_main.hpp"
#include "mcp/protocol.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes) {
    using namespace tresor::mcp;
    const std::string_view line(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const Message m = parse_message(line);
    if (m.kind == Message::Kind::invalid) {
        if (m.error_code == 0 ||
            to_line(error_message(m.id, m.error_code, m.error_text)).find('\n') !=
                std::string::npos) {
            std::abort();
        }
        return;
    }
    if (m.kind != Message::Kind::request) {
        return;
    }
    (void)to_line(result_message(m.id, m.params));
    const ToolCall call = parse_tool_call(m.params);
    try {
        (void)parse_list_arguments(call.arguments);
    } catch (const tresor::Error&) {
    }
    (void)parse_request_arguments(call.arguments);
}
