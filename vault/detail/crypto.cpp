#include "vault/detail/crypto.hpp"

#include <botan/aead.h>
#include <botan/hash.h>
#include <botan/kdf.h>
#include <botan/mac.h>
#include <botan/mem_ops.h>
#include <botan/system_rng.h>

namespace tresor::vault::detail {

SecureBytes hkdf_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> salt,
                        std::string_view label, std::size_t output_bytes) {
    auto kdf = Botan::KDF::create_or_throw("HKDF(SHA-256)");
    return kdf->derive_key(output_bytes, key.data(), key.size(), salt.data(), salt.size(),
                           reinterpret_cast<const std::uint8_t*>(label.data()), label.size());
}

Bytes hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> message) {
    auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    mac->set_key(key.data(), key.size());
    mac->update(message.data(), message.size());
    const auto tag = mac->final();
    return {tag.begin(), tag.end()};
}

Bytes sha256(std::span<const std::uint8_t> message) {
    auto hash = Botan::HashFunction::create_or_throw("SHA-256");
    hash->update(message.data(), message.size());
    const auto digest = hash->final();
    return {digest.begin(), digest.end()};
}

Bytes aead_seal_with_nonce(std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
                           std::span<const std::uint8_t> plaintext,
                           std::span<const std::uint8_t> associated_data) {
    auto mode = Botan::AEAD_Mode::create_or_throw("ChaCha20Poly1305", Botan::ENCRYPTION);
    mode->set_key(key.data(), key.size());
    mode->set_associated_data(associated_data.data(), associated_data.size());
    mode->start(nonce.data(), nonce.size());
    SecureBytes buffer(plaintext.begin(), plaintext.end());
    mode->finish(buffer);
    Bytes out(nonce.begin(), nonce.end());
    out.insert(out.end(), buffer.begin(), buffer.end());
    return out;
}

Bytes aead_seal(std::span<const std::uint8_t> key, std::span<const std::uint8_t> plaintext,
                std::span<const std::uint8_t> associated_data) {
    const Bytes nonce = random_bytes(kNonceBytes);
    return aead_seal_with_nonce(key, nonce, plaintext, associated_data);
}

std::optional<SecureBytes> aead_open(std::span<const std::uint8_t> key,
                                     std::span<const std::uint8_t> sealed,
                                     std::span<const std::uint8_t> associated_data) {
    if (sealed.size() < kNonceBytes + kTagBytes) {
        return std::nullopt;
    }
    auto mode = Botan::AEAD_Mode::create_or_throw("ChaCha20Poly1305", Botan::DECRYPTION);
    mode->set_key(key.data(), key.size());
    // Set for every message: Botan keeps the associated data across finish().
    mode->set_associated_data(associated_data.data(), associated_data.size());
    mode->start(sealed.data(), kNonceBytes);
    SecureBytes buffer(sealed.begin() + kNonceBytes, sealed.end());
    try {
        mode->finish(buffer);
    } catch (const Botan::Invalid_Authentication_Tag&) {
        // Botan decrypts in place before checking: never let those bytes out.
        Botan::secure_scrub_memory(buffer.data(), buffer.size());
        return std::nullopt;
    }
    return buffer;
}

Bytes random_bytes(std::size_t n) {
    Bytes out(n);
    Botan::system_rng().randomize(out.data(), out.size());
    return out;
}

SecureBytes random_key() {
    SecureBytes out(kKeyBytes);
    Botan::system_rng().randomize(out.data(), out.size());
    return out;
}

bool equal_in_constant_time(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
    return a.size() == b.size() && Botan::constant_time_compare(a.data(), b.data(), a.size());
}

}  // namespace tresor::vault::detail
