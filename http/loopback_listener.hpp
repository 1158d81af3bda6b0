// http/loopback_listener.hpp — the redirect URI of a native app's login
// (RFC 8252 §7.3): a TCP socket on 127.0.0.1, on a port the system picks,
// that takes one HTTP request head at a time and answers it with a small
// page. Any local process may connect: the caller judges every request
// (core/oauth2_redirect.hpp); this only bounds what it reads and how long
// it waits.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "platform/file.hpp"
#include "tresor/secret.hpp"

namespace tresor::http {

// One connection to the listener, and the request head it sent.
class LoopbackRequest {
  public:
    LoopbackRequest(platform::FileDescriptor connection, SecureBytes head) noexcept
        : connection_(std::move(connection)), head_(std::move(head)) {}
    [[nodiscard]] const SecureBytes& head() const noexcept { return head_; }
    // Sends `status` with an HTML `page` and closes the connection
    // (failures to send are ignored: the browser may be gone).
    void respond(int status, std::string_view page) noexcept;

  private:
    platform::FileDescriptor connection_;
    SecureBytes head_;
};

class LoopbackListener {
  public:
    // Listens on 127.0.0.1 on a free port. Throws Error{io}.
    LoopbackListener();
    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
    // The next request head (up to 8 KiB), or nullopt once `deadline` has
    // passed. A connection that sends no whole head within a few seconds,
    // or more than the limit, is closed and the next one is waited for.
    [[nodiscard]] std::optional<LoopbackRequest> next(
        std::chrono::steady_clock::time_point deadline);

  private:
    platform::FileDescriptor socket_;
    std::uint16_t port_ = 0;
};

}  // namespace tresor::http
