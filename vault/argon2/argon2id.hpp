// vault/argon2/argon2id.hpp — tresor's Argon2id (RFC 9106, version 0x13):
// every lane on a thread of its own, synchronised at each of the four slices
// of a pass; BLAKE2b (H, H') is libsodium's crypto_generichash; the
// compression function G is the fastest this CPU runs (block.hpp). The bytes
// are the RFC's for every (m, t, p): its test vector and libargon2, the
// reference implementation, over random parameters
// (tests/unit/vault/argon2id_test.cpp).
//
// The memory is whole pages excluded from core dumps, and zeroed before it
// is returned (platform/wiped_pages.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "tresor/secret.hpp"
#include "vault/argon2/block.hpp"

namespace tresor::vault::argon2 {

struct Inputs {
    std::span<const std::uint8_t> password;
    std::span<const std::uint8_t> salt;
    std::span<const std::uint8_t> secret = {};           // K
    std::span<const std::uint8_t> associated_data = {};  // X
};

struct Cost {
    std::uint32_t memory_kib;  // m: at least 8 × lanes
    std::uint32_t passes;      // t: at least 1
    std::uint32_t lanes;       // p: 1 .. 2^24 - 1
};

struct Options {
    std::size_t tag_bytes = 32;  // 16 .. 1024 (libsodium's BLAKE2b starts at 16)
    // The most threads to run (the calling one included); 0: as many as the
    // CPUs this process may use (platform/process.hpp). Never more than lanes.
    unsigned max_threads = 0;
    // The compression function; null: best_kernel().
    const Kernel* kernel = nullptr;
    // Called after each pass with the whole memory (lane after lane): lets
    // a test compare it with the RFC's listing.
    std::function<void(std::uint32_t pass, std::span<const Block> memory)> after_pass;
};

// Throws Error{invalid_argument} for parameters outside RFC 9106's ranges
// (or the tag length above), Error{io} when the memory cannot be had.
[[nodiscard]] tresor::SecureBytes argon2id(const Inputs& in, const Cost& cost,
                                           const Options& options = {});

// H0, the 64-byte pre-hashing digest (RFC 9106 section 3.2, step 1).
[[nodiscard]] tresor::SecureBytes initial_hash(const Inputs& in, const Cost& cost,
                                               std::size_t tag_bytes);

// H'^T (section 3.3), the variable-length hash: `out.size()` bytes.
void long_hash(std::span<std::uint8_t> out, std::span<const std::uint8_t> in);

}  // namespace tresor::vault::argon2
