// platform/socket.hpp — what `tresor serve` needs from the system for its
// unix socket: a folder only we can reach, a stale socket of ours replaced,
// the socket file made owner-only, and the peer's uid checked on each
// connection (SO_PEERCRED on Linux).
#pragma once

#include <filesystem>

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

}  // namespace tresor::platform
