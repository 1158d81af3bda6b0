// The pure parts of jwt credentials (issue 24): base64url, the PEM reader
// and the claims. Tokens themselves are verified by an independent library
// in tests/integration/jwt.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "core/base64.hpp"
#include "core/jwt_claims.hpp"
#include "core/pem_key.hpp"
#include "tresor/error.hpp"

namespace {

using tresor::Error;
using tresor::ErrorCode;

std::span<const std::uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string base64url(std::string_view s) {
    std::string out;
    tresor::core::append_base64url(out, bytes(s));
    return out;
}

auto refused_saying(std::string words) {
    return [words](const Error& e) {
        return e.code() == ErrorCode::invalid_argument &&
               std::string(e.what()).find(words) != std::string::npos;
    };
}

std::string pem(std::string_view label, std::string_view body) {
    return "-----BEGIN " + std::string(label) + "-----\n" + std::string(body) + "\n-----END " +
           std::string(label) + "-----\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(jwt)

// RFC 4648 section 10's vectors without padding, and the two URL-safe digits.
BOOST_AUTO_TEST_CASE(base64url_has_no_padding_and_the_url_alphabet) {
    BOOST_TEST(base64url("") == "");
    BOOST_TEST(base64url("f") == "Zg");
    BOOST_TEST(base64url("fo") == "Zm8");
    BOOST_TEST(base64url("foo") == "Zm9v");
    BOOST_TEST(base64url("foob") == "Zm9vYg");
    BOOST_TEST(base64url("fooba") == "Zm9vYmE");
    BOOST_TEST(base64url("foobar") == "Zm9vYmFy");
    BOOST_TEST(base64url("\xfb\xff") == "-_8");
}

BOOST_AUTO_TEST_CASE(pem_blocks_decode_with_their_form) {
    using tresor::core::PemKeyForm;
    const auto key = tresor::core::parse_pem_private_key(
        bytes("\n  " + pem("EC PRIVATE KEY", "Zm9v\r\nYmE=") + "\n"));
    BOOST_TEST((key.form == PemKeyForm::ec_sec1));
    BOOST_TEST(std::string(key.der.begin(), key.der.end()) == "fooba");
    BOOST_TEST((tresor::core::parse_pem_private_key(bytes(pem("RSA PRIVATE KEY", "Zg=="))).form ==
                PemKeyForm::rsa_pkcs1));
    BOOST_TEST(!tresor::core::ed25519_seed(key));
}

BOOST_AUTO_TEST_CASE(what_is_not_one_plain_private_key_is_refused) {
    using tresor::core::parse_pem_private_key;
    BOOST_CHECK_EXCEPTION((void)parse_pem_private_key(bytes("Zm9v")), Error,
                          refused_saying("is not in PEM"));
    BOOST_CHECK_EXCEPTION((void)parse_pem_private_key(bytes(pem("PUBLIC KEY", "Zm9v"))), Error,
                          refused_saying("another kind"));
    BOOST_CHECK_EXCEPTION((void)parse_pem_private_key(bytes(pem("ENCRYPTED PRIVATE KEY", "Zm9v"))),
                          Error, refused_saying("is encrypted"));
    BOOST_CHECK_EXCEPTION((void)parse_pem_private_key(
                              bytes(pem("RSA PRIVATE KEY", "Proc-Type: 4,ENCRYPTED\n\nZm9v"))),
                          Error, refused_saying("header lines"));
    for (const char* body : {"Zm9", "Zg=", "Z===", "Zg==Zg==", "Zm9v=", "Zm9v!", ""}) {
        BOOST_CHECK_EXCEPTION((void)parse_pem_private_key(bytes(pem("PRIVATE KEY", body))), Error,
                              refused_saying("the private key"));
    }
    BOOST_CHECK_EXCEPTION((void)parse_pem_private_key(bytes(
                              "-----BEGIN PRIVATE KEY-----\nZm9v\n-----END EC PRIVATE KEY-----\n")),
                          Error, refused_saying("does not match"));
    BOOST_CHECK_EXCEPTION(
        (void)parse_pem_private_key(bytes(pem("PRIVATE KEY", "Zm9v") + pem("PRIVATE KEY", "Zm9v"))),
        Error, refused_saying("more text"));
    BOOST_CHECK_EXCEPTION((void)parse_pem_private_key(bytes("-----BEGIN PRIVATE KEY-----\nZm9v\n")),
                          Error, refused_saying("no '-----END' line"));
}

// RFC 8410 section 10.3's example key: its seed is the last 32 bytes.
BOOST_AUTO_TEST_CASE(an_ed25519_pkcs8_key_gives_its_seed) {
    const auto key = tresor::core::parse_pem_private_key(bytes(
        pem("PRIVATE KEY", "MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC")));
    const auto seed = tresor::core::ed25519_seed(key);
    BOOST_REQUIRE(seed);
    BOOST_TEST(seed->size() == 32u);
    BOOST_TEST(seed->front() == 0xd4);
    BOOST_TEST(seed->back() == 0x42);
}

BOOST_AUTO_TEST_CASE(the_payload_holds_the_fields_and_per_token_claims) {
    const auto spec = tresor::core::jwt_spec({{"algorithm", "ES256"},
                                              {"iss", "ci"},
                                              {"aud", "api"},
                                              {"lifetime", "60"},
                                              {"kid", "k1"},
                                              {"claims", R"({"scope":"deploy","n":[1]})"}});
    BOOST_TEST(spec.header_json == R"({"alg":"ES256","kid":"k1","typ":"JWT"})");
    const auto payload =
        nlohmann::json::parse(tresor::core::jwt_payload(spec, 1'800'000'000, "abc"));
    BOOST_TEST(payload == nlohmann::json::parse(R"({"aud":"api","exp":1800000060,
        "iat":1800000000,"iss":"ci","jti":"abc","n":[1],"scope":"deploy"})"));
    BOOST_TEST(tresor::core::jwt_spec({{"algorithm", "HS256"}}).lifetime.count() == 300);
    BOOST_CHECK_EXCEPTION((void)tresor::core::jwt_spec({{"iss", "ci"}}), Error,
                          refused_saying("field 'algorithm' is required"));
    BOOST_CHECK_EXCEPTION(tresor::core::check_jwt_fields({{"lifetime", "31622401"}}), Error,
                          refused_saying("field 'lifetime'"));
    BOOST_CHECK_EXCEPTION(tresor::core::check_jwt_fields({{"claims", R"({"a":"\xff"})"}}), Error,
                          refused_saying("field 'claims'"));
}

BOOST_AUTO_TEST_SUITE_END()
