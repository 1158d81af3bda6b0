// platform/wiped_pages.hpp — large working memory that holds secrets
// (Argon2id's blocks, derived from a password): whole pages from the system,
// excluded from core dumps, zeroed before they are returned. POSIX: an
// anonymous mapping with MADV_DONTDUMP and, where the kernel offers
// transparent huge pages on request (madvise mode), MADV_HUGEPAGE: 2 MiB
// pages take a 64 MiB fill's 16384 page faults down to 32 and spare the TLB
// the misses of Argon2's random reads. Windows: VirtualAlloc.
#pragma once

#include <cstddef>

namespace tresor::platform {

class WipedPages {
  public:
    // Throws Error{io} ("out of memory (N MiB)") when the system refuses.
    explicit WipedPages(std::size_t bytes);
    ~WipedPages();
    WipedPages(const WipedPages&) = delete;
    WipedPages& operator=(const WipedPages&) = delete;

    // Aligned to 64 bytes at least; zero-filled.
    [[nodiscard]] void* data() const noexcept { return data_; }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }

    // The owner has zeroed every byte (with wipe(), say on several threads
    // at once): the pages are returned without a second pass.
    void zeroed_by_owner() noexcept { zeroed_ = true; }

  private:
    void* mapping_ = nullptr;  // what the system handed out
    std::size_t mapping_size_ = 0;
    void* data_ = nullptr;
    std::size_t size_ = 0;
    bool zeroed_ = false;
};

}  // namespace tresor::platform
