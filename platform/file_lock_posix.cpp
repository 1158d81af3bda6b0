// platform/file_lock.hpp on POSIX: flock on a file in the runtime folder.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>

#include "platform/file.hpp"
#include "platform/file_lock.hpp"
#include "platform/paths.hpp"
#include "tresor/error.hpp"

namespace tresor::platform {
namespace {

std::filesystem::path lock_folder() {
    if (const auto runtime = trusted_environment_variable("XDG_RUNTIME_DIR")) {
        return std::filesystem::path(*runtime) / "tresor";
    }
    if (const auto home = trusted_environment_variable("HOME")) {
        return std::filesystem::path(*home) / ".cache" / "tresor";
    }
    throw Error(ErrorCode::io, "neither XDG_RUNTIME_DIR nor HOME is set: no folder for lock files");
}

}  // namespace

FileLock::~FileLock() {
    if (handle_ != nullptr) {
        ::close(static_cast<int>(reinterpret_cast<std::intptr_t>(handle_)) - 1);
    }
}

FileLock lock_user_file(std::string_view name) {
    const std::filesystem::path folder = lock_folder();
    const std::filesystem::path path = folder / name;
    if (::mkdir(folder.parent_path().c_str(), 0700) != 0 && errno != EEXIST) {
        throw_system_error(errno, "cannot make folder " + folder.parent_path().string());
    }
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
        throw_system_error(errno, "cannot make folder " + folder.string());
    }
    const FileDescriptor dir = check_trusted_folder(folder, "lock file");
    const std::string file(name);
    FileDescriptor fd(
        ::openat(dir.get(), file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) {
        throw_system_error(errno, "cannot open lock file " + path.string());
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        throw_system_error(errno, "cannot inspect lock file " + path.string());
    }
    if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) {
        throw Error(ErrorCode::permission_denied,
                    "lock file " + path.string() +
                        " is not a regular file of this user with mode 0600; remove it");
    }
    while (::flock(fd.get(), LOCK_EX) != 0) {
        if (errno != EINTR) {
            throw_system_error(errno, "cannot lock " + path.string());
        }
    }
    // The descriptor + 1, so that descriptor 0 is not the null handle.
    return FileLock(reinterpret_cast<void*>(static_cast<std::intptr_t>(fd.release()) + 1));
}

}  // namespace tresor::platform
