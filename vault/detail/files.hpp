// vault/detail/files.hpp — the vault file's place on disk: a 0700 directory,
// a 0600 file created exclusively (never through a symlink), and the refusal
// of a vault that another user could read, replace or rewrite: through its
// mode, its owner, its folder, or a journal planted beside it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

namespace tresor::vault::detail {

// A new, empty 0600 file beside target, renamed onto target by publish().
class PrivateFile {
  public:
    std::filesystem::path path;    // the staging file
    std::filesystem::path target;  // where publish() puts it

    PrivateFile(std::filesystem::path staging, std::filesystem::path final_path)
        : path(std::move(staging)), target(std::move(final_path)) {}
    ~PrivateFile();
    PrivateFile(const PrivateFile&) = delete;
    PrivateFile& operator=(const PrivateFile&) = delete;

    // fsyncs the file, renames it onto target (failing if target exists) and
    // fsyncs the directory, so the new vault survives a crash right after.
    void publish();

  private:
    bool published_ = false;
};

// The file's path with its folder resolved, so that no symlink is left in
// it: SQLite opens the vault by path after the checks, and a symlink in a
// folder that the checks never walked could be swapped in between.
[[nodiscard]] std::filesystem::path resolve_folder(const std::filesystem::path& file);

// Creates target's missing directories with mode 0700 and a staging file.
// Throws Error{io} if target already exists, Error{permission_denied} if its
// folder is not trusted (platform::check_trusted_folder).
[[nodiscard]] PrivateFile create_private_file(const std::filesystem::path& target);

// Creates dir and its missing parents with mode 0700 (existing ones are
// left as they are, and judged by whoever opens what is in them).
void make_private_dirs(const std::filesystem::path& dir);

// Replaces (or creates) the 0600 file at path with `bytes` atomically: a
// staging file beside it (O_EXCL), fsynced, renamed over path, the folder
// fsynced. The folder must pass platform::check_trusted_folder; a crash
// leaves the old file or the new one.
void replace_private_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                          std::string_view what);

// An exclusive lock (flock) on a trusted folder, held while it lives: the
// read-modify-write of a state file in it by processes at once.
class FolderLock {
  public:
    FolderLock(const std::filesystem::path& dir, std::string_view what);
    ~FolderLock();
    FolderLock(const FolderLock&) = delete;
    FolderLock& operator=(const FolderLock&) = delete;

  private:
    int fd_ = -1;
};

// Throws Error{permission_denied}, saying what to fix, unless path is a
// regular file (not a symlink) owned by the effective uid that only its owner
// may read or write, in a trusted folder, and any -journal, -wal or -shm file
// beside it (which SQLite would replay on open) is one too.
void check_private_file(const std::filesystem::path& path);

}  // namespace tresor::vault::detail
