// mcp/protocol.hpp — the Model Context Protocol's messages as `tresor mcp`
// reads and writes them: JSON-RPC 2.0, one message per line on stdio.
//
// Everything a client sends is untrusted: parse_message() and the tool
// argument readers check every member they use and say what is wrong
// without quoting the input; they throw only Error{invalid_argument} (the
// argument readers) or return an invalid Message (the parser). Fuzzed by
// fuzz/mcp_message_fuzzer.cpp.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "tresor/request.hpp"
#include "tresor/store.hpp"

namespace tresor::mcp {

using Json = nlohmann::json;

// JSON-RPC 2.0's error codes.
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;

struct Message {
    enum class Kind {
        request,       // has an id: answer it
        notification,  // no id: never answered
        response,      // a client's answer to a server request: ignored (tresor sends none)
        invalid,       // answer with error_code and error_text, to id (null when unknown)
    };
    Kind kind = Kind::invalid;
    Json id;  // a string, an integer or null
    std::string method;
    Json params = Json::object();
    int error_code = 0;
    std::string error_text;
};

// One line of the client's. Batches (arrays) are invalid: MCP 2025-06-18
// removed them.
[[nodiscard]] Message parse_message(std::string_view line);

[[nodiscard]] Json result_message(const Json& id, Json result);
// One line of JSON (no newline); text that is not UTF-8 (a server's header)
// is replaced, never a throw.
[[nodiscard]] std::string to_line(const Json& message);
[[nodiscard]] Json error_message(const Json& id, int code, std::string_view text);

// The arguments of the tools/call of `http_request`.
struct RequestCall {
    Key key;
    HttpRequest request;
};

// tools/call params: the tool's name and its arguments (an object).
struct ToolCall {
    std::string name;
    Json arguments = Json::object();
};
[[nodiscard]] ToolCall parse_tool_call(const Json& params);

// list_credentials: the service to list, if one is asked for.
[[nodiscard]] std::optional<std::string> parse_list_arguments(const Json& arguments);
[[nodiscard]] RequestCall parse_request_arguments(const Json& arguments);

}  // namespace tresor::mcp
