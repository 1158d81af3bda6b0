// docs/VAULT-FORMAT.md's audit-log worked example against the code: every
// value in tests/data/vault/audit_example.txt is recomputed from the inputs
// (the first example's vault, one event, a fixed nonce) — both keys, the
// block's plaintext, AAD and sealed bytes, its link, the head entry, the
// manifest that folds it in and the whole header with its MAC — then the
// block is opened and decoded back to the event, as an independent reader
// would.
#include <boost/test/unit_test.hpp>

#include <botan/hex.h>

#include "unit/vault/example_data.hpp"
#include "vault/audit/chain.hpp"
#include "vault/audit/codec.hpp"
#include "vault/detail/header.hpp"
#include "vault/detail/keys.hpp"
#include "vault/detail/record_codec.hpp"

using namespace tresor::vault;
using namespace tresor::vault::detail;

namespace {

Bytes unhex(const std::string& hex) {
    const auto b = Botan::hex_decode(hex);
    return {b.begin(), b.end()};
}

audit::Event example_event() {
    audit::Event e;
    e.operation = audit::Operation::set;
    e.outcome = audit::Outcome::ok;
    e.time_ms = 1767225600000;
    e.caller = {1000, 4242, "/usr/bin/tresor", "password slot 1"};
    e.service = "github";
    e.name = "ci";
    return e;
}

}  // namespace

BOOST_AUTO_TEST_CASE(audit_example_block_link_head_and_header) {
    auto ex = tresor::test::example_data("audit_example.txt");
    auto first = tresor::test::example_data("worked_example.txt");
    BOOST_REQUIRE(ex.size() == 10u);
    const Bytes vault_id(16, 0x22);
    const SecureBytes vault_key(32, 0x33);

    const audit::Keys keys = audit::derive_keys(vault_key, vault_id);
    BOOST_TEST(to_hex(keys.seal) == ex["seal_key"]);
    BOOST_TEST(to_hex(keys.link) == ex["link_key"]);
    const std::vector<audit::Event> events = {example_event()};
    const Bytes plaintext = audit::encode_block(events);
    BOOST_TEST(to_hex(plaintext) == ex["block_plaintext"]);
    const Bytes aad = audit::block_associated_data(vault_id, 1);
    BOOST_TEST(to_hex(aad) == ex["block_aad"]);
    const Bytes sealed = aead_seal_with_nonce(keys.seal, Bytes(kNonceBytes, 0x99), plaintext, aad);
    BOOST_TEST(to_hex(sealed) == ex["block_sealed"]);
    const Bytes link = audit::block_link(keys, Bytes(audit::kLinkBytes, 0), 1, sealed);
    BOOST_TEST(to_hex(link) == ex["link_1"]);
    const Bytes head = audit::head_entry(keys, 1, link);
    BOOST_TEST(to_hex(head) == ex["head_entry"]);

    // The first example's header with the head folded into its manifest.
    Header header = decode_header(unhex(first["header"]));
    BOOST_TEST(to_hex(header.manifest) == first["manifest_entry"]);
    xor_into(header.manifest, head);
    BOOST_TEST(to_hex(header.manifest) == ex["manifest"]);
    header.mac = header_mac(derive_subkeys(vault_key, vault_id), header);
    BOOST_TEST(to_hex(header.mac) == ex["header_mac"]);
    BOOST_TEST(to_hex(encode_header(header)) == ex["header"]);

    // Read back: the block opens under its number only, and decodes to the event.
    const auto opened = aead_open(keys.seal, unhex(ex["block_sealed"]), aad);
    BOOST_REQUIRE(opened.has_value());
    BOOST_TEST((audit::decode_block(*opened) == events));
    BOOST_TEST(!aead_open(keys.seal, sealed, audit::block_associated_data(vault_id, 2)));
}
