#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "http/loopback_listener.hpp"

namespace tresor::http {
namespace {

constexpr std::size_t kMaxHeadBytes = 8 * 1024;
// A connection gets this long to send its head: a browser's idle
// preconnect, or a local process holding one open, must not keep the login
// from the real redirect.
constexpr std::chrono::milliseconds kHeadTimeout{3'000};

using Clock = std::chrono::steady_clock;

// Waits for `events` on `fd` until `deadline`: false once it has passed.
bool wait_for(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            return false;
        }
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 60'000)));
        if (n > 0) {
            return true;
        }
        if (n < 0 && errno != EINTR) {
            platform::throw_system_error(errno, "loopback redirect listener: poll");
        }
    }
}

// The size of the request head in `bytes` through its empty line (CR LF
// CR LF, or LF LF), or 0 while it has not ended.
std::size_t head_size(const SecureBytes& bytes) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const std::size_t crlf = text.find("\r\n\r\n");
    const std::size_t lf = text.find("\n\n");
    std::size_t end = crlf == std::string_view::npos ? 0 : crlf + 4;
    if (lf != std::string_view::npos && (end == 0 || lf + 2 < end)) {
        end = lf + 2;
    }
    return end;
}

// The head of the request on `fd`, or nullopt when it is not whole by
// `deadline`, is too long or the peer closed first.
std::optional<SecureBytes> read_head(int fd, Clock::time_point deadline) {
    SecureBytes bytes;
    std::uint8_t chunk[1024];
    while (bytes.size() < kMaxHeadBytes) {
        if (!wait_for(fd, POLLIN, deadline)) {
            return std::nullopt;
        }
        const ssize_t n =
            ::recv(fd, chunk, std::min(sizeof(chunk), kMaxHeadBytes - bytes.size()), 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return std::nullopt;
        }
        bytes.insert(bytes.end(), chunk, chunk + n);
        if (const std::size_t size = head_size(bytes); size != 0) {
            bytes.resize(size);
            return bytes;
        }
    }
    return std::nullopt;
}

}  // namespace

LoopbackListener::LoopbackListener() {
    socket_ = platform::FileDescriptor(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!socket_) {
        platform::throw_system_error(errno, "loopback redirect listener: socket");
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;  // RFC 8252 §7.3: any free port
    if (::bind(socket_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(socket_.get(), 8) != 0) {
        platform::throw_system_error(errno, "loopback redirect listener: bind 127.0.0.1");
    }
    socklen_t length = sizeof(address);
    if (::getsockname(socket_.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        platform::throw_system_error(errno, "loopback redirect listener: getsockname");
    }
    port_ = ntohs(address.sin_port);
}

std::optional<LoopbackRequest> LoopbackListener::next(Clock::time_point deadline) {
    while (wait_for(socket_.get(), POLLIN, deadline)) {
        platform::FileDescriptor connection(
            ::accept4(socket_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!connection) {
            if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN) {
                continue;
            }
            platform::throw_system_error(errno, "loopback redirect listener: accept");
        }
        const Clock::time_point head_deadline = std::min(deadline, Clock::now() + kHeadTimeout);
        if (std::optional<SecureBytes> head = read_head(connection.get(), head_deadline)) {
            return LoopbackRequest(std::move(connection), std::move(*head));
        }
    }
    return std::nullopt;
}

void LoopbackRequest::respond(int status, std::string_view page) noexcept {
    try {
        const std::string reason = status == 200   ? "OK"
                                   : status == 404 ? "Not Found"
                                                   : "Bad Request";
        std::string answer = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                             "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
                             std::to_string(page.size()) +
                             "\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n"
                             "Connection: close\r\n\r\n";
        answer.append(page);
        std::size_t sent = 0;
        const Clock::time_point deadline = Clock::now() + kHeadTimeout;
        while (sent < answer.size() && wait_for(connection_.get(), POLLOUT, deadline)) {
            const ssize_t n =
                ::send(connection_.get(), answer.data() + sent, answer.size() - sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                break;
            }
            sent += static_cast<std::size_t>(n);
        }
        ::shutdown(connection_.get(), SHUT_WR);
    } catch (...) {
        // The browser's page is a courtesy; the login's outcome does not depend on it.
    }
    connection_ = platform::FileDescriptor();
}

}  // namespace tresor::http
