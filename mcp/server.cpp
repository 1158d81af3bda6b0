#include "mcp/server.hpp"

#include <algorithm>
#include <array>
#include <iostream>

#include "core/response_json.hpp"

namespace tresor::mcp {
namespace {

// Newest first; an initialize asking for one of these gets it, any other
// gets the newest (the client then decides whether it can go on).
constexpr std::array<std::string_view, 4> kProtocolVersions = {"2025-11-25", "2025-06-18",
                                                               "2025-03-26", "2024-11-05"};

Json text_result(const std::string& text, bool is_error) {
    Json result = {{"content", Json::array({{{"type", "text"}, {"text", text}}})}};
    if (is_error) {
        result["isError"] = true;
    }
    return result;
}

Json structured_result(Json value) {
    Json result = text_result(to_line(value), false);
    result["structuredContent"] = std::move(value);
    return result;
}

Json unix_time(const std::optional<Timestamp>& t) {
    return t ? Json(t->time_since_epoch().count()) : Json(nullptr);
}

Json tools() {
    const Json key_properties = {
        {"service", {{"type", "string"}, {"description", "the credential's service"}}},
        {"name", {{"type", "string"}, {"description", "the credential's name"}}}};
    Json request_properties = key_properties;
    request_properties["url"] = {
        {"type", "string"},
        {"description", "absolute https URL; its origin must be one of the credential's origins"}};
    request_properties["method"] = {{"type", "string"},
                                    {"description", "GET (default), POST, PUT, PATCH, DELETE..."}};
    request_properties["headers"] = {
        {"type", "object"},
        {"additionalProperties", {{"type", "string"}}},
        {"description", "extra headers; Authorization and Host are tresor's"}};
    request_properties["body"] = {{"type", "string"}, {"description", "the request body"}};
    request_properties["timeout_ms"] = {
        {"type", "integer"}, {"minimum", 1}, {"maximum", 600000}, {"description", "default 30000"}};
    return Json::array(
        {{{"name", "list_credentials"},
          {"description",
           "List the credentials this server can use for requests: service, name, type, "
           "description and the origins each may be sent to. Never a secret value."},
          {"inputSchema",
           {{"type", "object"},
            {"properties",
             {{"service", {{"type", "string"}, {"description", "only this service"}}}}},
            {"additionalProperties", false}}}},
         {{"name", "http_request"},
          {"description",
           "Make an HTTP request authenticated with a stored credential. tresor adds the "
           "credential's header and sends it only to the credential's origins; redirects are "
           "not followed; wherever the response holds the credential it reads [REDACTED]. The "
           "credential itself is never returned."},
          {"inputSchema",
           {{"type", "object"},
            {"properties", std::move(request_properties)},
            {"required", Json::array({"service", "name", "url"})},
            {"additionalProperties", false}}}}});
}

}  // namespace

Server::Server(const Store& store, std::vector<std::string> services)
    : store_(store.narrowed({Scope::metadata, Scope::use})), services_(std::move(services)) {}

bool Server::exposed(std::string_view service) const {
    return services_.empty() ||
           std::find(services_.begin(), services_.end(), service) != services_.end();
}

std::optional<std::string> Server::handle_line(std::string_view line) {
    const Message m = parse_message(line);
    switch (m.kind) {
        case Message::Kind::notification:  // initialized, cancelled: nothing to answer
        case Message::Kind::response:
            return std::nullopt;
        case Message::Kind::invalid:
            return to_line(error_message(m.id, m.error_code, m.error_text));
        case Message::Kind::request:
            break;
    }
    try {
        if (m.method == "initialize") {
            return to_line(result_message(m.id, initialize(m.params)));
        }
        if (m.method == "ping") {
            return to_line(result_message(m.id, Json::object()));
        }
        if (m.method == "tools/list") {
            return to_line(result_message(m.id, {{"tools", tools()}}));
        }
        if (m.method == "tools/call") {
            return to_line(result_message(m.id, call_tool(m.params)));
        }
        return to_line(error_message(m.id, kMethodNotFound, "no method " + m.method.substr(0, 64)));
    } catch (const Error& e) {
        return to_line(error_message(m.id, kInvalidParams, e.what()));
    } catch (const std::exception&) {
        return to_line(error_message(m.id, kInternalError, "internal error"));
    }
}

Json Server::initialize(const Json& params) {
    std::string_view version = kProtocolVersions.front();
    if (const auto asked = params.find("protocolVersion");
        asked != params.end() && asked->is_string()) {
        const auto& text = asked->get_ref<const std::string&>();
        if (std::find(kProtocolVersions.begin(), kProtocolVersions.end(), text) !=
            kProtocolVersions.end()) {
            version = text;
        }
    }
    return {{"protocolVersion", version},
            {"capabilities", {{"tools", {{"listChanged", false}}}}},
            {"serverInfo", {{"name", "tresor"}, {"version", TRESOR_VERSION}}},
            {"instructions",
             "tresor holds credentials and makes authenticated HTTP requests with them. Call "
             "list_credentials to see which exist and where each may be sent, then "
             "http_request. Secret values are never shown."}};
}

Json Server::call_tool(const Json& params) {
    const ToolCall call = parse_tool_call(params);
    if (call.name != "list_credentials" && call.name != "http_request") {
        throw Error(ErrorCode::invalid_argument, "no tool " + call.name.substr(0, 64));
    }
    // What goes wrong inside a tool is its result (isError), so the agent
    // reads it and can correct itself (MCP, "Tools", error handling).
    try {
        return call.name == "list_credentials" ? list_credentials(call.arguments)
                                               : http_request(call.arguments);
    } catch (const Error& e) {
        return text_result(std::string(to_string(e.code())) + ": " + e.what(), true);
    }
}

Json Server::list_credentials(const Json& arguments) {
    const std::optional<std::string> service = parse_list_arguments(arguments);
    const std::vector<Entry> entries = service ? store_.list(*service) : store_.list();
    Json out = Json::array();
    for (const Entry& e : entries) {
        const auto origins = e.attributes.find("origins");
        if (origins == e.attributes.end() || !exposed(e.service)) {
            continue;  // not usable for requests, or not this server's
        }
        out.push_back({{"service", e.service},
                       {"name", e.name},
                       {"type", to_string(e.type)},
                       {"description", e.description},
                       {"origins", origins->second},
                       {"expires_at", unix_time(e.expires_at)}});
    }
    return structured_result({{"credentials", std::move(out)}});
}

Json Server::http_request(const Json& arguments) {
    const RequestCall call = parse_request_arguments(arguments);
    if (!exposed(call.key.service)) {
        throw Error(ErrorCode::permission_denied,
                    "service '" + call.key.service + "' is not served by this tresor mcp");
    }
    const std::optional<HttpResponse> response = store_.request(call.key, call.request);
    if (!response) {
        throw Error(ErrorCode::invalid_argument,
                    "no credential " + call.key.service + "/" + call.key.name);
    }
    // One line per request on stderr, the log of what the agent did:
    // never a header value or a body.
    std::clog << "tresor mcp: " << call.request.method << " " << call.key.service << "/"
              << call.key.name << " " << response->status << "\n";
    return structured_result(core::response_json(*response));
}

}  // namespace tresor::mcp
