// mcp/server.hpp — `tresor mcp`: the Model Context Protocol for agents.
//
// Two tools, and none that returns a value:
//   list_credentials  the metadata of the credentials the server may use
//                     (those with origins): service, name, type,
//                     description, origins, expiry;
//   http_request      Store::request: the agent names a credential and
//                     gives method, URL, headers and body; tresor adds the
//                     credential's header, sends it only to the credential's
//                     origins, and returns status, headers and body with the
//                     value replaced by "[REDACTED]".
// The store handle holds only the `metadata` and `use` scopes, so no call an
// agent can make reads a value, even through a bug of this file. `services`
// narrows further: when not empty, only those services are listed or used.
//
// Thread safety: one Server per connection; handle_line() is called for one
// line at a time.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcp/protocol.hpp"
#include "tresor/store.hpp"

namespace tresor::mcp {

class Server {
  public:
    // `store` must hold metadata and use; the server keeps a handle with
    // exactly those.
    Server(const Store& store, std::vector<std::string> services);

    // The answer to one line of the client's (without its newline), as one
    // line of JSON without a newline; nothing for a notification.
    [[nodiscard]] std::optional<std::string> handle_line(std::string_view line);

  private:
    Json initialize(const Json& params);
    Json call_tool(const Json& params);
    Json list_credentials(const Json& arguments);
    Json http_request(const Json& arguments);
    [[nodiscard]] bool exposed(std::string_view service) const;

    Store store_;
    std::vector<std::string> services_;
};

}  // namespace tresor::mcp
