// platform/file.hpp's parts that are the same everywhere: the owning
// descriptor (a POSIX descriptor, or on Windows a C runtime descriptor that
// wraps a handle, closed by the same close()) and the errno translator.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/file.hpp"
#include "tresor/error.hpp"

namespace tresor::platform {

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = other.release();
    }
    return *this;
}

FileDescriptor::~FileDescriptor() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

int FileDescriptor::release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

void throw_system_error(int error, const std::string& context) {
    const ErrorCode code =
        error == EACCES || error == EPERM ? ErrorCode::permission_denied : ErrorCode::io;
    throw Error(code, context + ": " + std::strerror(error));
}

}  // namespace tresor::platform
