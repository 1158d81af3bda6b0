#include "platform/socket.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "platform/file.hpp"
#include "tresor/error.hpp"

namespace tresor::platform {

void prepare_socket_path(const std::filesystem::path& socket_path) {
    (void)check_trusted_folder(socket_path.parent_path(), "socket folder");
    struct stat st {};
    if (::lstat(socket_path.c_str(), &st) != 0) {
        if (errno == ENOENT) {
            return;
        }
        throw_system_error(errno, "cannot inspect " + socket_path.string());
    }
    if (!S_ISSOCK(st.st_mode) || st.st_uid != ::geteuid()) {
        throw tresor::Error(tresor::ErrorCode::permission_denied,
                            socket_path.string() + " exists and is not a socket of this user");
    }
    if (::unlink(socket_path.c_str()) != 0) {
        throw_system_error(errno, "cannot remove the stale socket " + socket_path.string());
    }
}

void restrict_socket_to_owner(const std::filesystem::path& socket_path) {
    if (::chmod(socket_path.c_str(), 0600) != 0) {
        throw_system_error(errno, "cannot restrict " + socket_path.string());
    }
}

bool peer_is_effective_user(int socket_fd) noexcept {
    return peer_uid(socket_fd) == effective_uid();
}

std::optional<std::uint32_t> peer_uid(int socket_fd) noexcept {
    ucred peer{};
    socklen_t length = sizeof(peer);
    if (::getsockopt(socket_fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0 ||
        length != sizeof(peer)) {
        return std::nullopt;
    }
    return peer.uid;
}

std::uint32_t effective_uid() noexcept {
    return ::geteuid();
}

std::string peer_address(int socket_fd) {
    sockaddr_un address{};
    socklen_t length = sizeof(address);
    if (::getpeername(socket_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw_system_error(errno, "cannot read the peer's address");
    }
    const std::size_t prefix = offsetof(sockaddr_un, sun_path);
    if (length <= prefix) {
        return {};
    }
    return std::string(address.sun_path,
                       std::min<std::size_t>(length - prefix, sizeof(address.sun_path)));
}

FileDescriptor listen_on_socket_path(const std::filesystem::path& socket_path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string path = socket_path.string();
    if (path.size() >= sizeof(address.sun_path)) {
        throw Error(ErrorCode::invalid_argument,
                    "socket path " + path + " is longer than a unix socket address allows (" +
                        std::to_string(sizeof(address.sun_path) - 1) + " bytes)");
    }
    std::memcpy(address.sun_path, path.data(), path.size());
    prepare_socket_path(socket_path);
    FileDescriptor fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) {
        throw_system_error(errno, "cannot create a unix socket");
    }
    // Owner-only from the moment it exists, not after a chmod.
    const mode_t old_mask = ::umask(0177);
    const int bound = ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address),
                             static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size()));
    const int bind_error = errno;
    ::umask(old_mask);
    if (bound != 0) {
        throw_system_error(bind_error, "cannot bind " + path);
    }
    if (::listen(fd.get(), SOMAXCONN) != 0) {
        throw_system_error(errno, "cannot listen on " + path);
    }
    return fd;
}

std::optional<FileDescriptor> socket_from_activation() {
    constexpr int kFirstPassed = 3;  // SD_LISTEN_FDS_START
    const char* pid = std::getenv("LISTEN_PID");
    if (pid == nullptr || std::to_string(::getpid()) != pid) {
        return std::nullopt;
    }
    const std::string count = std::getenv("LISTEN_FDS") != nullptr ? std::getenv("LISTEN_FDS") : "";
    for (const char* name : {"LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"}) {
        ::unsetenv(name);
    }
    if (count != "1") {
        throw Error(ErrorCode::invalid_argument,
                    "systemd passed LISTEN_FDS=" + count + "; this service takes one socket");
    }
    int domain = 0, type = 0, listening = 0;
    socklen_t length = sizeof(int);
    const bool stream_listener =
        ::getsockopt(kFirstPassed, SOL_SOCKET, SO_DOMAIN, &domain, &length) == 0 &&
        ::getsockopt(kFirstPassed, SOL_SOCKET, SO_TYPE, &type, &length) == 0 &&
        ::getsockopt(kFirstPassed, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0 &&
        domain == AF_UNIX && type == SOCK_STREAM && listening == 1;
    if (!stream_listener) {
        throw Error(ErrorCode::invalid_argument,
                    "the socket systemd passed is not a listening AF_UNIX stream socket "
                    "(ListenStream=/path in the .socket unit, Accept=no)");
    }
    ::fcntl(kFirstPassed, F_SETFD, FD_CLOEXEC);
    return FileDescriptor(kFirstPassed);
}

namespace {

// The writing end of the listener's stop pipe, for the signal handler.
int stop_pipe = -1;

void request_stop(int) {
    const char byte = 0;
    (void)!::write(stop_pipe, &byte, 1);
}

}  // namespace

ConnectionListener::ConnectionListener(FileDescriptor socket) : socket_(std::move(socket)) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC | O_NONBLOCK) != 0) {
        throw_system_error(errno, "cannot create a pipe");
    }
    signals_ = FileDescriptor(ends[0]);
    stop_pipe = ends[1];
    // A handler rather than a blocked signal: the store's threads (the
    // Secret Service's watchdog) would take a signal blocked here only.
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
}

ConnectionListener::~ConnectionListener() {
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    ::close(stop_pipe);
    stop_pipe = -1;
}

std::optional<FileDescriptor> ConnectionListener::next() {
    for (;;) {
        pollfd fds[2] = {{socket_.get(), POLLIN, 0}, {signals_.get(), POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw_system_error(errno, "cannot wait for connections");
        }
        if (fds[1].revents != 0) {
            return std::nullopt;
        }
        FileDescriptor connection(::accept4(socket_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (connection) {
            return connection;
        }
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        } else if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) {
            throw_system_error(errno, "cannot accept a connection");
        }
    }
}

bool send_all(int socket_fd, std::span<const std::uint8_t> bytes,
              std::chrono::seconds timeout) noexcept {
    const timeval limit{static_cast<time_t>(timeout.count()), 0};
    if (::setsockopt(socket_fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit)) != 0) {
        return false;
    }
    while (!bytes.empty()) {
        const ssize_t n = ::send(socket_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        bytes = bytes.subspan(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace tresor::platform
