// platform/secure_memory.hpp with Botan (Linux): Secret's storage is Botan's
// secure memory, an mlock'ed pool where possible, excluded from core dumps,
// zeroed before release.
#include <botan/mem_ops.h>

#include "platform/secure_memory.hpp"
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

namespace platform {

void wipe(void* data, std::size_t size) noexcept {
    Botan::secure_scrub_memory(data, size);
}

bool constant_time_equal(const std::uint8_t* a, const std::uint8_t* b, std::size_t size) noexcept {
    return Botan::constant_time_compare(a, b, size);
}

}  // namespace platform
}  // namespace tresor
