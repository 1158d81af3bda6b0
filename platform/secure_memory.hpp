// platform/secure_memory.hpp — memory for secrets. The allocator behind
// tresor::Secret (tresor::detail::secure_allocate/deallocate, declared in
// tresor/secret.hpp) is defined by the same file as these helpers:
//  - secure_memory_botan.cpp (Linux): Botan's secure allocator, an mlock'ed
//    pool excluded from core dumps, zeroed before release;
//  - secure_memory_windows.cpp (no Botan there): VirtualAlloc'ed pages locked
//    with VirtualLock where the quota allows, SecureZeroMemory before release.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tresor::platform {

// Zeroes bytes in a way the compiler may not optimize away.
void wipe(void* data, std::size_t size) noexcept;

// Compares in time that depends on size only, not on the contents.
[[nodiscard]] bool constant_time_equal(const std::uint8_t* a, const std::uint8_t* b,
                                       std::size_t size) noexcept;

// Sizes the pool of locked memory to what one short process (a CLI command)
// needs, before anything allocates a secret. Call first in main, while the
// process has one thread. A library never calls it: the program decides.
void size_secure_memory_pool();

}  // namespace tresor::platform
