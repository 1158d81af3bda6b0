#include "core/jwt.hpp"

#include <sodium.h>

#include <array>
#include <span>
#include <string>
#include <vector>

#include "core/base64.hpp"
#include "core/jwt_botan.hpp"
#include "core/pem_key.hpp"
#include "tresor/error.hpp"

namespace tresor::core {
namespace {

[[noreturn]] void invalid(const std::string& why) {
    throw Error(ErrorCode::invalid_argument, "jwt credential: " + why);
}

std::span<const std::uint8_t> bytes_of(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// RFC 7518 3.2: "A key of the same size as the hash output ... or larger
// MUST be used".
// A PEM private key stored under an HS* algorithm would be taken as a long
// HMAC secret and sign tokens no verifier expects: the mix-up is refused.
void check_secret(JwtAlgorithm algorithm, const Secret& key, std::size_t minimum) {
    if (key.view().find("-----BEGIN ") != std::string_view::npos) {
        invalid("algorithm " + std::string(to_string(algorithm)) +
                " signs with a shared secret; the value is a PEM block (pick RS*, PS*, ES* or "
                "EdDSA for a private key)");
    }
    if (key.size() < minimum) {
        invalid("an " + std::string(to_string(algorithm)) + " secret must be at least " +
                std::to_string(minimum) + " bytes (RFC 7518 3.2); this one is shorter");
    }
}

template <class State, std::size_t Bytes>
std::vector<std::uint8_t> hmac(const Secret& key, std::string_view input,
                               int (*init)(State*, const unsigned char*, size_t),
                               int (*update)(State*, const unsigned char*, unsigned long long),
                               int (*final)(State*, unsigned char*)) {
    State state;
    std::vector<std::uint8_t> mac(Bytes);
    init(&state, key.bytes().data(), key.size());
    update(&state, bytes_of(input).data(), input.size());
    final(&state, mac.data());
    sodium_memzero(&state, sizeof state);
    return mac;
}

std::vector<std::uint8_t> sign_ed25519(const PemKey& key, std::string_view input) {
    const auto seed = ed25519_seed(key);
    if (!seed) {
        invalid(
            "algorithm EdDSA needs an Ed25519 private key in PKCS#8 (`openssl genpkey "
            "-algorithm ed25519`); this key is another kind");
    }
    std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> public_key{};
    SecureBytes secret_key(crypto_sign_SECRETKEYBYTES);
    crypto_sign_seed_keypair(public_key.data(), secret_key.data(), seed->data());
    std::vector<std::uint8_t> signature(crypto_sign_BYTES);
    crypto_sign_detached(signature.data(), nullptr, bytes_of(input).data(), input.size(),
                         secret_key.data());
    return signature;
}

tresor_jwt_key_form botan_form(PemKeyForm form) {
    switch (form) {
        case PemKeyForm::rsa_pkcs1:
            return TRESOR_JWT_KEY_RSA_PKCS1;
        case PemKeyForm::ec_sec1:
            return TRESOR_JWT_KEY_EC_SEC1;
        case PemKeyForm::pkcs8:
            break;
    }
    return TRESOR_JWT_KEY_PKCS8;
}

std::vector<std::uint8_t> signature(JwtAlgorithm algorithm, const Secret& key,
                                    std::string_view input) {
    switch (algorithm) {
        case JwtAlgorithm::HS256:
            check_secret(algorithm, key, crypto_auth_hmacsha256_BYTES);
            return hmac<crypto_auth_hmacsha256_state, crypto_auth_hmacsha256_BYTES>(
                key, input, crypto_auth_hmacsha256_init, crypto_auth_hmacsha256_update,
                crypto_auth_hmacsha256_final);
        case JwtAlgorithm::HS512:
            check_secret(algorithm, key, crypto_auth_hmacsha512_BYTES);
            return hmac<crypto_auth_hmacsha512_state, crypto_auth_hmacsha512_BYTES>(
                key, input, crypto_auth_hmacsha512_init, crypto_auth_hmacsha512_update,
                crypto_auth_hmacsha512_final);
        case JwtAlgorithm::HS384:
            // libsodium has no SHA-384 (SHA-512 with other initial values);
            // Botan does, and is loaded for RSA and ECDSA anyway.
            check_secret(algorithm, key, 48);
            return sign_with_botan(algorithm, TRESOR_JWT_KEY_SECRET, key.bytes(), input);
        case JwtAlgorithm::EdDSA:
            return sign_ed25519(parse_pem_private_key(key.bytes()), input);
        default: {
            const PemKey pem = parse_pem_private_key(key.bytes());
            return sign_with_botan(algorithm, botan_form(pem.form), pem.der, input);
        }
    }
}

}  // namespace

Secret sign_jwt(const Attributes& fields, const Secret& key,
                std::chrono::system_clock::time_point now) {
    const JwtSpec spec = jwt_spec(fields);
    if (key.empty()) {
        invalid(uses_shared_secret(spec.algorithm) ? "the value (the HMAC secret) is empty"
                                                   : "the value (the private key) is empty");
    }
    if (sodium_init() < 0) {
        throw Error(ErrorCode::internal, "libsodium failed to initialize");
    }
    std::array<std::uint8_t, 16> nonce{};
    randombytes_buf(nonce.data(), nonce.size());
    std::string jti;
    append_base64url(jti, nonce);
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();

    std::string input;
    append_base64url(input, bytes_of(spec.header_json));
    input += '.';
    append_base64url(input, bytes_of(jwt_payload(spec, seconds, jti)));
    const std::vector<std::uint8_t> sig = signature(spec.algorithm, key, input);

    SecureBytes token(input.begin(), input.end());
    token.push_back('.');
    append_base64url(token, sig);
    return Secret(std::move(token));
}

}  // namespace tresor::core
