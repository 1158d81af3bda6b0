// The vault's primitives (libsodium, and HKDF written over its HMAC) against
// Botan 2's, byte for byte, on random inputs of every length the vault uses
// and more: vaults written by builds that ran Botan's code open unchanged.
// Botan is the reference here, as libargon2 is for KDF 2.
#include <boost/test/unit_test.hpp>

#include <botan/aead.h>
#include <botan/curve25519.h>
#include <botan/hash.h>
#include <botan/kdf.h>
#include <botan/mac.h>

#include <random>

#include "vault/detail/crypto.hpp"
#include "vault/slots/host_key.hpp"

using namespace tresor::vault::detail;

namespace {

// A fresh seed per run, printed with any failure so it can be replayed.
struct RandomInputs {
    std::uint32_t seed = std::random_device{}();
    std::mt19937 engine{seed};

    Bytes bytes(std::size_t n) {
        Bytes out(n);
        for (auto& b : out) {
            b = static_cast<std::uint8_t>(engine());
        }
        return out;
    }
    Bytes bytes_up_to(std::size_t max) {
        return bytes(std::uniform_int_distribution<std::size_t>(0, max)(engine));
    }
};

constexpr int kRounds = 200;

Bytes botan_hmac(const Bytes& key, const Bytes& message) {
    auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    mac->set_key(key.data(), key.size());
    mac->update(message.data(), message.size());
    const auto tag = mac->final();
    return {tag.begin(), tag.end()};
}

Bytes botan_seal(const Bytes& key, const Bytes& nonce, const Bytes& plaintext, const Bytes& ad) {
    auto mode = Botan::AEAD_Mode::create_or_throw("ChaCha20Poly1305", Botan::ENCRYPTION);
    mode->set_key(key.data(), key.size());
    mode->set_associated_data(ad.data(), ad.size());
    mode->start(nonce.data(), nonce.size());
    Botan::secure_vector<std::uint8_t> buffer(plaintext.begin(), plaintext.end());
    mode->finish(buffer);
    Bytes out = nonce;
    out.insert(out.end(), buffer.begin(), buffer.end());
    return out;
}

Bytes plain(const SecureBytes& bytes) {
    return {bytes.begin(), bytes.end()};
}

}  // namespace

BOOST_AUTO_TEST_CASE(hmac_and_sha256_give_botans_bytes) {
    RandomInputs in;
    BOOST_TEST_CONTEXT("seed " << in.seed) {
        auto hash = Botan::HashFunction::create_or_throw("SHA-256");
        for (int i = 0; i < kRounds; ++i) {
            // Keys past SHA-256's 64-byte block are hashed first: cover both.
            const Bytes key = in.bytes_up_to(100);
            const Bytes message = in.bytes_up_to(300);
            BOOST_TEST(hmac_sha256(key, message) == botan_hmac(key, message));
            hash->update(message.data(), message.size());
            const auto digest = hash->final();
            BOOST_TEST(sha256(message) == Bytes(digest.begin(), digest.end()));
        }
    }
}

BOOST_AUTO_TEST_CASE(hkdf_gives_botans_bytes) {
    RandomInputs in;
    BOOST_TEST_CONTEXT("seed " << in.seed) {
        auto kdf = Botan::KDF::create_or_throw("HKDF(SHA-256)");
        for (int i = 0; i < kRounds; ++i) {
            const Bytes key = in.bytes_up_to(80);
            const Bytes salt = in.bytes_up_to(80);
            const Bytes label = in.bytes_up_to(40);
            const std::size_t length = 1 + in.engine() % 100;  // across block boundaries
            const std::string_view label_text(reinterpret_cast<const char*>(label.data()),
                                              label.size());
            // Every other round no salt: HashLen zero bytes (RFC 5869, 2.2).
            const Bytes used_salt = i % 2 == 0 ? salt : Bytes();
            const auto theirs = kdf->derive_key(length, key.data(), key.size(), used_salt.data(),
                                                used_salt.size(), label.data(), label.size());
            BOOST_TEST(plain(hkdf_sha256(key, used_salt, label_text, length)) ==
                       Bytes(theirs.begin(), theirs.end()));
        }
    }
}

BOOST_AUTO_TEST_CASE(xchacha20_poly1305_gives_botans_bytes_both_ways) {
    RandomInputs in;
    BOOST_TEST_CONTEXT("seed " << in.seed) {
        for (int i = 0; i < kRounds; ++i) {
            const Bytes key = in.bytes(kKeyBytes);
            const Bytes nonce = in.bytes(kNonceBytes);
            const Bytes plaintext = in.bytes_up_to(i < kRounds / 2 ? 100 : 5000);
            const Bytes ad = in.bytes_up_to(80);
            const Bytes ours = aead_seal_with_nonce(key, nonce, plaintext, ad);
            const Bytes theirs = botan_seal(key, nonce, plaintext, ad);
            BOOST_TEST(ours == theirs);
            const auto opened = aead_open(key, theirs, ad);
            BOOST_REQUIRE(opened.has_value());
            BOOST_TEST(plain(*opened) == plaintext);
        }
    }
}

BOOST_AUTO_TEST_CASE(x25519_gives_botans_bytes) {
    RandomInputs in;
    BOOST_TEST_CONTEXT("seed " << in.seed) {
        for (int i = 0; i < kRounds; ++i) {
            const Bytes scalar = in.bytes(32);
            // Any 32 bytes: a point, or one of the twist; the top bit set half
            // the time (RFC 7748 ignores it).
            const Bytes point = in.bytes(32);
            Bytes base(32), shared(32);
            Botan::curve25519_basepoint(base.data(), scalar.data());
            Botan::curve25519_donna(shared.data(), scalar.data(), point.data());
            BOOST_TEST(tresor::vault::host_public_key(scalar) == base);
            const auto ours = tresor::vault::x25519(scalar, point);
            BOOST_REQUIRE(ours.has_value());
            BOOST_TEST(plain(*ours) == shared);
        }
    }
}

// A low-order public key makes every shared secret zero, known to all:
// libsodium refuses it, and x25519 says so instead of handing out zeros.
BOOST_AUTO_TEST_CASE(x25519_refuses_low_order_points) {
    const Bytes scalar(32, 0x42);
    Bytes order_1(32, 0);  // u = 0
    Bytes order_2(32, 0);  // u = 1
    order_2[0] = 1;
    // u = 325606250916557431795983626356110631294008115727848805560023387167927233504,
    // a point of order 8 (RFC 7748's list in libsodium's has_small_order).
    const Bytes order_8 = {0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3,
                           0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32,
                           0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00};
    for (const Bytes& point : {order_1, order_2, order_8}) {
        BOOST_TEST(!tresor::vault::x25519(scalar, point).has_value());
    }
}
