// tests/windows/windows_support.hpp — what the Windows tests share: a
// temporary folder removed at the end (tests/support/temp_dir.hpp), and a
// scoped environment variable in the C runtime's environment (the one
// platform/paths_windows.cpp reads).
#pragma once

#include <windows.h>
// after windows.h:
#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>

#include "support/temp_dir.hpp"

namespace tresor::test {

class ScopedEnv {
  public:
    ScopedEnv(std::wstring name, const std::optional<std::wstring>& value)
        : name_(std::move(name)) {
        if (const wchar_t* old = ::_wgetenv(name_.c_str())) {
            old_ = old;
        }
        ::_wputenv_s(name_.c_str(), value ? value->c_str() : L"");
    }
    ~ScopedEnv() { ::_wputenv_s(name_.c_str(), old_ ? old_->c_str() : L""); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    std::wstring name_;
    std::optional<std::wstring> old_;
};

inline std::filesystem::path test_plugin(const std::string& name) {
    return std::filesystem::path(TRESOR_TEST_PLUGIN_DIR) / ("tresor-" + name + ".dll");
}

inline std::filesystem::path build_plugin(const std::string& name) {
    return std::filesystem::path(TRESOR_TEST_BINARY_DIR) / "plugins" / ("tresor-" + name + ".dll");
}

}  // namespace tresor::test
