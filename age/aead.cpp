#include "age/aead.hpp"

#include <sodium.h>

#include "tresor/error.hpp"
#include "vault/detail/crypto.hpp"

namespace tresor::age {
namespace {

static_assert(kAeadKeyBytes == crypto_aead_chacha20poly1305_ietf_KEYBYTES);
static_assert(kAeadNonceBytes == crypto_aead_chacha20poly1305_ietf_NPUBBYTES);
static_assert(kAeadTagBytes == crypto_aead_chacha20poly1305_ietf_ABYTES);

void check_sizes(std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce) {
    if (key.size() != kAeadKeyBytes || nonce.size() != kAeadNonceBytes) {
        throw Error(ErrorCode::invalid_argument,
                    "ChaCha20-Poly1305 takes a 32-byte key and a 12-byte nonce");
    }
    vault::detail::initialize_sodium();
}

}  // namespace

void chacha20poly1305_seal(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> key,
                           std::span<const std::uint8_t> nonce,
                           std::span<const std::uint8_t> plaintext) {
    check_sizes(key, nonce);
    const std::size_t start = out.size();
    out.resize(start + plaintext.size() + kAeadTagBytes);
    unsigned long long sealed_bytes = 0;
    crypto_aead_chacha20poly1305_ietf_encrypt(out.data() + start, &sealed_bytes, plaintext.data(),
                                              plaintext.size(), nullptr, 0, nullptr, nonce.data(),
                                              key.data());
}

bool chacha20poly1305_open(SecureBytes& out, std::span<const std::uint8_t> key,
                           std::span<const std::uint8_t> nonce,
                           std::span<const std::uint8_t> sealed) {
    check_sizes(key, nonce);
    if (sealed.size() < kAeadTagBytes) {
        return false;
    }
    const std::size_t start = out.size();
    out.resize(start + sealed.size() - kAeadTagBytes);
    unsigned long long plaintext_bytes = 0;
    // libsodium verifies the tag first and writes nothing on a bad one; the
    // bytes resized in are zeros, wiped with `out` when dropped.
    if (crypto_aead_chacha20poly1305_ietf_decrypt(out.data() + start, &plaintext_bytes, nullptr,
                                                  sealed.data(), sealed.size(), nullptr, 0,
                                                  nonce.data(), key.data()) != 0) {
        out.resize(start);
        return false;
    }
    return true;
}

}  // namespace tresor::age
