// platform/secure_memory.hpp with Botan (Linux): Secret's storage is Botan's
// secure memory, an mlock'ed pool where possible, excluded from core dumps,
// zeroed before release.
#include <botan/mem_ops.h>
#include <botan/secmem.h>

#include <cstdlib>

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

// Botan 2 makes its pool of locked memory when the first secret is
// allocated, one page at a time: each page mapped with two guard pages,
// zeroed, mlocked and marked MADV_DONTDUMP, and at exit scrubbed, unlocked
// and unmapped. Its default of 512 KiB is 128 pages, about 1300 system calls:
// most of what a short `tresor get` spends (docs/PERFORMANCE.md). The pool
// serves only allocations of 16 to 256 bytes, in 12 size classes of one page
// or more each; anything else is heap memory Botan zeroes on free either
// way. One page per class, 48 KiB, holds every key, MAC and short secret of
// one process. Botan reads the size from BOTAN_MLOCK_POOL_SIZE once, when
// the pool is made, so the variable is set for that moment only (a child of
// `tresor exec` never inherits it), and a value the user set wins.
void size_secure_memory_pool() {
    constexpr const char* kVariable = "BOTAN_MLOCK_POOL_SIZE";
    constexpr const char* kOnePagePerSizeClassKib = "48";
    const bool set_by_user = std::getenv(kVariable) != nullptr;
    if (!set_by_user) {
        ::setenv(kVariable, kOnePagePerSizeClassKib, 0);
    }
    {
        // The first secure allocation makes the pool, with the size above.
        const Botan::secure_vector<std::uint8_t> first(32);
    }
    if (!set_by_user) {
        ::unsetenv(kVariable);
    }
}

}  // namespace platform
}  // namespace tresor
