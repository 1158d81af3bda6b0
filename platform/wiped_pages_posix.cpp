// platform/wiped_pages.hpp on POSIX (Linux).
#include <sys/mman.h>

#include <cstdint>
#include <string>

#include "platform/secure_memory.hpp"
#include "platform/wiped_pages.hpp"
#include "tresor/error.hpp"

namespace tresor::platform {
namespace {

// Transparent huge pages on x86-64 and arm64 (4 KiB base pages).
constexpr std::size_t kHugePage = 2u << 20;

}  // namespace

WipedPages::WipedPages(std::size_t bytes) : size_(bytes) {
    // Room to start on a huge-page boundary, so the kernel can back the
    // region with 2 MiB pages from its first byte.
    mapping_size_ = bytes >= kHugePage ? bytes + kHugePage : bytes;
    void* p =
        ::mmap(nullptr, mapping_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        throw Error(ErrorCode::io,
                    "out of memory (" + std::to_string(bytes >> 20) + " MiB for Argon2id)");
    }
    mapping_ = p;
    auto start = reinterpret_cast<std::uintptr_t>(p);
    if (bytes >= kHugePage) {
        start = (start + kHugePage - 1) & ~(kHugePage - 1);
    }
    data_ = reinterpret_cast<void*>(start);
#if defined(MADV_DONTDUMP)
    (void)::madvise(mapping_, mapping_size_, MADV_DONTDUMP);
#endif
#if defined(MADV_HUGEPAGE)
    // Advice only: "never" (or no THP at all) keeps 4 KiB pages.
    (void)::madvise(data_, bytes, MADV_HUGEPAGE);
#endif
}

WipedPages::~WipedPages() {
    if (!zeroed_) {
        wipe(data_, size_);
    }
    ::munmap(mapping_, mapping_size_);
}

}  // namespace tresor::platform
