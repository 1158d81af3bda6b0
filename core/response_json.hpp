// core/response_json.hpp — a response of Store::request as JSON, the one
// shape `tresor serve` and `tresor mcp` hand back:
//   {"status": 200, "headers": [{"name": ..., "value": ...}], "body": "...",
//    "redacted": false}
// with "body_base64" instead of "body" when the body is not UTF-8 text.
// Header names and values that are not UTF-8 are left to the writer's
// replacement (nlohmann's error_handler_t::replace).
#pragma once

#include <nlohmann/json.hpp>

#include "tresor/request.hpp"

namespace tresor::core {

[[nodiscard]] nlohmann::json response_json(const HttpResponse& response);

}  // namespace tresor::core
