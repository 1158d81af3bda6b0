// docs/VAULT-FORMAT.md's recipient-slot worked example against the code:
// every value in tests/data/vault/recipient_example.txt is recomputed from
// the inputs (RFC 7748's keys, the first example's vault), including the
// whole format-2 header; then the header is read back and opened with the
// host's private key alone, as an independent reader would.
#include <boost/test/unit_test.hpp>

#include <botan/hex.h>

#include <map>

#include "unit/vault/example_data.hpp"

#include "vault/detail/keys.hpp"
#include "vault/detail/record_codec.hpp"
#include "vault/slots/host_key.hpp"
#include "vault/slots/recipient.hpp"

using namespace tresor::vault::detail;
using tresor::vault::Credential;

namespace {

std::map<std::string, std::string> example() {
    return tresor::test::example_data("recipient_example.txt");
}

SecureBytes unhex(const std::string& hex) {
    const auto b = Botan::hex_decode_locked(hex);
    return {b.begin(), b.end()};
}

const std::string kWorkedExampleManifest =
    "592f739fbb22dbe4095c3d3bfc4bd8e04dfa2b303ab6119c18be88d708173442";
const std::string kPassword = "correct horse battery staple";

struct Inputs {
    std::map<std::string, std::string> ex = example();
    SecureBytes host_private = unhex(ex["host_private_key"]);
    SecureBytes ephemeral_private = unhex(ex["ephemeral_private_key"]);
    Bytes vault_id = Bytes(16, 0x22);
    SecureBytes vault_key = SecureBytes(32, 0x33);
    Credential host() const { return {Credential::Kind::hostkey, host_private}; }
    Credential password() const {
        return {Credential::Kind::password, SecureBytes(kPassword.begin(), kPassword.end())};
    }
};

Slot sealed(const Header& header, Slot slot, std::span<const std::uint8_t> kek,
            std::uint8_t nonce) {
    const Bytes wrapped = aead_seal_with_nonce(
        kek, Bytes(kNonceBytes, nonce), SecureBytes(32, 0x33), slot_associated_data(header, slot));
    slot.nonce.assign(wrapped.begin(), wrapped.begin() + kNonceBytes);
    slot.wrapped_vault_key.assign(wrapped.begin() + kNonceBytes, wrapped.end());
    return slot;
}

}  // namespace

BOOST_AUTO_TEST_CASE(recipient_example_key_agreement_and_wrap) {
    Inputs in;
    auto& ex = in.ex;
    const auto host_public = tresor::vault::host_public_key(in.host_private);
    BOOST_TEST(to_hex(host_public) == ex["host_public_key"]);
    BOOST_TEST(tresor::vault::public_key_text(host_public) == ex["host_public_text"]);
    const SecureBytes private_text = tresor::vault::private_key_text(in.host_private);
    BOOST_TEST(std::string(private_text.begin(), private_text.end()) == ex["host_private_text"]);
    const auto shared = tresor::vault::x25519(in.ephemeral_private, host_public);
    BOOST_REQUIRE(shared.has_value());
    BOOST_TEST(to_hex(*shared) == ex["shared_secret"]);  // RFC 7748 6.1's K

    Header header;
    header.vault_id = in.vault_id;
    Slot slot;
    slot.kind = SlotKind::recipient;
    slot.id = 2;
    slot.kdf = kKdfNone;
    slot.recipient_public_key = host_public;
    slot.label = "host2";
    const SecureBytes kek = recipient_kek_with_ephemeral(slot, in.ephemeral_private);
    BOOST_TEST(to_hex(slot.ephemeral_share) == ex["ephemeral_share"]);
    BOOST_TEST(to_hex(kek) == ex["kek"]);
    Bytes salt = slot.ephemeral_share;
    salt.insert(salt.end(), host_public.begin(), host_public.end());
    BOOST_TEST(to_hex(hkdf_sha256(*shared, salt, "tresor/v1/kek/recipient")) == ex["kek"]);
    // The host derives the same KEK from its private key and the share.
    BOOST_TEST(to_hex(recipient_kek(slot, in.host_private)) == ex["kek"]);
    BOOST_TEST(to_hex(slot_associated_data(header, slot)) == ex["slot_aad"]);
    const Slot wrapped = sealed(header, slot, kek, 0x88);
    Bytes stored = wrapped.nonce;
    stored.insert(stored.end(), wrapped.wrapped_vault_key.begin(), wrapped.wrapped_vault_key.end());
    BOOST_TEST(to_hex(stored) == ex["slot_sealed"]);
}

// The first worked example's vault after add-recipient: its password slot
// (byte for byte as in format 1) and the recipient slot, in a format-2 header.
BOOST_AUTO_TEST_CASE(recipient_example_header_blob) {
    Inputs in;
    auto& ex = in.ex;
    Header header;
    header.vault_id = in.vault_id;
    header.generation = 2;
    header.record_count = 1;
    const SecureBytes manifest = unhex(kWorkedExampleManifest);
    header.manifest.assign(manifest.begin(), manifest.end());
    Slot password;
    password.kind = SlotKind::password;
    password.id = 1;
    password.salt = Bytes(32, 0x11);
    password.params = {19456, 2, 1};
    header.slots.push_back(
        sealed(header, password, slot_kek(password, in.vault_id, in.password()), 0x66));
    Slot recipient;
    recipient.kind = SlotKind::recipient;
    recipient.id = 2;
    recipient.kdf = kKdfNone;
    recipient.recipient_public_key = tresor::vault::host_public_key(in.host_private);
    recipient.label = "host2";
    const SecureBytes kek = recipient_kek_with_ephemeral(recipient, in.ephemeral_private);
    header.slots.push_back(sealed(header, recipient, kek, 0x88));
    BOOST_TEST(format_version(header) == 2);
    header.mac = header_mac(derive_subkeys(in.vault_key, in.vault_id), header);
    BOOST_TEST(to_hex(header.mac) == ex["header_mac"]);
    const Bytes blob = encode_header(header);
    BOOST_TEST(blob.size() == 71u + 116u + (139u + 5u) + 32u);
    BOOST_TEST(to_hex(blob) == ex["header"]);
}

BOOST_AUTO_TEST_CASE(recipient_example_read_back_with_the_host_key_alone) {
    Inputs in;
    const SecureBytes blob = unhex(in.ex["header"]);
    const Header header = decode_header(blob);
    BOOST_TEST(format_version(header) == 2);
    BOOST_REQUIRE_EQUAL(header.slots.size(), 2u);
    const Slot& slot = header.slots[1];
    BOOST_TEST((slot.kind == SlotKind::recipient));
    BOOST_TEST(slot.label == "host2");
    BOOST_TEST(slot.recipient_public_key == tresor::vault::host_public_key(in.host_private));
    const auto vault_key = unwrap_slot(header, slot, slot_kek(slot, header.vault_id, in.host()));
    BOOST_REQUIRE(vault_key.has_value());
    BOOST_TEST(*vault_key == in.vault_key);
    BOOST_TEST(header_mac(derive_subkeys(*vault_key, header.vault_id), header) == header.mac);
    // The password slot still opens with the password: adding the recipient
    // changed no byte of it.
    const auto by_password = unwrap_slot(header, header.slots[0],
                                         slot_kek(header.slots[0], header.vault_id, in.password()));
    BOOST_TEST((by_password && *by_password == in.vault_key));
}
