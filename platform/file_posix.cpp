// platform/file.hpp on POSIX (Linux): openat walks with O_PATH and
// O_NOFOLLOW, and fstat on the descriptors the walk holds.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "platform/file.hpp"
#include "tresor/error.hpp"

namespace tresor::platform {
namespace {

std::string kind_of(mode_t mode) {
    if (S_ISDIR(mode)) {
        return "a directory";
    }
    if (S_ISFIFO(mode)) {
        return "a FIFO";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    if (S_ISCHR(mode) || S_ISBLK(mode)) {
        return "a device";
    }
    if (S_ISLNK(mode)) {
        return "a symlink";
    }
    return "not a regular file";
}

[[noreturn]] void refuse(const std::string& message) {
    throw Error(ErrorCode::permission_denied, message);
}

struct stat stat_of(int fd, const std::string& context) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        throw_system_error(errno, context);
    }
    return st;
}

bool owner_allowed(uid_t uid, Owner owner) {
    return uid == ::geteuid() || (owner == Owner::self_or_root && uid == 0);
}

std::string owner_rule(Owner owner) {
    return owner == Owner::self ? "you (uid " + std::to_string(::geteuid()) + ")"
                                : "root or you (uid " + std::to_string(::geteuid()) + ")";
}

void check_folder(const struct stat& st, const std::filesystem::path& folder, bool last,
                  std::string_view what) {
    const std::string refusing = "refusing " + std::string(what) + ": folder " + folder.string();
    if (!owner_allowed(st.st_uid, Owner::self_or_root)) {
        refuse(refusing + " is owned by uid " + std::to_string(st.st_uid) + ", not by " +
               owner_rule(Owner::self_or_root) + ", who could replace what it holds");
    }
    const bool writable_by_others = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
    const bool sticky = (st.st_mode & S_ISVTX) != 0;
    // A sticky folder that others may write (/tmp, /var/tmp) is shared by
    // design: taking their write access away would break every other user
    // of it, so the safe advice is to move the file, never to chmod.
    if (writable_by_others && last && sticky) {
        refuse(refusing + " is a shared folder (writable by others, sticky, as /tmp is), " +
               "where others could plant files beside it; move it into a folder only you " +
               "can write (mkdir -m 700 DIR)");
    }
    if (writable_by_others && last) {
        refuse(refusing + " is writable by group or others, who could plant or swap files in " +
               "it; use a folder only you can write, or fix with: chmod go-w " + folder.string());
    }
    if (writable_by_others && !sticky) {
        refuse(refusing + " is writable by group or others, who could rename what it holds " +
               "(fix with: chmod go-w " + folder.string() + ")");
    }
}

}  // namespace

FileDescriptor check_trusted_folder(const std::filesystem::path& folder, std::string_view what) {
    std::error_code ec;
    const std::filesystem::path canonical =
        std::filesystem::canonical(folder.empty() ? std::filesystem::path(".") : folder, ec);
    if (ec) {
        throw_system_error(ec.value(),
                           "cannot use " + std::string(what) + ": folder " + folder.string());
    }
    FileDescriptor dir(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) {
        throw_system_error(errno, "cannot open /");
    }
    std::filesystem::path walked = "/";
    check_folder(stat_of(dir.get(), "cannot inspect /"), walked, canonical == walked, what);
    for (auto part = std::next(canonical.begin()); part != canonical.end(); ++part) {
        walked /= *part;
        // O_NOFOLLOW: a component swapped for a symlink after canonical()
        // fails here instead of leading the walk elsewhere.
        FileDescriptor next(
            ::openat(dir.get(), part->c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!next) {
            throw_system_error(errno,
                               "cannot use " + std::string(what) + ": folder " + walked.string());
        }
        check_folder(stat_of(next.get(), "cannot inspect " + walked.string()), walked,
                     walked == canonical, what);
        dir = std::move(next);
    }
    return dir;
}

FileDescriptor open_trusted_file(const std::filesystem::path& path, const TrustRules& rules) {
    const std::string what = std::string(rules.what) + " " + path.string();
    std::filesystem::path target = path;
    if (rules.follow_final_symlink) {
        std::error_code ec;
        target = std::filesystem::canonical(path, ec);
        if (ec) {
            throw_system_error(ec.value(), "cannot open " + what);
        }
    }
    if (!target.has_filename()) {  // "/", "dir/"
        throw Error(ErrorCode::io, "cannot use " + what + ": a directory, not a regular file");
    }
    const FileDescriptor dir = check_trusted_folder(target.parent_path(), what);
    return open_trusted_file_in(dir, target.filename(), rules, path);
}

FileDescriptor open_trusted_file_in(const FileDescriptor& dir, const std::filesystem::path& name,
                                    const TrustRules& rules, const std::filesystem::path& path) {
    const std::string what = std::string(rules.what) + " " + path.string();
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
    FileDescriptor file(::openat(dir.get(), name.c_str(),
                                 O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (!file) {
        if (errno == ELOOP) {
            refuse("refusing " + what + ": it is a symlink (symlinks are refused)");
        }
        throw_system_error(errno, "cannot open " + what);
    }
    const struct stat st = stat_of(file.get(), "cannot inspect " + what);
    if (!S_ISREG(st.st_mode)) {
        throw Error(ErrorCode::io,
                    "cannot use " + what + ": " + kind_of(st.st_mode) + ", not a regular file");
    }
    if (!owner_allowed(st.st_uid, rules.owner)) {
        refuse("refusing " + what + ": owned by uid " + std::to_string(st.st_uid) + ", not by " +
               owner_rule(rules.owner));
    }
    if ((st.st_mode & rules.forbidden_mode) != 0) {
        const bool private_file = (rules.forbidden_mode & 044) != 0;
        refuse("refusing " + what + (private_file ? ": readable or writable" : ": writable") +
               " by group or others (fix with: chmod " + (private_file ? "600 " : "go-w ") +
               path.string() + ")");
    }
    if (rules.max_bytes != 0 && static_cast<std::uint64_t>(st.st_size) > rules.max_bytes) {
        throw Error(ErrorCode::io, "cannot use " + what + ": " + std::to_string(st.st_size) +
                                       " bytes, more than the " + std::to_string(rules.max_bytes) +
                                       " a " + std::string(rules.what) + " may have");
    }
    return file;
}

bool check_private_entry(int dir, const std::filesystem::path& name, mode_t forbidden_mode,
                         std::string_view what) {
    struct stat st {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) {
            return false;
        }
        throw_system_error(errno, "cannot inspect " + std::string(what));
    }
    const std::string refusing = "refusing " + std::string(what) + ": ";
    if (!S_ISREG(st.st_mode)) {
        refuse(refusing + kind_of(st.st_mode) + ", not a regular file; remove it");
    }
    if (!owner_allowed(st.st_uid, Owner::self)) {
        refuse(refusing + "owned by uid " + std::to_string(st.st_uid) + ", not by " +
               owner_rule(Owner::self) +
               "; another user may have planted it: inspect and remove it");
    }
    if ((st.st_mode & forbidden_mode) != 0) {
        refuse(refusing + "readable or writable by group or others; inspect it, then remove it " +
               "or chmod 600 it");
    }
    return true;
}

void write_private_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                        std::string_view what) {
    const std::string label = std::string(what) + " " + path.string();
    if (!path.has_filename()) {
        throw Error(ErrorCode::invalid_argument, "cannot create " + label + ": not a file name");
    }
    const FileDescriptor dir = check_trusted_folder(path.parent_path(), label);
    const FileDescriptor file(::openat(dir.get(), path.filename().c_str(),
                                       O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0600));
    if (!file) {
        throw_system_error(errno, "cannot create " + label);
    }
    try {
        for (std::size_t done = 0; done < bytes.size();) {
            const ssize_t n = ::write(file.get(), bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                throw_system_error(errno, "cannot write " + label);
            }
            done += static_cast<std::size_t>(n);
        }
        // The folder's descriptor is O_PATH, which fsync refuses.
        const FileDescriptor folder(::openat(dir.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (::fsync(file.get()) != 0 || !folder || ::fsync(folder.get()) != 0) {
            throw_system_error(errno, "cannot sync " + label);
        }
    } catch (...) {
        ::unlinkat(dir.get(), path.filename().c_str(), 0);
        throw;
    }
}

void read_bounded(int fd, std::uint64_t max_bytes, const std::string& what,
                  const std::function<void(std::span<const std::uint8_t>)>& sink) {
    std::array<std::uint8_t, 4096> chunk;
    std::uint64_t total = 0;
    struct Wipe {
        std::array<std::uint8_t, 4096>& buffer;
        ~Wipe() { ::explicit_bzero(buffer.data(), buffer.size()); }
    } wipe{chunk};
    for (;;) {
        const ssize_t n = ::read(fd, chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            throw_system_error(errno, "cannot read " + what);
        }
        if (n == 0) {
            return;
        }
        total += static_cast<std::uint64_t>(n);
        if (total > max_bytes) {
            throw Error(ErrorCode::io, "cannot read " + what + ": more than " +
                                           std::to_string(max_bytes) + " bytes");
        }
        sink({chunk.data(), static_cast<std::size_t>(n)});
    }
}

}  // namespace tresor::platform
