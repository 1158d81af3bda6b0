// vault/argon2/block.hpp — Argon2's 1 KiB block and its compression
// function G (RFC 9106 section 3.5), of which there are several
// implementations: the portable one (blamka_portable.cpp) and, on x86-64,
// AVX2 and AVX-512F ones (blamka_avx2.cpp, blamka_avx512.cpp), each in a
// file compiled for its instruction set. Which one runs is chosen once, on
// the CPU the process runs on (kernels_x86_64.cpp; kernels_generic.cpp
// elsewhere). All give the same bytes (tests/unit/vault/argon2id_test.cpp
// runs every one this CPU has).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tresor::vault::argon2 {

constexpr std::size_t kBlockWords = 128;
constexpr std::size_t kBlockBytes = kBlockWords * 8;

// 128 little-endian 64-bit words; aligned for AVX-512 loads.
struct alignas(64) Block {
    std::uint64_t v[kBlockWords];
};

// out = G(prev, ref), or out ^= G(prev, ref) when xor_into_out (passes after
// the first, version 0x13). `ref` may be `out` (address blocks are computed
// in place); `prev` is never `out`.
using CompressFunction = void (*)(const Block& prev, const Block& ref, Block& out,
                                  bool xor_into_out);

struct Kernel {
    const char* name;  // "portable", "avx2", "avx512f"
    CompressFunction compress;
};

// The fastest implementation this CPU runs, chosen on the first call.
[[nodiscard]] const Kernel& best_kernel();

// Every implementation this CPU runs, the portable one first.
[[nodiscard]] std::span<const Kernel> available_kernels();

// Each implementation (defined in its own file).
void compress_portable(const Block& prev, const Block& ref, Block& out, bool xor_into_out);
void compress_avx2(const Block& prev, const Block& ref, Block& out, bool xor_into_out);
void compress_avx512f(const Block& prev, const Block& ref, Block& out, bool xor_into_out);

}  // namespace tresor::vault::argon2
