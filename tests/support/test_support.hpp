// tests/support/test_support.hpp — small helpers shared by the tests: a
// temporary directory removed at the end, a scoped environment variable, and
// the paths of the build tree. TempDir itself is in temp_dir.hpp, shared
// with the Windows tests.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>

#include "support/temp_dir.hpp"

namespace tresor::test {

// Sets (or unsets, with nullopt) an environment variable for one scope.
class ScopedEnv {
  public:
    ScopedEnv(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
        if (const char* old = ::getenv(name_.c_str())) {
            old_ = old;
        }
        if (value) {
            ::setenv(name_.c_str(), value->c_str(), 1);
        } else {
            ::unsetenv(name_.c_str());
        }
    }
    ~ScopedEnv() {
        if (old_) {
            ::setenv(name_.c_str(), old_->c_str(), 1);
        } else {
            ::unsetenv(name_.c_str());
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    std::string name_;
    std::optional<std::string> old_;
};

inline std::filesystem::path build_dir() {
    return TRESOR_TEST_BINARY_DIR;
}
inline std::filesystem::path test_plugin(const std::string& name) {
    return build_dir() / "test-plugins" / ("tresor-" + name + ".so");
}

// A chain of one memory backend, "mem": the Store of a test that is about
// the Store itself, not about a backend.
inline constexpr const char* kMemoryConfig = R"(
[backend.mem]
plugin = "memory"
)";

}  // namespace tresor::test
