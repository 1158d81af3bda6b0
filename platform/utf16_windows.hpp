// platform/utf16_windows.hpp — UTF-8 <-> UTF-16 for the Windows API, shared by
// the Windows platform files and the wincred plugin (header-only: a plugin
// links nothing from the host). Windows only.
//
// Invalid UTF-8 (or unpaired UTF-16 surrogates) is refused, never replaced:
// two different names must not silently become the same Windows name.
#pragma once

#include <windows.h>

#include <optional>
#include <string>
#include <string_view>

namespace tresor::platform {

// Empty for text that is not valid UTF-8.
inline std::optional<std::wstring> to_utf16(std::string_view text) {
    if (text.empty()) {
        return std::wstring();
    }
    const int size = ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(),
                                           static_cast<int>(text.size()), nullptr, 0);
    if (size <= 0) {
        return std::nullopt;
    }
    std::wstring out(static_cast<std::size_t>(size), L'\0');
    ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), static_cast<int>(text.size()),
                          out.data(), size);
    return out;
}

// Empty for text that is not valid UTF-16.
inline std::optional<std::string> to_utf8(std::wstring_view text) {
    if (text.empty()) {
        return std::string();
    }
    const int size =
        ::WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, text.data(),
                              static_cast<int>(text.size()), nullptr, 0, nullptr, nullptr);
    if (size <= 0) {
        return std::nullopt;
    }
    std::string out(static_cast<std::size_t>(size), '\0');
    ::WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, text.data(), static_cast<int>(text.size()),
                          out.data(), size, nullptr, nullptr);
    return out;
}

// The system's text for a GetLastError() code, without its trailing newline.
inline std::string windows_error_text(DWORD error) {
    wchar_t* buffer = nullptr;
    const DWORD length = ::FormatMessageW(
        FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
        nullptr, error, 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
    std::string text;
    if (length > 0 && buffer != nullptr) {
        text = to_utf8(std::wstring_view(buffer, length)).value_or("");
    }
    ::LocalFree(buffer);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                             text.back() == '.')) {
        text.pop_back();
    }
    return (text.empty() ? "error" : text) + " (Windows error " + std::to_string(error) + ")";
}

}  // namespace tresor::platform
