// http/client.hpp where the build has no libcurl (Windows): every request
// is refused, saying so.
#include "http/client.hpp"

#include "tresor/error.hpp"

namespace tresor::http {

struct Client::Pool {};

Client::Client(TlsSettings tls) : tls_(std::move(tls)) {}

Client::~Client() = default;

Response Client::perform(const Request&) {
    throw Error(ErrorCode::unavailable, "this build of tresor makes no HTTP requests (no libcurl)");
}

}  // namespace tresor::http
