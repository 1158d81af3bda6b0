/* core/jwt_botan_abi.h — the one function of tresor-jwt-botan.so, the part of
 * tresor that links Botan 2 (RSA, RSA-PSS, ECDSA and HMAC-SHA-384 for jwt
 * credentials). libtresor and the CLI load it only when such a token is
 * signed (core/jwt_botan.cpp), so no other command pays for Botan's load.
 * Both sides are built from one tree; the name carries a version all the same. */
#ifndef TRESOR_CORE_JWT_BOTAN_ABI_H
#define TRESOR_CORE_JWT_BOTAN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What `key` holds. */
enum tresor_jwt_key_form {
    TRESOR_JWT_KEY_SECRET = 0,    /* an HMAC secret */
    TRESOR_JWT_KEY_PKCS8 = 1,     /* DER PKCS#8 PrivateKeyInfo */
    TRESOR_JWT_KEY_RSA_PKCS1 = 2, /* DER PKCS#1 RSAPrivateKey */
    TRESOR_JWT_KEY_EC_SEC1 = 3    /* DER SEC 1 ECPrivateKey naming its curve */
};

/* Signs `input` for the JWS algorithm `algorithm` ("RS256", "PS384",
 * "ES512", "HS384", ...). On entry *signature_size is the capacity of
 * `signature`, on success the signature's size. Returns a tresor_status
 * (TRESOR_OK; TRESOR_INVALID_ARGUMENT for a key that does not parse or
 * cannot do the algorithm) and on failure writes a NUL-terminated reason,
 * which never quotes the key, into `message`. */
typedef int (*tresor_jwt_botan_sign_fn)(const char* algorithm, int key_form, const uint8_t* key,
                                        size_t key_size, const uint8_t* input, size_t input_size,
                                        uint8_t* signature, size_t* signature_size, char* message,
                                        size_t message_size);

#define TRESOR_JWT_BOTAN_SIGN_SYMBOL "tresor_jwt_botan_sign_v1"
/* The largest signature: RSA with a 16384-bit modulus. */
#define TRESOR_JWT_MAX_SIGNATURE 2048

#ifdef __cplusplus
}
#endif

#endif /* TRESOR_CORE_JWT_BOTAN_ABI_H */
