// The part of platform/secure_memory.hpp that is the same everywhere.
#include "platform/secure_memory.hpp"

namespace tresor::platform {

bool constant_time_equal(const std::uint8_t* a, const std::uint8_t* b, std::size_t size) noexcept {
    // volatile: the compiler may not stop at the first difference.
    volatile std::uint8_t difference = 0;
    for (std::size_t i = 0; i < size; ++i) {
        difference = difference | static_cast<std::uint8_t>(a[i] ^ b[i]);
    }
    return difference == 0;
}

}  // namespace tresor::platform
