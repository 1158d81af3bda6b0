// Windows: no loopback redirect listener yet (nor token requests: the HTTP
// client is not built there, http/client_unavailable.cpp).
#include "http/loopback_listener.hpp"

#include "tresor/error.hpp"

namespace tresor::http {

LoopbackListener::LoopbackListener() {
    throw Error(ErrorCode::unavailable,
                "a login with a loopback redirect is not built for Windows yet");
}

std::optional<LoopbackRequest> LoopbackListener::next(std::chrono::steady_clock::time_point) {
    return std::nullopt;
}

void LoopbackRequest::respond(int, std::string_view) noexcept {}

}  // namespace tresor::http
