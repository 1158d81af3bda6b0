#include "platform/socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

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
    ucred peer{};
    socklen_t length = sizeof(peer);
    if (::getsockopt(socket_fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0 ||
        length != sizeof(peer)) {
        return false;
    }
    return peer.uid == ::geteuid();
}

}  // namespace tresor::platform
