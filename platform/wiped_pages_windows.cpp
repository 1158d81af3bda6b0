// platform/wiped_pages.hpp on Windows: committed pages from VirtualAlloc
// (zero-filled, 64 KiB-aligned), SecureZeroMemory before VirtualFree.
#include <windows.h>

#include <string>

#include "platform/wiped_pages.hpp"
#include "tresor/error.hpp"

namespace tresor::platform {

WipedPages::WipedPages(std::size_t bytes) : mapping_size_(bytes), size_(bytes) {
    mapping_ = ::VirtualAlloc(nullptr, bytes, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    if (mapping_ == nullptr) {
        throw Error(ErrorCode::io,
                    "out of memory (" + std::to_string(bytes >> 20) + " MiB for Argon2id)");
    }
    data_ = mapping_;
}

WipedPages::~WipedPages() {
    if (!zeroed_) {
        ::SecureZeroMemory(data_, size_);
    }
    ::VirtualFree(mapping_, 0, MEM_RELEASE);
}

}  // namespace tresor::platform
