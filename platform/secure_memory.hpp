// platform/secure_memory.hpp — memory for secrets. The allocator behind
// tresor::Secret (tresor::detail::secure_allocate/deallocate, declared in
// tresor/secret.hpp) is defined by the same file as wipe():
//  - secure_memory_posix.cpp (Linux): a 64 KiB pool made on first use,
//    mlock'ed where RLIMIT_MEMLOCK allows and excluded from core dumps, for
//    allocations of up to 256 bytes; calloc beyond that or once it is full;
//  - secure_memory_windows.cpp: VirtualAlloc'ed pages locked with
//    VirtualLock where the quota allows.
// Either way every byte is zeroed before it is released, and the allocator
// is thread-safe and usable until the process ends (static destructors
// included).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tresor::platform {

// Zeroes bytes in a way the compiler may not optimize away.
void wipe(void* data, std::size_t size) noexcept;

// Compares in time that depends on size only, not on the contents.
[[nodiscard]] bool constant_time_equal(const std::uint8_t* a, const std::uint8_t* b,
                                       std::size_t size) noexcept;

}  // namespace tresor::platform
