// platform/exec.hpp on Linux: memfd_create with seals, a pipe sized with
// F_SETPIPE_SZ, execvpe.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "platform/exec.hpp"
#include "tresor/error.hpp"

namespace tresor::platform {
namespace {

void write_all(int fd, std::span<const std::uint8_t> bytes, const std::string& what) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            throw_system_error(errno, "cannot fill " + what);
        }
        bytes = bytes.subspan(static_cast<std::size_t>(n));
    }
}

}  // namespace

FileDescriptor sealed_memory_file(std::span<const std::uint8_t> bytes, std::string_view name) {
    const std::string label(name);
    FileDescriptor fd(::memfd_create(label.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!fd) {
        throw_system_error(errno, "cannot create the memory file for " + label);
    }
    write_all(fd.get(), bytes, "the memory file for " + label);
    // Only the owner may open it again (through /proc/self/fd/N), and only
    // to read: the seals forbid any write, even through this descriptor.
    if (::fchmod(fd.get(), 0400) != 0 ||
        ::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) !=
            0 ||
        ::lseek(fd.get(), 0, SEEK_SET) != 0) {
        throw_system_error(errno, "cannot seal the memory file for " + label);
    }
    return fd;
}

FileDescriptor filled_pipe(std::span<const std::uint8_t> bytes) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) {
        throw_system_error(errno, "cannot create a pipe");
    }
    FileDescriptor reader(ends[0]);
    const FileDescriptor writer(ends[1]);
    // Everything is written before the program starts, so it must fit in
    // the pipe's buffer; a write that would block fails instead of hanging.
    const int capacity = ::fcntl(writer.get(), F_GETPIPE_SZ);
    if (capacity < 0 || static_cast<std::size_t>(capacity) < bytes.size()) {
        const bool fits = bytes.size() <= 0x7fffffff &&
                          ::fcntl(writer.get(), F_SETPIPE_SZ, static_cast<int>(bytes.size())) >= 0;
        if (!fits) {
            throw Error(ErrorCode::invalid_argument, "a secret of " + std::to_string(bytes.size()) +
                                                         " bytes is more than a pipe holds here (" +
                                                         std::to_string(capacity) +
                                                         "; /proc/sys/fs/pipe-max-size)");
        }
    }
    if (::fcntl(writer.get(), F_SETFL, O_NONBLOCK) != 0) {
        throw_system_error(errno, "cannot configure a pipe");
    }
    write_all(writer.get(), bytes, "a pipe");
    return reader;
}

std::string inherited_descriptor_path(int fd) {
    return "/proc/self/fd/" + std::to_string(fd);
}

void inherit_on_exec(int fd) {
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags < 0 || ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) != 0) {
        throw_system_error(errno, "cannot hand descriptor " + std::to_string(fd) + " on");
    }
}

void close_on_exec(int fd) noexcept {
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0) {
        ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
}

int replace_process(const std::vector<char*>& argv, const std::vector<char*>& envp) {
    ::execvpe(argv[0], argv.data(), envp.data());
    return errno;
}

}  // namespace tresor::platform
