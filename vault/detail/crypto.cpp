// The vault's primitives through libsodium, which the CLI loads in a
// fraction of the time Botan 2's shared library takes (about 11 ms of every
// process, issue 14).
// libsodium 1.0.18 (Debian 12) has no HKDF: RFC 5869 is written here over
// its HMAC-SHA-256.
#include "vault/detail/crypto.hpp"

#include <sodium.h>

#include <algorithm>
#include <string>

#include "tresor/error.hpp"
#include "vault/argon2/argon2id.hpp"

namespace tresor::vault::detail {
namespace {

constexpr std::size_t kSha256Bytes = crypto_hash_sha256_BYTES;
static_assert(kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(kMacBytes == crypto_auth_hmacsha256_BYTES);

// An HMAC-SHA-256 in progress, its state (which holds the key) wiped on
// every way out.
class Hmac {
  public:
    explicit Hmac(std::span<const std::uint8_t> key) {
        // libsodium declares the key non-null, even an empty one (whose span
        // may hold nullptr).
        static const std::uint8_t kEmpty = 0;
        crypto_auth_hmacsha256_init(&state_, key.empty() ? &kEmpty : key.data(), key.size());
    }
    ~Hmac() { sodium_memzero(&state_, sizeof(state_)); }
    Hmac(const Hmac&) = delete;
    Hmac& operator=(const Hmac&) = delete;
    void update(std::span<const std::uint8_t> bytes) {
        crypto_auth_hmacsha256_update(&state_, bytes.data(), bytes.size());
    }
    void finish(std::uint8_t* out) { crypto_auth_hmacsha256_final(&state_, out); }

  private:
    crypto_auth_hmacsha256_state state_{};
};

void check_aead_sizes(std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce) {
    if (key.size() != kKeyBytes || nonce.size() != kNonceBytes) {
        throw Error(ErrorCode::invalid_argument,
                    "XChaCha20-Poly1305 takes a 32-byte key and a 24-byte nonce");
    }
}

}  // namespace

void initialize_sodium() {
    // sodium_init is idempotent and thread-safe; the static only spares the
    // call. It picks the fastest code for this CPU and opens the RNG.
    static const bool ready = sodium_init() >= 0;
    if (!ready) {
        throw Error(ErrorCode::io, "libsodium could not initialise");
    }
}

SecureBytes argon2id(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt,
                     const Argon2Params& params, std::size_t output_bytes) {
    argon2::Options options;
    options.tag_bytes = output_bytes;
    return argon2::argon2id({password, salt},
                            {params.memory_kib, params.iterations, params.parallelism}, options);
}

// RFC 5869: PRK = HMAC(salt, key); T(i) = HMAC(PRK, T(i-1) || info || i).
// An empty salt is HashLen zero bytes (section 2.2).
SecureBytes hkdf_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> salt,
                        std::string_view label, std::size_t output_bytes) {
    if (output_bytes > 255 * kSha256Bytes) {
        throw Error(ErrorCode::invalid_argument,
                    "HKDF-SHA-256 gives at most 8160 bytes, not " + std::to_string(output_bytes));
    }
    initialize_sodium();
    const std::uint8_t zeros[kSha256Bytes] = {};
    SecureBytes prk(kSha256Bytes);
    {
        Hmac extract(salt.empty() ? std::span<const std::uint8_t>(zeros) : salt);
        extract.update(key);
        extract.finish(prk.data());
    }
    const std::span<const std::uint8_t> info(reinterpret_cast<const std::uint8_t*>(label.data()),
                                             label.size());
    SecureBytes out;
    out.reserve(output_bytes);
    SecureBytes block;  // T(i-1), empty for T(1)
    for (std::uint8_t counter = 1; out.size() < output_bytes; ++counter) {
        Hmac expand(prk);
        expand.update(block);
        expand.update(info);
        expand.update({&counter, 1});
        block.resize(kSha256Bytes);
        expand.finish(block.data());
        const std::size_t take = std::min(kSha256Bytes, output_bytes - out.size());
        out.insert(out.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(take));
    }
    return out;
}

Bytes hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> message) {
    initialize_sodium();
    Bytes tag(kMacBytes);
    Hmac mac(key);
    mac.update(message);
    mac.finish(tag.data());
    return tag;
}

Bytes sha256(std::span<const std::uint8_t> message) {
    initialize_sodium();
    Bytes digest(kSha256Bytes);
    crypto_hash_sha256(digest.data(), message.data(), message.size());
    return digest;
}

Bytes aead_seal_with_nonce(std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
                           std::span<const std::uint8_t> plaintext,
                           std::span<const std::uint8_t> associated_data) {
    check_aead_sizes(key, nonce);
    initialize_sodium();
    Bytes out(kNonceBytes + plaintext.size() + kTagBytes);
    std::copy(nonce.begin(), nonce.end(), out.begin());
    unsigned long long sealed_bytes = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        out.data() + kNonceBytes, &sealed_bytes, plaintext.data(), plaintext.size(),
        associated_data.data(), associated_data.size(), nullptr, nonce.data(), key.data());
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
    const auto nonce = sealed.first(kNonceBytes);
    const auto ciphertext = sealed.subspan(kNonceBytes);
    check_aead_sizes(key, nonce);
    initialize_sodium();
    SecureBytes plaintext(ciphertext.size() - kTagBytes);
    unsigned long long plaintext_bytes = 0;
    // libsodium checks the tag before it decrypts, and zeroes the output on
    // a bad tag: no unauthenticated byte is ever written.
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            plaintext.data(), &plaintext_bytes, nullptr, ciphertext.data(), ciphertext.size(),
            associated_data.data(), associated_data.size(), nonce.data(), key.data()) != 0) {
        return std::nullopt;
    }
    return plaintext;
}

Bytes random_bytes(std::size_t n) {
    initialize_sodium();
    Bytes out(n);
    if (n != 0) {  // the buffer is declared non-null
        randombytes_buf(out.data(), out.size());
    }
    return out;
}

SecureBytes random_key() {
    initialize_sodium();
    SecureBytes out(kKeyBytes);
    randombytes_buf(out.data(), out.size());
    return out;
}

bool equal_in_constant_time(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tresor::vault::detail
