// serve/credentials_api.hpp — the JSON API of `tresor serve` (docs/API.md),
// independent of the transport: one request in, one response out.
//
// Routes: POST/GET /api/credentials, GET/PATCH/DELETE /api/credentials/{id},
// POST /api/credentials/{id}/request (the point of use, credentials:use).
// Every route needs a bearer session token (serve/session_tokens.hpp); a
// request runs on a Store handle narrowed to what its token grants
// (credentials:store -> store, credentials:read -> metadata, credentials:use
// -> use), so a value is
// never read back through the API. Responses and errors never hold a value.
//
// Thread safety: handle() may be called from several threads (Store is).
// Creates and updates that arrive together share one durable transaction
// (serve/group_commit.hpp), each answered only once it is committed; ids are
// looked up through an index (serve/credential_ids.hpp), tokens through a
// cache (serve/session_tokens.hpp).
#pragma once

#include <string>
#include <string_view>

#include "serve/credential_ids.hpp"
#include "serve/group_commit.hpp"
#include "serve/session_tokens.hpp"
#include "tresor/store.hpp"

namespace tresor::serve {

struct ApiRequest {
    std::string_view method;  // "GET", "POST", ...
    std::string_view target;  // path and query
    std::string_view authorization;
    std::string_view body;
};

struct ApiResponse {
    int status = 200;
    std::string body;  // JSON; empty for 204
};

class CredentialsApi {
  public:
    // `store` must hold every scope: it checks tokens and looks ids up.
    explicit CredentialsApi(Store store) : store_(std::move(store)), tokens_(store_) {}
    [[nodiscard]] ApiResponse handle(const ApiRequest& request);

  private:
    Store store_;
    TokenCache tokens_;
    IdIndex ids_;
    GroupCommit commits_;
};

}  // namespace tresor::serve
