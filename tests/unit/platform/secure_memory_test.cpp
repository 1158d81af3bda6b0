// platform/secure_memory_posix.cpp, Secret's allocator on Linux, checked
// from the outside: the kernel's own account of the mapping that holds an
// allocation (/proc/self/smaps: locked, excluded from core dumps), and the
// bytes of pool memory after it is freed (the pool is never unmapped).
#define BOOST_TEST_MODULE platform_secure_memory
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "platform/secure_memory.hpp"
#include "tresor/secret.hpp"

using tresor::detail::secure_allocate;
using tresor::detail::secure_deallocate;

namespace {

struct Mapping {
    std::uintptr_t start = 0;
    std::uintptr_t end = 0;
    std::string flags;  // smaps' VmFlags: "dd" not dumped, "lo" locked
    bool holds(const void* p) const {
        const auto a = reinterpret_cast<std::uintptr_t>(p);
        return a >= start && a < end;
    }
};

Mapping mapping_of(const void* p) {
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    Mapping current;
    bool found = false;
    while (std::getline(smaps, line)) {
        std::uintptr_t start = 0, end = 0;
        char dash = 0;
        std::istringstream header(line);
        if (header >> std::hex >> start >> dash >> end && dash == '-') {
            current = {start, end, {}};
            found = current.holds(p);
        } else if (found && line.starts_with("VmFlags:")) {
            current.flags = line + " ";
            return current;
        }
    }
    BOOST_FAIL("no mapping holds the address");
    return {};
}

bool has_flag(const Mapping& m, const std::string& flag) {
    return m.flags.find(" " + flag + " ") != std::string::npos;
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TRESOR_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TRESOR_TEST_ASAN 1
#endif

// Whether mlock of the 64 KiB pool must have succeeded here. AddressSanitizer
// replaces mlock with a no-op, so its build (scripts/sanitize) locks nothing.
bool locking_allowed() {
#if defined(TRESOR_TEST_ASAN)
    return false;
#else
    rlimit limit{};
    ::getrlimit(RLIMIT_MEMLOCK, &limit);
    return ::geteuid() == 0 || limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= 1024 * 1024;
#endif
}

bool all_zero(const void* p, std::size_t n) {
    const auto* bytes = static_cast<const std::uint8_t*>(p);
    return std::all_of(bytes, bytes + n, [](std::uint8_t b) { return b == 0; });
}

// A pool allocation of 32 bytes, released at the end of the scope.
struct Small {
    void* p = secure_allocate(32);
    ~Small() { secure_deallocate(p, 32); }
    Small() = default;
    Small(const Small&) = delete;
    Small& operator=(const Small&) = delete;
};

}  // namespace

BOOST_AUTO_TEST_CASE(small_allocations_are_locked_not_dumped_and_zeroed) {
    const Small key;
    const Mapping pool = mapping_of(key.p);
    BOOST_TEST(has_flag(pool, "dd"), pool.flags);
    if (locking_allowed()) {
        BOOST_TEST(has_flag(pool, "lo"), pool.flags);
    }
    BOOST_TEST(pool.end - pool.start == 64u * 1024u);
    BOOST_TEST(all_zero(key.p, 32));
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(key.p) % alignof(std::max_align_t) == 0u);
}

BOOST_AUTO_TEST_CASE(large_allocations_come_from_the_heap) {
    const Small key;
    const Mapping pool = mapping_of(key.p);
    void* large = secure_allocate(257);
    BOOST_TEST(!pool.holds(large));
    BOOST_TEST(all_zero(large, 257));
    std::memset(large, 0xAA, 257);
    secure_deallocate(large, 257);
    void* largest_pooled = secure_allocate(256);
    BOOST_TEST(pool.holds(largest_pooled));
    secure_deallocate(largest_pooled, 256);
}

BOOST_AUTO_TEST_CASE(a_full_pool_falls_back_to_the_heap_and_frees_both) {
    const Small first;
    const Mapping pool = mapping_of(first.p);
    std::vector<void*> blocks;
    std::size_t pooled = 0;
    for (;;) {
        void* p = secure_allocate(256);
        std::memset(p, 0x5A, 256);
        blocks.push_back(p);
        if (!pool.holds(p)) {
            break;
        }
        ++pooled;
    }
    // 64 KiB of 256-byte blocks, less the granule `first` holds.
    BOOST_TEST(pooled == 64u * 1024u / 256u - 1u);
    for (void* p : blocks) {
        secure_deallocate(p, 256);
    }
    void* again = secure_allocate(256);
    BOOST_TEST(pool.holds(again));
    secure_deallocate(again, 256);
}

BOOST_AUTO_TEST_CASE(freed_pool_memory_is_wiped_and_reused) {
    void* p = secure_allocate(100);
    std::memset(p, 0xAA, 100);
    secure_deallocate(p, 100);
    // Still mapped (the pool is never unmapped): what is left there is zero.
    BOOST_TEST(all_zero(p, 100));
    void* q = secure_allocate(100);
    BOOST_TEST(q == p);
    BOOST_TEST(all_zero(q, 100));
    secure_deallocate(q, 100);
}

// First fit from the lowest free granule: a hole left below later
// allocations is filled before anything above them.
BOOST_AUTO_TEST_CASE(a_freed_hole_is_filled_first) {
    void* a = secure_allocate(32);
    void* b = secure_allocate(32);
    void* c = secure_allocate(32);
    secure_deallocate(a, 32);
    void* d = secure_allocate(32);
    BOOST_TEST(d == a);
    secure_deallocate(b, 32);
    void* e = secure_allocate(32);
    BOOST_TEST(e == b);
    for (void* p : {c, d, e}) {
        secure_deallocate(p, 32);
    }
}

BOOST_AUTO_TEST_CASE(zero_bytes_gives_distinct_usable_pointers) {
    void* a = secure_allocate(0);
    void* b = secure_allocate(0);
    BOOST_TEST(a != nullptr);
    BOOST_TEST(a != b);
    secure_deallocate(a, 0);
    secure_deallocate(b, 0);
}

// tresor_free_secret takes the length from a C caller: a wrong one must not
// release (or wipe) the neighbouring allocation.
BOOST_AUTO_TEST_CASE(a_wrong_size_on_free_leaves_the_neighbour_alone) {
    void* a = secure_allocate(32);
    void* b = secure_allocate(32);
    std::memset(b, 0x42, 32);
    secure_deallocate(a, 64);
    void* c = secure_allocate(32);
    BOOST_TEST(c != b);
    const auto* bytes = static_cast<const std::uint8_t*>(b);
    BOOST_TEST(std::all_of(bytes, bytes + 32, [](std::uint8_t x) { return x == 0x42; }));
    secure_deallocate(c, 32);
    secure_deallocate(b, 32);
}

BOOST_AUTO_TEST_CASE(threads_never_share_or_lose_memory) {
    constexpr int kThreads = 8;
    constexpr int kRounds = 3000;
    std::vector<std::thread> threads;
    std::vector<int> failures(kThreads, 0);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([t, &failures] {
            std::mt19937 random(static_cast<unsigned>(t));
            const auto mark = static_cast<std::uint8_t>(t + 1);
            for (int i = 0; i < kRounds; ++i) {
                // Mostly pool sizes, some heap ones.
                const std::size_t n = 1 + random() % 400;
                auto* p = static_cast<std::uint8_t*>(secure_allocate(n));
                if (!all_zero(p, n)) {
                    ++failures[static_cast<std::size_t>(t)];
                }
                std::memset(p, mark, n);
                std::this_thread::yield();
                if (!std::all_of(p, p + n, [mark](std::uint8_t b) { return b == mark; })) {
                    ++failures[static_cast<std::size_t>(t)];
                }
                secure_deallocate(p, n);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    BOOST_TEST(failures == std::vector<int>(kThreads, 0), boost::test_tools::per_element());
    // Everything came back: the whole pool is free again.
    const Small first;
    const Mapping pool = mapping_of(first.p);
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(first.p) == pool.start);
}

BOOST_AUTO_TEST_CASE(secret_values_live_in_the_pool) {
    const Small reference;
    tresor::Secret secret(std::string_view("hunter2"));
    BOOST_TEST(mapping_of(reference.p).holds(secret.bytes().data()));
}
