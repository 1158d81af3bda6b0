// Secret's storage is Botan's secure memory: mlock'ed pool where possible,
// excluded from core dumps, zeroed before release.
#include <botan/mem_ops.h>

#include "tresor/secret.hpp"

namespace tresor {
namespace detail {

void* secure_allocate(std::size_t bytes) {
    return Botan::allocate_memory(bytes, 1);
}

void secure_deallocate(void* p, std::size_t bytes) noexcept {
    Botan::deallocate_memory(p, bytes, 1);
}

}  // namespace detail

bool Secret::equals(std::span<const std::uint8_t> other) const noexcept {
    // The length is not secret; the content is compared in constant time.
    return other.size() == bytes_.size() &&
           Botan::constant_time_compare(bytes_.data(), other.data(), bytes_.size());
}

}  // namespace tresor
