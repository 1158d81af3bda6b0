// core/pem_key.hpp — a private key in PEM (RFC 7468), as a jwt credential's
// value holds it: the armor read and its base64 decoded into wiped memory.
// The DER inside is read by the signer that uses it (libsodium's Ed25519
// below, Botan 2 for RSA and ECDSA in core/jwt_botan_module.cpp).
//
// Untrusted input (a stored value may come from anyone who could set it):
// fuzzed by fuzz/jwt_input_fuzzer.cpp. Messages never quote the key.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "tresor/secret.hpp"

namespace tresor::core {

// The three labels a private key is stored under (RFC 7468 section 10 and
// the traditional OpenSSL forms).
enum class PemKeyForm {
    pkcs8,      // "PRIVATE KEY": PKCS#8 PrivateKeyInfo, any algorithm
    rsa_pkcs1,  // "RSA PRIVATE KEY": PKCS#1 RSAPrivateKey
    ec_sec1,    // "EC PRIVATE KEY": SEC 1 ECPrivateKey, the curve named inside
};

struct PemKey {
    PemKeyForm form;
    SecureBytes der;
};

// Exactly one PEM block, surrounded by nothing but white space, with one of
// the labels above and no header lines. Throws Error{invalid_argument}
// saying what is wrong (not PEM, another label, encrypted, bad base64).
[[nodiscard]] PemKey parse_pem_private_key(std::span<const std::uint8_t> text);

// The 32-byte seed of an Ed25519 key in RFC 8410's PKCS#8 form (what
// `openssl genpkey -algorithm ed25519` writes), or nullopt for another key.
[[nodiscard]] std::optional<SecureBytes> ed25519_seed(const PemKey& key);

}  // namespace tresor::core
