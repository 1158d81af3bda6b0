#include "mcp/protocol.hpp"

#include <algorithm>
#include <array>

namespace tresor::mcp {
namespace {

[[noreturn]] void bad_argument(const std::string& why) {
    throw Error(ErrorCode::invalid_argument, why);
}

bool is_id(const Json& id) {
    return id.is_string() || id.is_number_integer() || id.is_null();
}

std::string text_member(const Json& object, const char* member, bool required) {
    const auto it = object.find(member);
    if (it == object.end() || it->is_null()) {
        if (required) {
            bad_argument(std::string("\"") + member + "\" is required");
        }
        return {};
    }
    if (!it->is_string()) {
        bad_argument(std::string("\"") + member + "\" must be a string");
    }
    return it->get<std::string>();
}

void check_members(const Json& object, std::initializer_list<std::string_view> known) {
    for (const auto& [member, value] : object.items()) {
        if (std::find(known.begin(), known.end(), member) == known.end()) {
            bad_argument("unknown argument \"" + member.substr(0, 64) + "\"");
        }
    }
}

}  // namespace

Message parse_message(std::string_view line) {
    Message m;
    m.id = nullptr;
    const Json json = Json::parse(line, nullptr, false);
    if (json.is_discarded()) {
        m.error_code = kParseError;
        m.error_text = "not a JSON text";
        return m;
    }
    if (!json.is_object()) {
        m.error_code = kInvalidRequest;
        m.error_text = json.is_array() ? "batches are not supported" : "not a JSON-RPC message";
        return m;
    }
    const auto id = json.find("id");
    if (id != json.end() && is_id(*id)) {
        m.id = *id;
    }
    const auto version = json.find("jsonrpc");
    const auto method = json.find("method");
    if (version == json.end() || *version != "2.0") {
        m.error_code = kInvalidRequest;
        m.error_text = "jsonrpc must be \"2.0\"";
        return m;
    }
    if (method == json.end()) {
        if (id != json.end() && (json.contains("result") || json.contains("error"))) {
            m.kind = Message::Kind::response;
            return m;
        }
        m.error_code = kInvalidRequest;
        m.error_text = "no method";
        return m;
    }
    if (!method->is_string() || (id != json.end() && !is_id(*id))) {
        m.error_code = kInvalidRequest;
        m.error_text = "method must be a string and id a string or an integer";
        return m;
    }
    m.method = method->get<std::string>();
    if (const auto params = json.find("params"); params != json.end()) {
        if (!params->is_object()) {
            m.error_code = kInvalidParams;
            m.error_text = "params must be an object";
            return m;
        }
        m.params = *params;
    }
    m.kind = id != json.end() ? Message::Kind::request : Message::Kind::notification;
    return m;
}

std::string to_line(const Json& message) {
    return message.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json result_message(const Json& id, Json result) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

Json error_message(const Json& id, int code, std::string_view text) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", text}}}};
}

ToolCall parse_tool_call(const Json& params) {
    ToolCall call;
    call.name = text_member(params, "name", true);
    if (const auto it = params.find("arguments"); it != params.end() && !it->is_null()) {
        if (!it->is_object()) {
            bad_argument("\"arguments\" must be an object");
        }
        call.arguments = *it;
    }
    return call;
}

std::optional<std::string> parse_list_arguments(const Json& arguments) {
    check_members(arguments, {"service"});
    std::string service = text_member(arguments, "service", false);
    return service.empty() ? std::nullopt : std::optional<std::string>(std::move(service));
}

RequestCall parse_request_arguments(const Json& arguments) {
    check_members(arguments, {"service", "name", "url", "method", "headers", "body", "timeout_ms"});
    RequestCall call;
    call.key = {text_member(arguments, "service", true), text_member(arguments, "name", true)};
    if (call.key.service.empty() || call.key.name.empty()) {
        bad_argument("\"service\" and \"name\" must not be empty");
    }
    call.request.url = text_member(arguments, "url", true);
    if (std::string method = text_member(arguments, "method", false); !method.empty()) {
        call.request.method = std::move(method);
    }
    if (const auto it = arguments.find("headers"); it != arguments.end() && !it->is_null()) {
        if (!it->is_object()) {
            bad_argument("\"headers\" must be an object of strings");
        }
        for (const auto& [name, value] : it->items()) {
            if (!value.is_string()) {
                bad_argument("\"headers\" must be an object of strings");
            }
            call.request.headers.push_back({name, value.get<std::string>()});
        }
    }
    call.request.body = text_member(arguments, "body", false);
    if (const auto it = arguments.find("timeout_ms"); it != arguments.end() && !it->is_null()) {
        if (!it->is_number_integer() || *it < 1 || *it > 600'000) {
            bad_argument("\"timeout_ms\" must be an integer from 1 to 600000");
        }
        call.request.timeout = std::chrono::milliseconds(it->get<std::int64_t>());
    }
    return call;
}

}  // namespace tresor::mcp
