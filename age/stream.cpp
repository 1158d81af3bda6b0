#include "age/stream.hpp"

#include <algorithm>
#include <array>

#include "age/aead.hpp"
#include "tresor/error.hpp"
#include "vault/detail/crypto.hpp"

namespace tresor::age {
namespace {

constexpr std::size_t kSealedChunkBytes = kChunkBytes + kAeadTagBytes;

SecureBytes payload_key(std::span<const std::uint8_t> file_key,
                        std::span<const std::uint8_t> nonce) {
    return vault::detail::hkdf_sha256(file_key, nonce, "payload");
}

// Counter (11 bytes, big endian) || last-chunk flag.
std::array<std::uint8_t, kAeadNonceBytes> chunk_nonce(std::uint64_t counter, bool last) {
    std::array<std::uint8_t, kAeadNonceBytes> nonce{};
    for (std::size_t i = 0; i < 8; ++i) {
        nonce[10 - i] = static_cast<std::uint8_t>(counter >> (8 * i));
    }
    nonce[11] = last ? 1 : 0;
    return nonce;
}

[[noreturn]] void refuse(const std::string& why) {
    throw Error(ErrorCode::corrupt, "age payload: " + why);
}

}  // namespace

std::vector<std::uint8_t> seal_payload(std::span<const std::uint8_t> file_key,
                                       std::span<const std::uint8_t> plaintext) {
    std::vector<std::uint8_t> out = vault::detail::random_bytes(kPayloadNonceBytes);
    const SecureBytes key = payload_key(file_key, out);
    const std::size_t chunks =
        std::max<std::size_t>(1, (plaintext.size() + kChunkBytes - 1) / kChunkBytes);
    out.reserve(kPayloadNonceBytes + plaintext.size() + chunks * kAeadTagBytes);
    for (std::size_t i = 0; i < chunks; ++i) {
        const auto chunk = plaintext.subspan(
            i * kChunkBytes, std::min(kChunkBytes, plaintext.size() - i * kChunkBytes));
        chacha20poly1305_seal(out, key, chunk_nonce(i, i + 1 == chunks), chunk);
    }
    return out;
}

SecureBytes open_payload(std::span<const std::uint8_t> file_key,
                         std::span<const std::uint8_t> payload) {
    if (payload.size() < kPayloadNonceBytes) {
        refuse("the file ends inside the payload nonce");
    }
    const SecureBytes key = payload_key(file_key, payload.first(kPayloadNonceBytes));
    auto rest = payload.subspan(kPayloadNonceBytes);
    SecureBytes plaintext;
    plaintext.reserve(rest.size());
    for (std::uint64_t counter = 0;; ++counter) {
        // A chunk with more bytes after it is not the last: a whole one. What
        // is left at the end (up to one whole sealed chunk) is the final one.
        const bool last = rest.size() <= kSealedChunkBytes;
        const auto sealed = rest.first(last ? rest.size() : kSealedChunkBytes);
        if (sealed.size() < kAeadTagBytes) {
            refuse(counter == 0 ? "no chunk" : "the last chunk is shorter than its tag");
        }
        if (last && counter != 0 && sealed.size() == kAeadTagBytes) {
            refuse("an empty final chunk after others");
        }
        if (!chacha20poly1305_open(plaintext, key, chunk_nonce(counter, last), sealed)) {
            refuse("chunk " + std::to_string(counter) +
                   (last ? " does not verify as the final chunk (truncated or changed)"
                         : " does not verify (changed, or a final chunk followed by more bytes)"));
        }
        if (last) {
            return plaintext;
        }
        rest = rest.subspan(kSealedChunkBytes);
    }
}

}  // namespace tresor::age
