// platform/file.hpp — the files tresor reads and trusts.
//
// One owning descriptor type, one translator from an operating-system error
// to tresor::Error, and the checks that decide whether another local user
// could have written (or swapped) what tresor is about to use: a config
// file, a plugin, a vault, a password or key file. Every check is made on
// the descriptor that is then used, never on a path that is opened again;
// folders are walked one descriptor at a time from "/", so a symlink or a
// rename racing the walk cannot redirect it (docs/SECURITY.md).
//
// Thread safety: free functions are reentrant; a FileDescriptor is owned by
// one thread at a time. Nothing here ever holds a secret beyond a call:
// read_bounded wipes its buffer.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace tresor::platform {

// Owns a file descriptor and closes it once; move-only.
class FileDescriptor {
  public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
    FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
    FileDescriptor& operator=(FileDescriptor&& other) noexcept;
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor();

    [[nodiscard]] int get() const noexcept { return fd_; }
    [[nodiscard]] explicit operator bool() const noexcept { return fd_ >= 0; }
    int release() noexcept;

  private:
    int fd_ = -1;
};

// Throws tresor::Error for a failed system call: "CONTEXT: strerror(error)",
// with the code that the error number means (EACCES/EPERM:
// permission_denied, anything else: io).
[[noreturn]] void throw_system_error(int error, const std::string& context);

// Who may own a file or folder that tresor trusts.
enum class Owner {
    self,          // the effective uid only (a vault, its journal)
    self_or_root,  // also root (a config in /etc, an installed plugin)
};

struct TrustRules {
    std::string_view what;  // for messages: "vault", "config file", "plugin"
    Owner owner = Owner::self_or_root;
    mode_t forbidden_mode = 022;        // permission bits nobody but the owner may have
    bool follow_final_symlink = false;  // the file itself may be a symlink (its target is checked)
    std::uint64_t max_bytes = 0;        // refuse a larger file; 0: any size
};

// Opens `path` for reading after check_trusted_folder(its folder), without
// following a final symlink unless the rules allow it and without blocking
// (a FIFO is refused, never waited on). Then checks, on the descriptor, that
// it is a regular file owned as the rules say, without forbidden mode bits,
// and not larger than max_bytes. Throws Error{permission_denied} naming the
// file and the command that fixes it, Error{io} with the reason otherwise.
[[nodiscard]] FileDescriptor open_trusted_file(const std::filesystem::path& path,
                                               const TrustRules& rules);

// The same checks for the entry `name` of a folder already checked with
// check_trusted_folder (`dir`); `path` names it in messages.
[[nodiscard]] FileDescriptor open_trusted_file_in(const FileDescriptor& dir,
                                                  const std::filesystem::path& name,
                                                  const TrustRules& rules,
                                                  const std::filesystem::path& path);

// Like ssh's StrictModes: throws Error{permission_denied} unless every folder
// from "/" to `folder` is owned by root or the effective uid, the last one is
// writable by its owner only, and every one above it is writable by its owner
// only or sticky (as /tmp is: others cannot rename what they do not own).
// Returns a descriptor (O_PATH) of `folder` as checked.
FileDescriptor check_trusted_folder(const std::filesystem::path& folder, std::string_view what);

// Throws Error{permission_denied} unless the entry `name` in the folder `dir`,
// if present, is a regular file (not a symlink) owned by the effective uid
// with none of `forbidden_mode`; returns false when it does not exist.
bool check_private_entry(int dir, const std::filesystem::path& name, mode_t forbidden_mode,
                         std::string_view what);

// Creates `path` (mode 0600, never through a symlink, never over an existing
// file) in a trusted folder, writes `bytes`, fsyncs it and its folder. On any
// failure nothing is left at `path` and Error says why: a partial key file
// must not be taken for a whole one.
void write_private_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                        std::string_view what);

// Reads fd to its end, handing each chunk to `sink`, and throws Error{io}
// when more than max_bytes arrive (a /dev/zero must not fill memory) or the
// read fails. The chunk buffer is wiped before returning or throwing.
void read_bounded(int fd, std::uint64_t max_bytes, const std::string& what,
                  const std::function<void(std::span<const std::uint8_t>)>& sink);

}  // namespace tresor::platform
