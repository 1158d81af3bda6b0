#include "core/response_json.hpp"

#include <string>

#include "core/base64.hpp"

namespace tresor::core {

nlohmann::json response_json(const HttpResponse& response) {
    nlohmann::json headers = nlohmann::json::array();
    for (const HttpHeader& h : response.headers) {
        headers.push_back({{"name", h.name}, {"value", h.value}});
    }
    nlohmann::json out = {{"status", response.status},
                          {"headers", std::move(headers)},
                          {"redacted", response.redacted}};
    try {
        // The strict writer is the UTF-8 check: it throws on invalid text.
        (void)nlohmann::json(response.body).dump();
        out["body"] = response.body;
    } catch (const nlohmann::json::type_error&) {
        std::string encoded;
        append_base64(encoded, {reinterpret_cast<const std::uint8_t*>(response.body.data()),
                                response.body.size()});
        out["body_base64"] = std::move(encoded);
    }
    return out;
}

}  // namespace tresor::core
