// platform/secure_memory.hpp on Linux: a small pool of locked memory for
// small allocations (keys, MACs, short secrets), zeroed heap memory for the
// rest.
//
// The pool is one mapping of kPoolBytes made on first use: excluded from
// core dumps (MADV_DONTDUMP) and locked in RAM (mlock) where RLIMIT_MEMLOCK
// allows; without the lock it is still excluded and wiped. It is handed out
// first-fit in granules of kGranuleBytes, under one mutex. Anything larger
// than kLargestPooledBytes, or anything once the pool is full, comes from
// calloc. Every byte is zeroed before it is released, pool or heap.
//
// The pool is never unmapped and its bookkeeping never destroyed: objects of
// static storage duration (and other threads at exit) may free a secret after
// this file's statics would be gone. Botan 2's pool, which this replaces,
// cost about 1300 system calls per process to make and tear down page by
// page; this one costs three.
#include <sys/mman.h>

#include <malloc.h>
#include <string.h>

#include <algorithm>
#include <array>
#include <bitset>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>

#include "platform/secure_memory.hpp"
#include "tresor/secret.hpp"

namespace tresor {
namespace {

// 16 pages: every key, MAC and short secret one process holds at a time,
// well inside the default RLIMIT_MEMLOCK (8 MiB; 64 KiB on old kernels).
constexpr std::size_t kPoolBytes = 64 * 1024;
constexpr std::size_t kGranuleBytes = 32;  // also the alignment: >= max_align_t
constexpr std::size_t kGranules = kPoolBytes / kGranuleBytes;
constexpr std::size_t kLargestPooledBytes = 256;
static_assert(kGranuleBytes % alignof(std::max_align_t) == 0);
static_assert(kLargestPooledBytes / kGranuleBytes <= UINT8_MAX);

std::size_t granules_for(std::size_t bytes) {
    return bytes == 0 ? 1 : (bytes + kGranuleBytes - 1) / kGranuleBytes;
}

class LockedPool {
  public:
    LockedPool() {
        void* p =
            ::mmap(nullptr, kPoolBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            return;  // no pool: every allocation comes from the heap
        }
        (void)::madvise(p, kPoolBytes, MADV_DONTDUMP);
        (void)::mlock(p, kPoolBytes);  // best effort, see above
        base_ = static_cast<std::uint8_t*>(p);
    }

    // Zeroed memory from the pool, or nullptr when it is too large or does
    // not fit.
    void* allocate(std::size_t bytes) {
        if (base_ == nullptr || bytes > kLargestPooledBytes) {
            return nullptr;
        }
        const std::size_t wanted = granules_for(bytes);
        const std::lock_guard lock(mutex_);
        // A process that holds many small secrets (a memory backend, a
        // server) would otherwise scan the pool's used part on every
        // allocation: the scan starts at the lowest free granule, and a pool
        // with too few free granules is not scanned at all.
        if (wanted > free_granules_) {
            return nullptr;
        }
        std::size_t run = 0;
        for (std::size_t i = lowest_free_; i < kGranules; ++i) {
            run = used_[i] ? 0 : run + 1;
            if (run == wanted) {
                const std::size_t first = i + 1 - wanted;
                for (std::size_t g = first; g <= i; ++g) {
                    used_[g] = true;
                }
                length_[first] = static_cast<std::uint8_t>(wanted);
                free_granules_ -= wanted;
                if (first == lowest_free_) {
                    lowest_free_ = i + 1;
                }
                return base_ + first * kGranuleBytes;
            }
        }
        return nullptr;
    }

    // Wipes and returns p's granules to the pool; false when p is not pool
    // memory. The length recorded at allocation is used, not the caller's:
    // a wrong size passed to tresor_free_secret cannot free a neighbour.
    bool deallocate(void* p) noexcept {
        const auto address = reinterpret_cast<std::uintptr_t>(p);
        const auto base = reinterpret_cast<std::uintptr_t>(base_);
        if (base_ == nullptr || address < base || address >= base + kPoolBytes) {
            return false;
        }
        const std::size_t first = (address - base) / kGranuleBytes;
        const std::lock_guard lock(mutex_);
        const std::size_t count = length_[first];
        if (count == 0 || address != base + first * kGranuleBytes) {
            std::abort();  // not an allocation of this pool: a double free or a stray pointer
        }
        ::explicit_bzero(p, count * kGranuleBytes);
        for (std::size_t g = first; g < first + count; ++g) {
            used_[g] = false;
        }
        length_[first] = 0;
        free_granules_ += count;
        lowest_free_ = std::min(lowest_free_, first);
        return true;
    }

  private:
    std::mutex mutex_;
    std::uint8_t* base_ = nullptr;
    std::bitset<kGranules> used_;
    std::size_t free_granules_ = kGranules;
    std::size_t lowest_free_ = 0;                   // every granule below it is in use
    std::array<std::uint8_t, kGranules> length_{};  // granules, at each allocation's first
};

LockedPool& pool() {
    static LockedPool* const instance = new LockedPool();  // never deleted, see above
    return *instance;
}

}  // namespace

namespace detail {

void* secure_allocate(std::size_t bytes) {
    if (void* p = pool().allocate(bytes)) {
        return p;
    }
    void* p = std::calloc(bytes == 0 ? 1 : bytes, 1);
    if (p == nullptr) {
        throw std::bad_alloc();
    }
    return p;
}

void secure_deallocate(void* p, std::size_t /*bytes: not trusted, see deallocate*/) noexcept {
    if (p == nullptr || pool().deallocate(p)) {
        return;
    }
    ::explicit_bzero(p, ::malloc_usable_size(p));
    std::free(p);
}

}  // namespace detail

namespace platform {

void wipe(void* data, std::size_t size) noexcept {
    ::explicit_bzero(data, size);
}

}  // namespace platform
}  // namespace tresor
