// tests/support/temp_dir.hpp — a temporary directory for one test, removed
// with everything in it at the end. Shared by the Linux tests
// (test_support.hpp) and the Windows ones (tests/windows/windows_support.hpp):
// only how the directory is made differs.
#pragma once

#ifdef _WIN32
#include <windows.h>

#include <atomic>
#else
#include <stdlib.h>
#endif

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace tresor::test {

class TempDir {
  public:
    TempDir() {
#ifdef _WIN32
        // mingw's C runtime has no mkdtemp: the process id and a counter
        // keep concurrent tests apart.
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("tresor-test-" + std::to_string(::GetCurrentProcessId()) + "-" +
                 std::to_string(counter++));
        std::filesystem::create_directories(path_);
#else
        std::string pattern =
            (std::filesystem::temp_directory_path() / "tresor-test-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = pattern;
#endif
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const {
        return path_;
    }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
        return path_ / name;
    }

    // Writes a file below the directory and returns its path.
    std::filesystem::path write(const std::string& name, const std::string& content) const {
        const auto file = path_ / name;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << content;
        return file;
    }

  private:
    std::filesystem::path path_;
};

}  // namespace tresor::test
