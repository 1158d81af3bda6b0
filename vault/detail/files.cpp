#include "vault/detail/files.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "platform/file.hpp"

#include "vault/detail/crypto.hpp"
#include "vault/detail/record_codec.hpp"

namespace tresor::vault::detail {
namespace {

using platform::FileDescriptor;
using platform::throw_system_error;

// What SQLite keeps beside a database: a rollback journal or WAL it replays
// on the next open, and the WAL's shared-memory index.
constexpr std::array kSidecarSuffixes = {"-journal", "-wal", "-shm"};

void fsync_path(const std::filesystem::path& path, int flags) {
    const FileDescriptor fd(::open(path.c_str(), flags | O_CLOEXEC));
    if (!fd || ::fsync(fd.get()) != 0) {
        throw_system_error(errno, "cannot sync " + path.string());
    }
}

std::string vault_label(const std::filesystem::path& path) {
    return "vault " + path.string();
}

}  // namespace

void make_private_dirs(const std::filesystem::path& dir) {
    if (dir.empty() || std::filesystem::exists(dir)) {
        return;
    }
    make_private_dirs(dir.parent_path());
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        throw_system_error(errno, "cannot create directory " + dir.string());
    }
}

void replace_private_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                          std::string_view what) {
    std::string staging_name = ".";
    staging_name += path.filename().string();
    staging_name += ".new-" + to_hex(random_bytes(6));
    const std::filesystem::path staging = path.parent_path() / staging_name;
    // Checks the folder, creates the staging file exclusively, fsyncs both.
    platform::write_private_file(staging, bytes, what);
    if (::rename(staging.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(staging.c_str());
        throw_system_error(error, "cannot replace " + std::string(what) + " " + path.string());
    }
    fsync_path(path.parent_path().empty() ? "." : path.parent_path(), O_RDONLY | O_DIRECTORY);
}

FolderLock::FolderLock(const std::filesystem::path& dir, std::string_view what)
    : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) {
    if (fd_ < 0) {
        throw_system_error(errno, "cannot open the folder of " + std::string(what));
    }
    while (::flock(fd_, LOCK_EX) != 0) {
        if (errno != EINTR) {
            const int error = errno;
            ::close(fd_);
            throw_system_error(error, "cannot lock the folder of " + std::string(what));
        }
    }
}

FolderLock::~FolderLock() {
    ::close(fd_);  // releases the lock
}

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
        throw_system_error(errno, "cannot create vault " + target.string());
    }
    published_ = true;
    fsync_path(target.parent_path().empty() ? "." : target.parent_path(), O_RDONLY | O_DIRECTORY);
}

std::filesystem::path resolve_folder(const std::filesystem::path& file) {
    std::error_code ec;
    const std::filesystem::path folder = std::filesystem::canonical(
        file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path(), ec);
    if (ec) {
        throw_system_error(ec.value(), "cannot use vault " + file.string());
    }
    return folder / file.filename();
}

PrivateFile create_private_file(const std::filesystem::path& requested) {
    make_private_dirs(requested.parent_path());
    const std::filesystem::path target = resolve_folder(requested);
    // The folder as it is now, also when it existed before: a vault in a
    // folder others can write to is theirs to replace.
    const FileDescriptor dir =
        platform::check_trusted_folder(target.parent_path(), vault_label(target));
    if (std::filesystem::exists(std::filesystem::symlink_status(target))) {
        throw_system_error(EEXIST, "cannot create vault " + target.string());
    }
    // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, a false
    // positive) on "." + std::string&&.
    std::string staging_name = ".";
    staging_name += target.filename().string();
    staging_name += ".new-" + to_hex(random_bytes(6));
    const std::filesystem::path staging = target.parent_path() / staging_name;
    const FileDescriptor fd(
        ::open(staging.c_str(), O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0600));
    if (!fd) {
        throw_system_error(errno, "cannot create " + staging.string());
    }
    return PrivateFile(staging, target);
}

void check_private_file(const std::filesystem::path& path) {
    const std::string label = vault_label(path);
    // Checked on the descriptor; SQLite then opens the same path again, which
    // nobody else can change once its folder is trusted.
    const FileDescriptor dir = platform::check_trusted_folder(path.parent_path(), label);
    (void)platform::open_trusted_file_in(
        dir, path.filename(),
        {.what = "vault", .owner = platform::Owner::self, .forbidden_mode = 077}, path);
    // SQLite replays a hot journal or WAL on open, even for a read: one that
    // we did not write would rewrite the vault.
    for (const char* suffix : kSidecarSuffixes) {
        const std::filesystem::path sidecar = path.filename().string() + suffix;
        (void)platform::check_private_entry(
            dir.get(), sidecar, 077,
            label + "'s " + (suffix + 1) + " file " + (path.parent_path() / sidecar).string());
    }
}

}  // namespace tresor::vault::detail
