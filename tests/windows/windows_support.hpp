// tests/windows/windows_support.hpp — what the Windows tests share: a
// temporary folder removed at the end, and a scoped environment variable in
// the C runtime's environment (the one platform/paths_windows.cpp reads).
#pragma once

#include <windows.h>
// after windows.h:
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

namespace tresor::test {

class TempDir {
  public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("tresor-test-" + std::to_string(::GetCurrentProcessId()) + "-" +
                 std::to_string(counter++));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    std::filesystem::path write(const std::string& name, const std::string& content) const {
        const auto file = path_ / name;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << content;
        return file;
    }

  private:
    std::filesystem::path path_;
};

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
