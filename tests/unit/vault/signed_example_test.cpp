// docs/VAULT-FORMAT.md's signed-header worked example against the code:
// every value in tests/data/vault/signed_example.txt (computed with Python's
// cryptography package) is recomputed from the inputs — the recipient
// example's vault signed by the admin seed 32 x 99 — and the header is read
// back: its signature verified, the host's vault key checked against the
// commitment, and refused under another pin, as a host would.
#include <boost/test/unit_test.hpp>

#include <botan/hex.h>

#include <map>

#include "unit/vault/example_data.hpp"
#include "vault/detail/keys.hpp"
#include "vault/detail/record_codec.hpp"
#include "vault/trust/admin_key.hpp"
#include "vault/trust/header_trust.hpp"

using namespace tresor::vault::detail;
using tresor::vault::admin_identity_text;
using tresor::vault::admin_key_from_seed;
using tresor::vault::admin_signature_verifies;
using tresor::vault::AdminKeyPair;

namespace {

SecureBytes unhex(const std::string& hex) {
    const auto b = Botan::hex_decode_locked(hex);
    return {b.begin(), b.end()};
}

struct Inputs {
    std::map<std::string, std::string> ex = tresor::test::example_data("signed_example.txt");
    std::map<std::string, std::string> recipient =
        tresor::test::example_data("recipient_example.txt");
    SecureBytes vault_key = SecureBytes(32, 0x33);
    AdminKeyPair admin = admin_key_from_seed(Bytes(32, 0x99));

    // The recipient example's header after `tresor vault sign`.
    Header signed_header() const {
        Header header = decode_header(unhex(recipient.at("header")));
        header.generation = 3;
        sign_header(header, admin, vault_key, 1);
        header.mac = header_mac(derive_subkeys(vault_key, header.vault_id), header);
        return header;
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(signed_example_identity_commitment_and_signature) {
    const Inputs in;
    auto ex = in.ex;
    BOOST_TEST(to_hex(in.admin.public_key) == ex["admin_public_key"]);
    BOOST_TEST(admin_identity_text(in.admin.public_key) == ex["admin_identity"]);
    const Header header = in.signed_header();
    BOOST_TEST(to_hex(key_commitment(in.vault_key, header.vault_id)) == ex["key_commitment"]);
    BOOST_TEST(to_hex(header.admin->key_commitment) == ex["key_commitment"]);
    BOOST_TEST(to_hex(signed_message(header)) == ex["signed_message"]);
    BOOST_TEST(to_hex(header.admin->signature) == ex["signature"]);  // Ed25519 is deterministic
    BOOST_TEST(format_version(header) == 3);
    const Bytes body = encode_header_body(header);
    BOOST_TEST(to_hex(std::span(body).last(137)) == ex["admin_block"]);
    BOOST_TEST(to_hex(header.mac) == ex["header_mac"]);
    const Bytes blob = encode_header(header);
    BOOST_TEST(blob.size() == 71u + 116u + 144u + 137u + 32u);
    BOOST_TEST(to_hex(blob) == ex["header"]);
}

BOOST_AUTO_TEST_CASE(signed_example_hand_over) {
    const Inputs in;
    auto ex = in.ex;
    const AdminKeyPair next = admin_key_from_seed(Bytes(32, 0xaa));
    BOOST_TEST(to_hex(next.public_key) == ex["next_admin_public_key"]);
    const Header header = in.signed_header();
    BOOST_TEST(to_hex(handover_message(header.vault_id, in.admin.public_key, next.public_key)) ==
               ex["handover_message"]);
    BOOST_TEST(to_hex(make_handover(header, in.admin, next.public_key).signature) ==
               ex["handover_signature"]);
}

BOOST_AUTO_TEST_CASE(signed_example_read_back_as_a_host) {
    const Inputs in;
    const Header header = decode_header(unhex(in.ex.at("header")));
    BOOST_REQUIRE(header.admin.has_value());
    BOOST_TEST(header.admin->key_epoch == 1u);
    BOOST_TEST(!header.admin->handover.has_value());
    BOOST_TEST(admin_signature_verifies(header.admin->admin_public_key, signed_message(header),
                                        header.admin->signature));
    // A host with the RFC 7748 host key: its slot, the MAC, the commitment.
    const SecureBytes host_key = unhex(in.recipient.at("host_private_key"));
    const auto vault_key =
        unwrap_slot(header, header.slots[1],
                    slot_kek(header.slots[1], header.vault_id,
                             {tresor::vault::Credential::Kind::hostkey, host_key}));
    BOOST_REQUIRE(vault_key.has_value());
    BOOST_TEST(header_mac(derive_subkeys(*vault_key, header.vault_id), header) == header.mac);
    HeaderTrust pinned({in.admin.public_key, {}, false}, "the example");
    pinned.check(header);
    pinned.accept(header, *vault_key);
    HeaderTrust other({admin_key_from_seed(Bytes(32, 0xaa)).public_key, {}, false}, "the example");
    BOOST_CHECK_THROW(other.check(header), tresor::Error);
    BOOST_CHECK_THROW(pinned.accept(header, SecureBytes(32, 0x34)), tresor::Error);
}
