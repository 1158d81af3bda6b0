// platform/handle_windows.hpp — an owned Win32 handle, closed once; shared
// by the Windows platform files. Windows only.
#pragma once

#include <windows.h>

namespace tresor::platform {

class OwnedHandle {
  public:
    explicit OwnedHandle(HANDLE h) noexcept : h_(h) {}
    ~OwnedHandle() {
        if (h_ != INVALID_HANDLE_VALUE && h_ != nullptr) {
            ::CloseHandle(h_);
        }
    }
    OwnedHandle(const OwnedHandle&) = delete;
    OwnedHandle& operator=(const OwnedHandle&) = delete;

    [[nodiscard]] HANDLE get() const noexcept { return h_; }
    [[nodiscard]] explicit operator bool() const noexcept {
        return h_ != INVALID_HANDLE_VALUE && h_ != nullptr;
    }
    // Gives up ownership (to a C runtime descriptor, for instance).
    HANDLE release() noexcept {
        const HANDLE h = h_;
        h_ = INVALID_HANDLE_VALUE;
        return h;
    }

  private:
    HANDLE h_;
};

}  // namespace tresor::platform
