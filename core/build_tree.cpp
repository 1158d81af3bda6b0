#include "core/build_tree.hpp"

#include <algorithm>
#include <filesystem>

#include "platform/library.hpp"

namespace tresor::core {

bool running_from_build_tree() {
    const auto module_file = platform::this_module_file();
    if (!module_file) {
        return false;
    }
    std::error_code ec;
    const auto module = std::filesystem::weakly_canonical(*module_file, ec);
    const auto build_dir = std::filesystem::weakly_canonical(TRESOR_BUILD_DIR, ec);
    if (ec) {
        return false;
    }
    const auto [end, _] =
        std::mismatch(build_dir.begin(), build_dir.end(), module.begin(), module.end());
    return end == build_dir.end();
}

}  // namespace tresor::core
