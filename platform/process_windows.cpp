// platform/process.hpp on Windows.
#include <windows.h>

// after windows.h:
#include <shellapi.h>

#include "platform/process.hpp"
#include "platform/utf16_windows.hpp"

namespace tresor::platform {

void forbid_core_dumps() {
    // No Windows Error Reporting dialog (and so no dump it would offer to
    // write or send) when the process crashes.
    ::SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
}

unsigned usable_cpu_count() noexcept {
    const DWORD n = ::GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    return n == 0 ? 1 : static_cast<unsigned>(n);
}

std::vector<std::string> utf8_arguments(int, char**) {
    int count = 0;
    wchar_t** wide = ::CommandLineToArgvW(::GetCommandLineW(), &count);
    std::vector<std::string> args;
    for (int i = 1; wide != nullptr && i < count; ++i) {
        // An unpaired surrogate cannot be UTF-8: U+FFFD keeps the argument
        // count (and so the meaning of the others) intact.
        args.push_back(to_utf8(wide[i]).value_or("\xEF\xBF\xBD"));
    }
    ::LocalFree(wide);
    return args;
}

ProcessIdentity this_process() {
    std::wstring path(32768, L'\0');
    const DWORD n = ::GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
    path.resize(n < path.size() ? n : 0);
    return {0, static_cast<std::uint32_t>(::GetCurrentProcessId()), to_utf8(path).value_or("")};
}

}  // namespace tresor::platform
