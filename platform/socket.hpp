// platform/socket.hpp — what `tresor serve` and `tresor credential-socket`
// need from the system for their unix sockets: a folder only we can reach, a
// stale socket of ours replaced, the socket file made owner-only, a socket
// passed by systemd's socket activation, and the peer's uid (SO_PEERCRED on
// Linux) and bound address on each connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "platform/file.hpp"

namespace tresor::platform {

// Checks the folder like check_trusted_folder, then removes `socket_path` if
// it is a socket owned by the effective uid (left by a server that died);
// throws Error{permission_denied} when it is anything else.
void prepare_socket_path(const std::filesystem::path& socket_path);

// chmod 0600 on the bound socket: connecting needs write permission.
void restrict_socket_to_owner(const std::filesystem::path& socket_path);

// Does the process at the other end of this connected unix socket run as
// the effective uid? False when the kernel cannot say.
[[nodiscard]] bool peer_is_effective_user(int socket_fd) noexcept;

// The uid of the process at the other end; empty when the kernel cannot say.
[[nodiscard]] std::optional<std::uint32_t> peer_uid(int socket_fd) noexcept;
[[nodiscard]] std::uint32_t effective_uid() noexcept;

// The address the peer bound, as getpeername(2) gives its sun_path (its
// length included: an abstract address starts with a NUL); empty when it
// bound none.
[[nodiscard]] std::string peer_address(int socket_fd);

// A listening stream socket at `socket_path` (prepare_socket_path first),
// mode 0600 from the start. Throws Error.
[[nodiscard]] FileDescriptor listen_on_socket_path(const std::filesystem::path& socket_path);

// The one listening AF_UNIX stream socket systemd passed (LISTEN_PID is
// this process, LISTEN_FDS=1, descriptor 3), checked on the descriptor;
// empty when none was passed. Throws Error{invalid_argument} when another
// number or kind of socket was. Unsets the LISTEN_* variables.
[[nodiscard]] std::optional<FileDescriptor> socket_from_activation();

// Accepts connections on a listening socket until SIGTERM or SIGINT, which
// it takes from their default action for its lifetime.
class ConnectionListener {
  public:
    explicit ConnectionListener(FileDescriptor socket);
    ~ConnectionListener();
    ConnectionListener(const ConnectionListener&) = delete;
    ConnectionListener& operator=(const ConnectionListener&) = delete;

    // The next connection; empty once a stop signal arrived. A failed
    // accept (a peer gone, descriptors exhausted) is skipped after a pause.
    [[nodiscard]] std::optional<FileDescriptor> next();

  private:
    FileDescriptor socket_;
    FileDescriptor signals_;
};

// Sends all of bytes, waiting at most `timeout` for the peer to take them.
// False when it does not, closes or fails (never SIGPIPE).
[[nodiscard]] bool send_all(int socket_fd, std::span<const std::uint8_t> bytes,
                            std::chrono::seconds timeout) noexcept;

}  // namespace tresor::platform
