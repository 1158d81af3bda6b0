// platform/file_lock.hpp on Windows: LockFileEx on a file in
// %LOCALAPPDATA%\tresor, opened without sharing deletion.
#include <windows.h>

#include <filesystem>

#include "platform/file_lock.hpp"
#include "platform/paths.hpp"
#include "platform/utf16_windows.hpp"
#include "tresor/error.hpp"

namespace tresor::platform {

FileLock::~FileLock() {
    if (handle_ != nullptr) {
        ::CloseHandle(static_cast<HANDLE>(handle_));
    }
}

FileLock lock_user_file(std::string_view name) {
    const auto local = environment_variable("LOCALAPPDATA");
    const auto wide_local = local ? to_utf16(*local) : std::nullopt;
    const auto wide_name = to_utf16(name);
    if (!wide_local || !wide_name) {
        throw Error(ErrorCode::io, "LOCALAPPDATA is not set: no folder for lock files");
    }
    const std::filesystem::path folder = std::filesystem::path(*wide_local) / L"tresor";
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    const std::filesystem::path path = folder / *wide_name;
    const std::string shown = *local + "\\tresor\\" + std::string(name);
    HANDLE file = ::CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE,
                                FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_ALWAYS,
                                FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
    if (file == INVALID_HANDLE_VALUE) {
        throw Error(ErrorCode::io, "cannot open lock file " + shown);
    }
    OVERLAPPED whole{};
    if (!::LockFileEx(file, LOCKFILE_EXCLUSIVE_LOCK, 0, MAXDWORD, MAXDWORD, &whole)) {
        ::CloseHandle(file);
        throw Error(ErrorCode::io, "cannot lock " + shown);
    }
    return FileLock(file);
}

}  // namespace tresor::platform
