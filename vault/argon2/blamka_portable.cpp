// Argon2's compression function G in portable C++ (RFC 9106 sections 3.5
// and 3.6): the reference every SIMD implementation is held to.
#include "vault/argon2/block.hpp"

namespace tresor::vault::argon2 {
namespace {

constexpr std::uint64_t rotr(std::uint64_t x, int n) {
    return (x >> n) | (x << (64 - n));
}

// BlaMka: BLAKE2b's addition with a multiplication of the low 32-bit halves.
constexpr std::uint64_t blamka(std::uint64_t x, std::uint64_t y) {
    return x + y + 2 * (x & 0xffffffffu) * (y & 0xffffffffu);
}

inline void gb(std::uint64_t& a, std::uint64_t& b, std::uint64_t& c, std::uint64_t& d) {
    a = blamka(a, b);
    d = rotr(d ^ a, 32);
    c = blamka(c, d);
    b = rotr(b ^ c, 24);
    a = blamka(a, b);
    d = rotr(d ^ a, 16);
    c = blamka(c, d);
    b = rotr(b ^ c, 63);
}

// The permutation P on sixteen words, given by where each one lives.
inline void permute(std::uint64_t* v, const std::size_t (&at)[16]) {
    gb(v[at[0]], v[at[4]], v[at[8]], v[at[12]]);
    gb(v[at[1]], v[at[5]], v[at[9]], v[at[13]]);
    gb(v[at[2]], v[at[6]], v[at[10]], v[at[14]]);
    gb(v[at[3]], v[at[7]], v[at[11]], v[at[15]]);
    gb(v[at[0]], v[at[5]], v[at[10]], v[at[15]]);
    gb(v[at[1]], v[at[6]], v[at[11]], v[at[12]]);
    gb(v[at[2]], v[at[7]], v[at[8]], v[at[13]]);
    gb(v[at[3]], v[at[4]], v[at[9]], v[at[14]]);
}

}  // namespace

void compress_portable(const Block& prev, const Block& ref, Block& out, bool xor_into_out) {
    Block r;
    for (std::size_t i = 0; i < kBlockWords; ++i) {
        r.v[i] = prev.v[i] ^ ref.v[i];
    }
    Block q = r;
    // P on each row of eight 16-byte registers (words 16i .. 16i+15), then
    // on each column (words 2i, 2i+1, 2i+16, 2i+17, ..., 2i+113).
    for (std::size_t i = 0; i < 8; ++i) {
        std::size_t at[16];
        for (std::size_t k = 0; k < 16; ++k) {
            at[k] = 16 * i + k;
        }
        permute(q.v, at);
    }
    for (std::size_t i = 0; i < 8; ++i) {
        std::size_t at[16];
        for (std::size_t k = 0; k < 16; ++k) {
            at[k] = 2 * i + 16 * (k / 2) + k % 2;
        }
        permute(q.v, at);
    }
    for (std::size_t i = 0; i < kBlockWords; ++i) {
        out.v[i] = (xor_into_out ? out.v[i] : 0) ^ r.v[i] ^ q.v[i];
    }
}

}  // namespace tresor::vault::argon2
