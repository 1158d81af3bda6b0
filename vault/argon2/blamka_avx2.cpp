// Argon2's compression function G with AVX2 (this file is compiled with
// -mavx2 and runs only where kernels_x86_64.cpp found the instructions).
// Each BLAKE2b round works on four 256-bit registers, four words each: the
// rows of P's 4 x 4 matrix, the diagonal step by rotating rows 1..3.
// No standard-library code here: an inline function instantiated with AVX2
// could be the copy the linker keeps for every caller.
#include <immintrin.h>

#include "vault/argon2/block.hpp"

namespace tresor::vault::argon2 {
namespace {

inline __m256i blamka(__m256i x, __m256i y) {
    const __m256i xy = _mm256_mul_epu32(x, y);
    return _mm256_add_epi64(_mm256_add_epi64(x, y), _mm256_add_epi64(xy, xy));
}

inline __m256i rotr32(__m256i x) {
    return _mm256_shuffle_epi32(x, _MM_SHUFFLE(2, 3, 0, 1));
}

inline __m256i rotr24(__m256i x) {
    const __m256i bytes = _mm256_setr_epi8(3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10, 3,
                                           4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10);
    return _mm256_shuffle_epi8(x, bytes);
}

inline __m256i rotr16(__m256i x) {
    const __m256i bytes = _mm256_setr_epi8(2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9, 2,
                                           3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9);
    return _mm256_shuffle_epi8(x, bytes);
}

inline __m256i rotr63(__m256i x) {
    return _mm256_xor_si256(_mm256_srli_epi64(x, 63), _mm256_add_epi64(x, x));
}

inline void half_g(__m256i& a, __m256i& b, __m256i& c, __m256i& d) {
    a = blamka(a, b);
    d = rotr32(_mm256_xor_si256(d, a));
    c = blamka(c, d);
    b = rotr24(_mm256_xor_si256(b, c));
    a = blamka(a, b);
    d = rotr16(_mm256_xor_si256(d, a));
    c = blamka(c, d);
    b = rotr63(_mm256_xor_si256(b, c));
}

// P on the 4 x 4 matrix (a; b; c; d): columns, then diagonals.
inline void permute(__m256i& a, __m256i& b, __m256i& c, __m256i& d) {
    half_g(a, b, c, d);
    b = _mm256_permute4x64_epi64(b, _MM_SHUFFLE(0, 3, 2, 1));
    c = _mm256_permute4x64_epi64(c, _MM_SHUFFLE(1, 0, 3, 2));
    d = _mm256_permute4x64_epi64(d, _MM_SHUFFLE(2, 1, 0, 3));
    half_g(a, b, c, d);
    b = _mm256_permute4x64_epi64(b, _MM_SHUFFLE(2, 1, 0, 3));
    c = _mm256_permute4x64_epi64(c, _MM_SHUFFLE(1, 0, 3, 2));
    d = _mm256_permute4x64_epi64(d, _MM_SHUFFLE(0, 3, 2, 1));
}

inline __m256i load(const std::uint64_t* p) {
    return _mm256_load_si256(reinterpret_cast<const __m256i*>(p));
}

inline void store(std::uint64_t* p, __m256i x) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(p), x);
}

// Words p[0], p[1], p[16], p[17]: one row of a column's matrix.
inline __m256i load_pair(const std::uint64_t* p) {
    const __m128i lo = _mm_load_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hi = _mm_load_si128(reinterpret_cast<const __m128i*>(p + 16));
    return _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
}

inline void store_pair(std::uint64_t* p, __m256i x) {
    _mm_store_si128(reinterpret_cast<__m128i*>(p), _mm256_castsi256_si128(x));
    _mm_store_si128(reinterpret_cast<__m128i*>(p + 16), _mm256_extracti128_si256(x, 1));
}

}  // namespace

void compress_avx2(const Block& prev, const Block& ref, Block& out, bool xor_into_out) {
    Block r, q;
    for (std::size_t w = 0; w < kBlockWords; w += 4) {
        store(r.v + w, _mm256_xor_si256(load(prev.v + w), load(ref.v + w)));
    }
    // Rows: words 16i .. 16i+15.
    for (std::size_t i = 0; i < 8; ++i) {
        const std::uint64_t* row = r.v + 16 * i;
        __m256i a = load(row), b = load(row + 4), c = load(row + 8), d = load(row + 12);
        permute(a, b, c, d);
        std::uint64_t* to = q.v + 16 * i;
        store(to, a);
        store(to + 4, b);
        store(to + 8, c);
        store(to + 12, d);
    }
    // Columns: words 2i, 2i+1, 2i+16, 2i+17, ... 2i+113; then the output,
    // R xor P(R) (xor the old block), is written for these words.
    for (std::size_t i = 0; i < 8; ++i) {
        const std::size_t at = 2 * i;
        __m256i a = load_pair(q.v + at), b = load_pair(q.v + at + 32), c = load_pair(q.v + at + 64),
                d = load_pair(q.v + at + 96);
        permute(a, b, c, d);
        __m256i* rows[4] = {&a, &b, &c, &d};
        for (std::size_t k = 0; k < 4; ++k) {
            const std::size_t w = at + 32 * k;
            __m256i x = _mm256_xor_si256(*rows[k], load_pair(r.v + w));
            if (xor_into_out) {
                x = _mm256_xor_si256(x, load_pair(out.v + w));
            }
            store_pair(out.v + w, x);
        }
    }
}

}  // namespace tresor::vault::argon2
