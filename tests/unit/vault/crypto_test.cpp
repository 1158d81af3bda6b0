// Known answers for the vault's primitives, read from tests/data/vault.
#define BOOST_TEST_MODULE vault_crypto
#include <boost/test/unit_test.hpp>

#include <argon2.h>
#include <botan/argon2.h>
#include <botan/hex.h>

#include <fstream>
#include <map>

#include "vault/detail/crypto.hpp"

using namespace tresor::vault::detail;

namespace {

std::map<std::string, Bytes> known_answers() {
    std::ifstream in(std::string(TRESOR_TEST_DATA_DIR) + "/vault/known_answers.txt");
    std::map<std::string, Bytes> out;
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(": ");
        if (line.empty() || line[0] == '#' || colon == std::string::npos) {
            continue;
        }
        const auto bytes = Botan::hex_decode(line.substr(colon + 2));
        out[line.substr(0, colon)] = Bytes(bytes.begin(), bytes.end());
    }
    BOOST_REQUIRE(out.size() >= 8u);
    return out;
}

Bytes text(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

}  // namespace

BOOST_AUTO_TEST_CASE(xchacha20_poly1305_matches_draft_irtf_cfrg_xchacha) {
    auto v = known_answers();
    const Bytes sealed = aead_seal_with_nonce(v["xchacha.key"], v["xchacha.nonce"],
                                              v["xchacha.plaintext"], v["xchacha.aad"]);
    Bytes expected = v["xchacha.nonce"];
    expected.insert(expected.end(), v["xchacha.ciphertext"].begin(), v["xchacha.ciphertext"].end());
    expected.insert(expected.end(), v["xchacha.tag"].begin(), v["xchacha.tag"].end());
    BOOST_TEST(sealed == expected, boost::test_tools::per_element());

    const auto opened = aead_open(v["xchacha.key"], sealed, v["xchacha.aad"]);
    BOOST_REQUIRE(opened.has_value());
    BOOST_TEST(Bytes(opened->begin(), opened->end()) == v["xchacha.plaintext"],
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(aead_open_refuses_any_change_and_returns_nothing) {
    auto v = known_answers();
    const Bytes sealed = aead_seal(v["xchacha.key"], v["xchacha.plaintext"], v["xchacha.aad"]);
    for (std::size_t i = 0; i < sealed.size(); i += 7) {
        Bytes bad = sealed;
        bad[i] ^= 0x01;
        BOOST_TEST(!aead_open(v["xchacha.key"], bad, v["xchacha.aad"]).has_value(), i);
    }
    Bytes other_aad = v["xchacha.aad"];
    other_aad.back() ^= 1;
    BOOST_TEST(!aead_open(v["xchacha.key"], sealed, other_aad).has_value());
    BOOST_TEST(!aead_open(v["xchacha.key"], Bytes(10, 0), {}).has_value());
}

BOOST_AUTO_TEST_CASE(botans_argon2id_matches_rfc_9106) {
    auto v = known_answers();
    const Bytes password(32, 0x01), salt(16, 0x02), secret(8, 0x03), ad(12, 0x04);
    Bytes tag(32);
    Botan::argon2(tag.data(), tag.size(), reinterpret_cast<const char*>(password.data()),
                  password.size(), salt.data(), salt.size(), secret.data(), secret.size(),
                  ad.data(), ad.size(), /*Argon2id*/ 2, /*lanes*/ 4, /*KiB*/ 32, /*passes*/ 3);
    BOOST_TEST(tag == v["rfc9106.tag"], boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_vaults_argon2id_wrapper_matches_libsodium) {
    auto v = known_answers();
    const SecureBytes tag = argon2id(text("password"), text("somesaltsomesalt"), {65536, 3, 1}, 32);
    BOOST_TEST(Bytes(tag.begin(), tag.end()) == v["argon2id.tag"],
               boost::test_tools::per_element());
}

// The vault's Argon2id against Botan's, byte for byte, over the shapes the
// vault uses: 32-byte salts, lanes 1-4, passwords of any length
// (tests/unit/vault/argon2id_test.cpp holds it to libargon2 and the RFC).
BOOST_AUTO_TEST_CASE(the_vaults_argon2id_gives_botans_bytes) {
    struct Case {
        std::size_t password_bytes;
        Argon2Params params;
    };
    const Case cases[] = {{0, {8, 1, 1}},     {1, {64, 2, 1}},     {16, {19 * 1024, 2, 1}},
                          {64, {4096, 3, 2}}, {200, {1024, 1, 4}}, {32, {19 * 1024, 2, 4}}};
    for (const Case& c : cases) {
        Bytes password(c.password_bytes);
        for (std::size_t i = 0; i < password.size(); ++i) {
            password[i] = static_cast<std::uint8_t>(i * 31 + 7);
        }
        const Bytes salt(32, static_cast<std::uint8_t>(c.params.memory_kib));
        const SecureBytes ours = argon2id(password, salt, c.params);
        Bytes botan(32);
        Botan::argon2(botan.data(), botan.size(), reinterpret_cast<const char*>(password.data()),
                      password.size(), salt.data(), salt.size(), nullptr, 0, nullptr, 0,
                      /*Argon2id*/ 2, c.params.parallelism, c.params.memory_kib,
                      c.params.iterations);
        BOOST_TEST(Bytes(ours.begin(), ours.end()) == botan, boost::test_tools::per_element());
    }
}

// KDF 2's shape (one lane, 16-byte salt) against libargon2, the RFC 9106
// reference implementation, called directly.
BOOST_AUTO_TEST_CASE(the_one_lane_16_byte_salt_shape_gives_libargon2s_bytes) {
    struct Case {
        std::size_t password_bytes;
        std::uint32_t memory_kib;
        std::uint32_t iterations;
    };
    const Case cases[] = {{0, 8 * 1024, 1},
                          {1, 8 * 1024 + 1, 2},
                          {28, 19 * 1024, 2},
                          {200, 19 * 1024, 3},
                          {64, 64 * 1024, 3}};
    for (const Case& c : cases) {
        Bytes password(c.password_bytes);
        for (std::size_t i = 0; i < password.size(); ++i) {
            password[i] = static_cast<std::uint8_t>(i * 131 + c.memory_kib);
        }
        Bytes salt(16);
        for (std::size_t i = 0; i < salt.size(); ++i) {
            salt[i] = static_cast<std::uint8_t>(i * 17 + c.iterations);
        }
        const SecureBytes ours = argon2id(password, salt, {c.memory_kib, c.iterations, 1});
        Bytes reference(32);
        BOOST_REQUIRE(argon2id_hash_raw(c.iterations, c.memory_kib, 1, password.data(),
                                        password.size(), salt.data(), salt.size(), reference.data(),
                                        reference.size()) == ARGON2_OK);
        BOOST_TEST(Bytes(ours.begin(), ours.end()) == reference, boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(hkdf_sha256_matches_rfc_5869) {
    auto v = known_answers();
    for (const std::string n : {"1", "2", "3"}) {
        const std::string prefix = "rfc5869." + n + ".";
        const Bytes& info = v[prefix + "info"];
        const Bytes& okm = v[prefix + "okm"];
        const SecureBytes out =
            hkdf_sha256(v[prefix + "ikm"], v[prefix + "salt"],
                        {reinterpret_cast<const char*>(info.data()), info.size()}, okm.size());
        BOOST_TEST(Bytes(out.begin(), out.end()) == okm, boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(hkdf_sha256_refuses_more_than_255_blocks) {
    const Bytes key(32, 7);
    BOOST_TEST(hkdf_sha256(key, {}, "x", 255 * 32).size() == 255u * 32u);
    BOOST_CHECK_THROW((void)hkdf_sha256(key, {}, "x", 255 * 32 + 1), tresor::Error);
}

BOOST_AUTO_TEST_CASE(aead_refuses_a_key_or_nonce_of_another_size) {
    const Bytes key(32, 7), nonce(24, 1);
    BOOST_CHECK_THROW((void)aead_seal_with_nonce(Bytes(31, 7), nonce, {}, {}), tresor::Error);
    BOOST_CHECK_THROW((void)aead_seal_with_nonce(key, Bytes(12, 1), {}, {}), tresor::Error);
    const Bytes sealed = aead_seal_with_nonce(key, nonce, text("value"), {});
    BOOST_CHECK_THROW((void)aead_open(Bytes(16, 7), sealed, {}), tresor::Error);
}

BOOST_AUTO_TEST_CASE(equal_in_constant_time_compares_length_and_every_byte) {
    const Bytes a = text("abcdef");
    BOOST_TEST(equal_in_constant_time(a, text("abcdef")));
    BOOST_TEST(!equal_in_constant_time(a, text("abcdeg")));
    BOOST_TEST(!equal_in_constant_time(a, text("bbcdef")));
    BOOST_TEST(!equal_in_constant_time(a, text("abcde")));
    BOOST_TEST(equal_in_constant_time({}, {}));
}

BOOST_AUTO_TEST_CASE(hkdf_labels_give_independent_keys) {
    const Bytes key(32, 7), salt(16, 9);
    BOOST_TEST(hkdf_sha256(key, salt, "tresor/v1/record") !=
               hkdf_sha256(key, salt, "tresor/v1/index"));
    BOOST_TEST(hkdf_sha256(key, salt, "a").size() == 32u);
}
