// platform/file_lock.hpp — an exclusive lock shared by every process of the
// user, held while a FileLock lives: what makes concurrent tresor processes
// renew an oauth2 token once (core/oauth2.hpp).
//
// The lock file is `name` in the user's runtime folder, made owner-only if
// missing: $XDG_RUNTIME_DIR/tresor, or ~/.cache/tresor without one
// (%LOCALAPPDATA%\tresor on Windows). The folder passes check_trusted_folder
// and the file is opened without following a symlink and checked on its
// descriptor (a regular file of the user's, 0600), so another user can
// neither hold the lock nor point it elsewhere.
#pragma once

#include <string_view>

namespace tresor::platform {

class FileLock {
  public:
    explicit FileLock(void* handle) noexcept : handle_(handle) {}
    FileLock(FileLock&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    FileLock& operator=(FileLock&&) = delete;
    ~FileLock();

  private:
    void* handle_;
};

// Blocks until the lock is held. Throws Error{permission_denied} for a folder
// or file another user could change, Error{io} when it cannot be made.
[[nodiscard]] FileLock lock_user_file(std::string_view name);

}  // namespace tresor::platform
