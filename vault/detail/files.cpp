#include "vault/detail/files.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "vault/detail/crypto.hpp"
#include "vault/detail/record_codec.hpp"

namespace tresor::vault::detail {
namespace {

[[noreturn]] void fail_io(const std::string& what, const std::filesystem::path& path) {
    const int error = errno;
    throw Error(error == EACCES || error == EPERM ? ErrorCode::permission_denied : ErrorCode::io,
                what + " " + path.string() + ": " + std::strerror(error));
}

void fsync_path(const std::filesystem::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        const int error = errno;
        if (fd >= 0) {
            ::close(fd);
        }
        errno = error;
        fail_io("cannot sync", path);
    }
    ::close(fd);
}

void make_private_dirs(const std::filesystem::path& dir) {
    if (dir.empty() || std::filesystem::exists(dir)) {
        return;
    }
    make_private_dirs(dir.parent_path());
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        fail_io("cannot create directory", dir);
    }
}

}  // namespace

PrivateFile::~PrivateFile() {
    if (!published_) {
        // The staging file and any journal SQLite left beside it.
        ::unlink(path.c_str());
        ::unlink((path.string() + "-journal").c_str());
    }
}

void PrivateFile::publish() {
    fsync_path(path, O_RDONLY);
    // renameat2(RENAME_NOREPLACE): two processes creating the vault at once
    // must not replace each other's.
    if (::renameat2(AT_FDCWD, path.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
        fail_io("cannot create vault", target);
    }
    published_ = true;
    fsync_path(target.parent_path().empty() ? "." : target.parent_path(), O_RDONLY | O_DIRECTORY);
}

PrivateFile create_private_file(const std::filesystem::path& target) {
    make_private_dirs(target.parent_path());
    if (std::filesystem::exists(std::filesystem::symlink_status(target))) {
        errno = EEXIST;
        fail_io("cannot create vault", target);
    }
    const std::filesystem::path staging =
        target.parent_path() /
        ("." + target.filename().string() + ".new-" + to_hex(random_bytes(6)));
    const int fd =
        ::open(staging.c_str(), O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
        fail_io("cannot create", staging);
    }
    ::close(fd);
    return PrivateFile(staging, target);
}

void check_private_file(const std::filesystem::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        fail_io("cannot open vault", path);
    }
    if (S_ISLNK(st.st_mode) || !S_ISREG(st.st_mode)) {
        throw Error(
            ErrorCode::permission_denied,
            "refusing vault " + path.string() + ": not a regular file (symlinks are refused)");
    }
    if ((st.st_mode & 077) != 0) {
        throw Error(ErrorCode::permission_denied, "refusing vault " + path.string() +
                                                      ": readable or writable by group or others " +
                                                      "(fix with: chmod 600 " + path.string() +
                                                      ")");
    }
}

}  // namespace tresor::vault::detail
