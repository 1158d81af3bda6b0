// platform/secure_memory.hpp on Windows: each
// allocation gets pages of its own from VirtualAlloc, locked in memory with
// VirtualLock while the working-set quota allows (a page that is locked is
// never written to the page file), and zeroed with SecureZeroMemory before
// VirtualFree. Crash dumps are the process's business (platform/process.hpp).
//
// Whole pages per allocation cost memory, but secrets are few and small;
// std::vector's growth frees the old pages only after zeroing them.
#include <windows.h>

#include <new>

#include "platform/secure_memory.hpp"
#include "tresor/secret.hpp"

namespace tresor {
namespace detail {

void* secure_allocate(std::size_t bytes) {
    const std::size_t size = bytes == 0 ? 1 : bytes;
    void* p = ::VirtualAlloc(nullptr, size, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    if (p == nullptr) {
        throw std::bad_alloc();
    }
    // Best effort, like mlock on Linux: without quota the memory is still
    // wiped, only not pinned.
    (void)::VirtualLock(p, size);
    return p;  // VirtualAlloc's pages start zeroed
}

void secure_deallocate(void* p, std::size_t bytes) noexcept {
    if (p == nullptr) {
        return;
    }
    const std::size_t size = bytes == 0 ? 1 : bytes;
    ::SecureZeroMemory(p, size);
    (void)::VirtualUnlock(p, size);
    ::VirtualFree(p, 0, MEM_RELEASE);
}

}  // namespace detail

namespace platform {

void wipe(void* data, std::size_t size) noexcept {
    ::SecureZeroMemory(data, size);
}

}  // namespace platform
}  // namespace tresor
