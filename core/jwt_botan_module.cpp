// core/jwt_botan_module.cpp — tresor-jwt-botan.so: RS*, PS*, ES* and HS384
// signatures with Botan 2 (core/jwt_botan_abi.h). Its own module so that
// only a process that signs such a token loads Botan (docs/ARCHITECTURE.md).
// The key is decoded into Botan's secure_vector, wiped when freed.
#include <botan/ber_dec.h>
#include <botan/data_src.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/mac.h>
#include <botan/pkcs8.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "core/jwt_botan_abi.h"
#include "tresor/status.h"

namespace {

// A key the algorithm cannot use, or that does not parse: the caller's
// mistake, reported as such.
struct Refusal {
    std::string why;
};

struct AlgorithmRule {
    std::string_view name;
    std::string_view key_algorithm;  // Botan's algo_name() of the key it needs
    const char* padding;             // Botan's EMSA
    const char* curve;               // for ECDSA
};

constexpr AlgorithmRule kRules[] = {
    {"RS256", "RSA", "EMSA3(SHA-256)", nullptr},
    {"RS384", "RSA", "EMSA3(SHA-384)", nullptr},
    {"RS512", "RSA", "EMSA3(SHA-512)", nullptr},
    // RFC 7518 3.5: MGF1 with the same hash, a salt as long as the hash.
    {"PS256", "RSA", "PSSR(SHA-256,MGF1,32)", nullptr},
    {"PS384", "RSA", "PSSR(SHA-384,MGF1,48)", nullptr},
    {"PS512", "RSA", "PSSR(SHA-512,MGF1,64)", nullptr},
    {"ES256", "ECDSA", "EMSA1(SHA-256)", "secp256r1"},
    {"ES384", "ECDSA", "EMSA1(SHA-384)", "secp384r1"},
    {"ES512", "ECDSA", "EMSA1(SHA-512)", "secp521r1"},
};

// RFC 7518 3.3: "A key of size 2048 bits or larger MUST be used".
constexpr std::size_t kMinRsaBits = 2048;

const AlgorithmRule& rule_for(std::string_view name) {
    for (const auto& rule : kRules) {
        if (rule.name == name) {
            return rule;
        }
    }
    throw Refusal{"algorithm " + std::string(name) + " is not signed with Botan"};
}

// SEC 1's ECPrivateKey names its curve in [0]; Botan's EC key reads the
// curve from the AlgorithmIdentifier a PKCS#8 wrapper would carry.
Botan::OID sec1_curve(const Botan::secure_vector<uint8_t>& der) {
    Botan::OID curve;
    Botan::secure_vector<uint8_t> scalar;
    Botan::BER_Decoder(der)
        .start_cons(Botan::SEQUENCE)
        .decode_and_check<size_t>(1, "ECPrivateKey version")
        .decode(scalar, Botan::OCTET_STRING)
        .decode_optional(curve, Botan::ASN1_Tag(0), Botan::PRIVATE)
        .discard_remaining();
    if (curve.empty()) {
        throw Refusal{"the EC private key names no curve"};
    }
    return curve;
}

std::unique_ptr<Botan::Private_Key> load_key(int form, const uint8_t* key, size_t size) {
    const Botan::secure_vector<uint8_t> der(key, key + size);
    try {
        switch (form) {
            case TRESOR_JWT_KEY_PKCS8: {
                Botan::DataSource_Memory source(der);
                return Botan::PKCS8::load_key(source);
            }
            case TRESOR_JWT_KEY_RSA_PKCS1:
                return std::make_unique<Botan::RSA_PrivateKey>(
                    Botan::AlgorithmIdentifier(Botan::OID::from_string("RSA"),
                                               Botan::AlgorithmIdentifier::USE_NULL_PARAM),
                    der);
            case TRESOR_JWT_KEY_EC_SEC1: {
                const Botan::EC_Group group(sec1_curve(der));
                return std::make_unique<Botan::ECDSA_PrivateKey>(
                    Botan::AlgorithmIdentifier(Botan::OID::from_string("ECDSA"),
                                               group.DER_encode(Botan::EC_DOMPAR_ENC_OID)),
                    der);
            }
            default:
                break;
        }
    } catch (const Refusal&) {
        throw;
    } catch (const std::exception&) {
        // Botan's message may describe the bytes it read: not passed on.
    }
    throw Refusal{"the private key does not parse (PKCS#8, PKCS#1 or SEC 1 DER inside the PEM)"};
}

std::vector<uint8_t> sign_with_key(const AlgorithmRule& rule, const Botan::Private_Key& key,
                                   const uint8_t* input, size_t input_size) {
    const std::string have = key.algo_name();
    if (have != rule.key_algorithm) {
        throw Refusal{"algorithm " + std::string(rule.name) + " needs an " +
                      std::string(rule.key_algorithm) + " key; this key is " + have};
    }
    if (rule.curve != nullptr) {
        const auto& ec = dynamic_cast<const Botan::EC_PrivateKey&>(key);
        if (ec.domain().get_curve_oid() != Botan::EC_Group(rule.curve).get_curve_oid()) {
            throw Refusal{"algorithm " + std::string(rule.name) + " needs a key on " + rule.curve +
                          "; this key is on another curve"};
        }
    } else if (key.key_length() < kMinRsaBits) {
        throw Refusal{"an RSA key for " + std::string(rule.name) + " must have at least " +
                      std::to_string(kMinRsaBits) + " bits (RFC 7518); this one has " +
                      std::to_string(key.key_length())};
    }
    Botan::System_RNG rng;
    // IEEE 1363: ECDSA's r || s, each as long as the group order (RFC 7518
    // 3.4), not DER. RSA signatures are one string either way.
    Botan::PK_Signer signer(key, rng, rule.padding, Botan::IEEE_1363);
    return signer.sign_message(input, input_size, rng);
}

void write_message(char* message, size_t size, const std::string& text) {
    if (size == 0) {
        return;
    }
    const size_t n = std::min(size - 1, text.size());
    std::memcpy(message, text.data(), n);
    message[n] = '\0';
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int tresor_jwt_botan_sign_v1(
    const char* algorithm, int key_form, const uint8_t* key, size_t key_size, const uint8_t* input,
    size_t input_size, uint8_t* signature, size_t* signature_size, char* message,
    size_t message_size) {
    try {
        std::vector<uint8_t> out;
        if (key_form == TRESOR_JWT_KEY_SECRET) {
            if (std::string_view(algorithm) != "HS384") {
                throw Refusal{"algorithm " + std::string(algorithm) + " is not an HMAC"};
            }
            auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-384)");
            mac->set_key(key, key_size);
            mac->update(input, input_size);
            out = Botan::unlock(mac->final());
        } else {
            const AlgorithmRule& rule = rule_for(algorithm);
            out = sign_with_key(rule, *load_key(key_form, key, key_size), input, input_size);
        }
        if (out.size() > *signature_size) {
            throw Refusal{"the signature is larger than " + std::to_string(*signature_size) +
                          " bytes (a key that large is not supported)"};
        }
        std::memcpy(signature, out.data(), out.size());
        *signature_size = out.size();
        return TRESOR_OK;
    } catch (const Refusal& refusal) {
        write_message(message, message_size, refusal.why);
        return TRESOR_INVALID_ARGUMENT;
    } catch (const std::exception& e) {
        write_message(message, message_size, std::string("Botan failed to sign: ") + e.what());
        return TRESOR_INTERNAL;
    }
}
