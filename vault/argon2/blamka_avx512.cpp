// Argon2's compression function G with AVX-512F (compiled with -mavx512f,
// run only where kernels_x86_64.cpp found it). Two of P's 4 x 4 matrices at
// once, one in each 256-bit half of four 512-bit registers; AVX-512's
// 64-bit rotation (vprorq) replaces AVX2's shuffles, and vpermq's in-half
// permutation rotates both matrices' rows for the diagonal step.
// No standard-library code here (see blamka_avx2.cpp).
// GCC 12 warns inside its own AVX-512 header (its _mm512_undefined_*
// placeholders, GCC bug 105593); the warning stays on for this file's code.
// clang has neither the bug nor the warning's name.
#pragma GCC diagnostic push
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#pragma GCC diagnostic pop

#include "vault/argon2/block.hpp"

namespace tresor::vault::argon2 {
namespace {

inline __m512i blamka(__m512i x, __m512i y) {
    const __m512i xy = _mm512_mul_epu32(x, y);
    return _mm512_add_epi64(_mm512_add_epi64(x, y), _mm512_add_epi64(xy, xy));
}

inline void half_g(__m512i& a, __m512i& b, __m512i& c, __m512i& d) {
    a = blamka(a, b);
    d = _mm512_ror_epi64(_mm512_xor_si512(d, a), 32);
    c = blamka(c, d);
    b = _mm512_ror_epi64(_mm512_xor_si512(b, c), 24);
    a = blamka(a, b);
    d = _mm512_ror_epi64(_mm512_xor_si512(d, a), 16);
    c = blamka(c, d);
    b = _mm512_ror_epi64(_mm512_xor_si512(b, c), 63);
}

inline void permute(__m512i& a, __m512i& b, __m512i& c, __m512i& d) {
    half_g(a, b, c, d);
    b = _mm512_permutex_epi64(b, _MM_SHUFFLE(0, 3, 2, 1));
    c = _mm512_permutex_epi64(c, _MM_SHUFFLE(1, 0, 3, 2));
    d = _mm512_permutex_epi64(d, _MM_SHUFFLE(2, 1, 0, 3));
    half_g(a, b, c, d);
    b = _mm512_permutex_epi64(b, _MM_SHUFFLE(2, 1, 0, 3));
    c = _mm512_permutex_epi64(c, _MM_SHUFFLE(1, 0, 3, 2));
    d = _mm512_permutex_epi64(d, _MM_SHUFFLE(0, 3, 2, 1));
}

inline __m256i load4(const std::uint64_t* p) {
    return _mm256_load_si256(reinterpret_cast<const __m256i*>(p));
}

// Four words at p, four at p + 16, as one register.
inline __m512i load_split(const std::uint64_t* p) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(load4(p)), load4(p + 16), 1);
}

inline void store_split(std::uint64_t* p, __m512i x) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(p), _mm512_castsi512_si256(x));
    _mm256_store_si256(reinterpret_cast<__m256i*>(p + 16), _mm512_extracti64x4_epi64(x, 1));
}

// Swaps the middle two 128-bit quarters: words (p0 p1 p2 p3 | p16 p17 p18
// p19) become (p0 p1 p16 p17 | p2 p3 p18 p19), a row of column 2k's matrix
// beside the same row of column 2k+1's; its own inverse.
inline __m512i swap_middle(__m512i x) {
    return _mm512_shuffle_i64x2(x, x, _MM_SHUFFLE(3, 1, 2, 0));
}

}  // namespace

void compress_avx512f(const Block& prev, const Block& ref, Block& out, bool xor_into_out) {
    Block r, q;
    for (std::size_t w = 0; w < kBlockWords; w += 8) {
        _mm512_store_si512(
            r.v + w, _mm512_xor_si512(_mm512_load_si512(prev.v + w), _mm512_load_si512(ref.v + w)));
    }
    // Rows 2k and 2k+1 (words 32k .. 32k+31) side by side.
    for (std::size_t k = 0; k < 4; ++k) {
        const std::uint64_t* rows = r.v + 32 * k;
        __m512i a = load_split(rows), b = load_split(rows + 4), c = load_split(rows + 8),
                d = load_split(rows + 12);
        permute(a, b, c, d);
        std::uint64_t* to = q.v + 32 * k;
        store_split(to, a);
        store_split(to + 4, b);
        store_split(to + 8, c);
        store_split(to + 12, d);
    }
    // Columns 2k and 2k+1 side by side, then R xor P(R) (xor the old block)
    // for their words.
    for (std::size_t k = 0; k < 4; ++k) {
        const std::size_t at = 4 * k;
        __m512i a = swap_middle(load_split(q.v + at)), b = swap_middle(load_split(q.v + at + 32)),
                c = swap_middle(load_split(q.v + at + 64)),
                d = swap_middle(load_split(q.v + at + 96));
        permute(a, b, c, d);
        __m512i* rows[4] = {&a, &b, &c, &d};
        for (std::size_t i = 0; i < 4; ++i) {
            const std::size_t w = at + 32 * i;
            __m512i x = _mm512_xor_si512(swap_middle(*rows[i]), load_split(r.v + w));
            if (xor_into_out) {
                x = _mm512_xor_si512(x, load_split(out.v + w));
            }
            store_split(out.v + w, x);
        }
    }
}

}  // namespace tresor::vault::argon2
