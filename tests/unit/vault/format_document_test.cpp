// Issue 22, findings 17-20: what an independent reader had to guess from
// docs/VAULT-FORMAT.md, checked against a vault the code writes, with the
// document's own formulas spelled out here byte by byte (not through the
// code's helpers).
#include <boost/test/unit_test.hpp>

#include "unit/vault/vault_fixture.hpp"
#include "vault/detail/header.hpp"
#include "vault/detail/keys.hpp"
#include "vault/detail/record_codec.hpp"
#include "vault/slots/host_key.hpp"

using namespace tresor::vault::detail;
using tresor::test::RawDb;
using tresor::test::VaultFixture;

namespace {

void put(Bytes& out, std::string_view text) {
    out.insert(out.end(), text.begin(), text.end());
}

void put_le(Bytes& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) {
        out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
}

Bytes column(RawDb& db, const std::string& name) {
    return db.blob("SELECT " + name + " FROM records LIMIT 1");
}

// A password slot as the document lays it out (116 bytes once sealed).
Slot password_slot(std::uint8_t id) {
    Slot s;
    s.kind = SlotKind::password;
    s.id = id;
    s.params = {19456, 2, 1};
    s.salt = Bytes(kSaltBytes, id);
    s.nonce = Bytes(kNonceBytes, 0x66);
    s.wrapped_vault_key = Bytes(kWrappedKeyBytes, 0x99);
    return s;
}

}  // namespace

// Finding 17: the record AAD carries the u16 1 in a format-2 vault too (the
// formula said u16 format_version, which is 2 there).
BOOST_AUTO_TEST_CASE(a_format_2_vault_seals_its_records_under_the_u16_1) {
    VaultFixture fx;
    auto vault = fx.create();
    const auto host = tresor::vault::generate_host_key();
    (void)vault.add_recipient(tresor::vault::public_key_text(host.public_key), "host");
    tresor::vault::Metadata meta;
    vault.set("github", "ci", tresor::test::bytes("ghp_example"), meta);

    RawDb db(fx.path);
    const Header header = decode_header(db.blob("SELECT blob FROM header"));
    BOOST_REQUIRE(format_version(header) == 2);
    const Slot& slot = header.slots.at(0);
    const auto vault_key = unwrap_slot(
        header, slot, slot_kek(slot, header.vault_id, tresor::test::password("correct horse")));
    BOOST_REQUIRE(vault_key.has_value());
    const Subkeys keys = derive_subkeys(*vault_key, header.vault_id);

    for (const std::uint16_t version_field : {1, 2}) {
        // "tresor/v1/record" || u16 || vault_id || record_id || name_index || u8 field || u64
        // version
        Bytes aad;
        put(aad, "tresor/v1/record");
        put_le(aad, version_field, 2);
        aad.insert(aad.end(), header.vault_id.begin(), header.vault_id.end());
        const Bytes record_id = column(db, "record_id");
        const Bytes index = column(db, "name_index");
        aad.insert(aad.end(), record_id.begin(), record_id.end());
        aad.insert(aad.end(), index.begin(), index.end());
        aad.push_back(2);  // the value
        put_le(aad, 1, 8);
        const auto value = aead_open(keys.record, column(db, "value"), aad);
        BOOST_TEST(value.has_value() == (version_field == 1), version_field);
    }
}

// Finding 18: an i64 last_used_at may follow attributes, which are then
// written even when empty (a zero length); a reader takes each when bytes
// remain, then requires the end.
BOOST_AUTO_TEST_CASE(metadata_ends_with_attributes_then_last_used_at_when_present) {
    tresor::vault::Metadata m;
    m.service = "s";
    m.name = "n";
    const SecureBytes plain = encode_metadata(m);
    m.last_used_at = 1767225600;
    const SecureBytes used = encode_metadata(m);
    // The same bytes, then text("") = u32 0, then i64 last_used_at.
    Bytes tail;
    put_le(tail, 0, 4);
    put_le(tail, 1767225600, 8);
    BOOST_REQUIRE(used.size() == plain.size() + tail.size());
    BOOST_TEST(std::equal(plain.begin(), plain.end(), used.begin()));
    BOOST_TEST(std::equal(tail.begin(), tail.end(), used.begin() + plain.size()));
    BOOST_TEST(decode_metadata(used).last_used_at == 1767225600);
    BOOST_TEST(decode_metadata(used).attributes.empty());
    BOOST_TEST(decode_metadata(plain).last_used_at == 0);
    SecureBytes longer = used;
    longer.push_back(0);  // a byte after last_used_at
    BOOST_CHECK_THROW((void)decode_metadata(longer), tresor::Error);
}

// Finding 19: the 8-slot bound on password and key-file slots is a writer's;
// a reader takes a format-2 header of up to 64 slots of any kinds, while
// format 1 allows 8 in all.
BOOST_AUTO_TEST_CASE(a_reader_takes_more_than_8_password_slots_in_format_2_only) {
    Header header;
    header.vault_id = Bytes(kVaultIdBytes, 0x22);
    header.manifest = Bytes(kMacBytes, 0);
    header.mac = Bytes(kMacBytes, 0);
    for (std::uint8_t id = 1; id <= 9; ++id) {
        header.slots.push_back(password_slot(id));
    }
    const Bytes format_1 = encode_header(header);  // 9 slots, no recipient: version 1
    BOOST_CHECK_THROW((void)decode_header(format_1), tresor::Error);

    Slot recipient;
    recipient.kind = SlotKind::recipient;
    recipient.id = 10;
    recipient.kdf = kKdfNone;
    recipient.ephemeral_share = tresor::vault::generate_host_key().public_key;
    recipient.recipient_public_key = tresor::vault::generate_host_key().public_key;
    recipient.nonce = Bytes(kNonceBytes, 0x88);
    recipient.wrapped_vault_key = Bytes(kWrappedKeyBytes, 0x99);
    header.slots.push_back(recipient);
    const Header read = decode_header(encode_header(header));
    BOOST_TEST(format_version(read) == 2);
    BOOST_TEST(read.slots.size() == 10u);
}
