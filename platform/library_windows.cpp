// platform/library.hpp on Windows: LoadLibraryExW on the file whose handle
// the trust checks were made on. That handle is held without
// FILE_SHARE_WRITE or FILE_SHARE_DELETE from the checks until the process
// ends, so the file cannot be changed or swapped between the checks and the
// load (or after); the module loaded is then confirmed to be that very file
// (same volume and file index). Libraries are never freed.
#include <windows.h>
// after windows.h:
#include <io.h>

#include <map>
#include <mutex>
#include <tuple>

#include "platform/handle_windows.hpp"
#include "platform/library.hpp"
#include "platform/utf16_windows.hpp"
#include "tresor/error.hpp"

namespace tresor::platform {
namespace {

using FileIdentity = std::tuple<DWORD, DWORD, DWORD>;  // volume, file index high, low

FileIdentity identity_of(HANDLE h, const std::filesystem::path& file) {
    BY_HANDLE_FILE_INFORMATION info{};
    if (::GetFileInformationByHandle(h, &info) == 0) {
        throw Error(ErrorCode::plugin_abi, "cannot inspect plugin " + file.string() + ": " +
                                               windows_error_text(::GetLastError()));
    }
    return {info.dwVolumeSerialNumber, info.nFileIndexHigh, info.nFileIndexLow};
}

// The file a loaded module was mapped from, opened to read its identity.
FileIdentity identity_of_module(HMODULE module, const std::filesystem::path& file) {
    std::wstring name(32768, L'\0');
    const DWORD n = ::GetModuleFileNameW(module, name.data(), static_cast<DWORD>(name.size()));
    name.resize(n);
    const OwnedHandle h(::CreateFileW(name.c_str(), FILE_READ_ATTRIBUTES,
                                      FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                      nullptr, OPEN_EXISTING, 0, nullptr));
    if (n == 0 || !h) {
        throw Error(ErrorCode::plugin_abi,
                    "cannot confirm which file was loaded for plugin " + file.string());
    }
    return identity_of(h.get(), file);
}

}  // namespace

void* load_library_once(FileDescriptor& fd, const std::filesystem::path& file) {
    const auto handle = reinterpret_cast<HANDLE>(::_get_osfhandle(fd.get()));
    const FileIdentity id = identity_of(handle, file);
    static std::mutex mutex;
    static std::map<FileIdentity, HMODULE> loaded;
    const std::lock_guard lock(mutex);
    if (const auto it = loaded.find(id); it != loaded.end()) {
        return reinterpret_cast<void*>(it->second);  // fd closes; the first load keeps its own
    }
    // The full path, and dependencies looked up beside the plugin first
    // (LOAD_WITH_ALTERED_SEARCH_PATH), never in the current folder's DLLs.
    const std::filesystem::path absolute = std::filesystem::absolute(file);
    const UINT old_mode = ::SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX);
    HMODULE module = ::LoadLibraryExW(absolute.c_str(), nullptr, LOAD_WITH_ALTERED_SEARCH_PATH);
    const DWORD error = ::GetLastError();
    ::SetErrorMode(old_mode);
    if (module == nullptr) {
        throw Error(ErrorCode::plugin_abi,
                    "cannot load plugin " + file.string() + ": " + windows_error_text(error));
    }
    if (identity_of_module(module, file) != id) {
        throw Error(ErrorCode::plugin_abi, "refusing plugin " + file.string() +
                                               ": the file loaded is not the one checked");
    }
    // Kept open (and so unchangeable) for as long as the module stays
    // loaded: for the life of the process.
    (void)fd.release();
    loaded.emplace(id, module);
    return reinterpret_cast<void*>(module);
}

void* find_library_symbol(void* library, const char* symbol) {
    return reinterpret_cast<void*>(::GetProcAddress(static_cast<HMODULE>(library), symbol));
}

std::optional<std::filesystem::path> this_module_file() {
    HMODULE module = nullptr;
    if (::GetModuleHandleExW(
            GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
            reinterpret_cast<LPCWSTR>(&this_module_file), &module) == 0) {
        return std::nullopt;
    }
    std::wstring name(32768, L'\0');
    const DWORD n = ::GetModuleFileNameW(module, name.data(), static_cast<DWORD>(name.size()));
    if (n == 0) {
        return std::nullopt;
    }
    name.resize(n);
    return std::filesystem::path(name);
}

}  // namespace tresor::platform
