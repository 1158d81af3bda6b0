// docs/VAULT-FORMAT.md's worked example, step by step, against the code:
// if either changes, this fails. Every value in
// tests/data/vault/worked_example.txt is recomputed here from the inputs
// alone (the ciphertexts with the example's fixed nonces), including the
// whole header blob. The last case reads the example's header, value and
// metadata the way an independent reader following the document would.
#include <boost/test/unit_test.hpp>

#include <botan/hex.h>
#include <sodium.h>

#include <map>

#include "unit/vault/example_data.hpp"

#include "vault/detail/record_codec.hpp"

using namespace tresor::vault::detail;
using tresor::vault::Credential;
using tresor::vault::Metadata;

namespace {

std::map<std::string, std::string> example() {
    return tresor::test::example_data("worked_example.txt");
}

Bytes unhex(const std::string& hex) {
    const auto b = Botan::hex_decode(hex);
    return {b.begin(), b.end()};
}

struct Inputs {
    std::string password = "correct horse battery staple";
    Bytes salt = Bytes(32, 0x11);
    std::uint8_t kdf = kKdfArgon2id13;
    Bytes vault_id = Bytes(16, 0x22);
    SecureBytes vault_key = SecureBytes(32, 0x33);
    Bytes record_id = Bytes(16, 0x44);
    Bytes value_nonce = Bytes(24, 0x55);
    Bytes slot_nonce = Bytes(24, 0x66);
    Bytes metadata_nonce = Bytes(24, 0x77);
    std::string secret = "ghp_example";
    Credential credential() const {
        return {Credential::Kind::password, SecureBytes(password.begin(), password.end())};
    }
    Slot slot() const {
        Slot s;
        s.kind = SlotKind::password;
        s.id = 1;
        s.kdf = kdf;
        s.salt = salt;
        s.params = {19456, 2, 1};
        return s;
    }
    Metadata metadata() const {
        Metadata m;
        m.service = "github";
        m.name = "ci";
        m.type = 1;  // TRESOR_TYPE_API_KEY
        m.label = "CI";
        m.created_at = m.updated_at = 1767225600;  // 2026-01-01T00:00:00Z
        return m;
    }
};

// The example's record as stored: its two sealed columns.
struct SealedRecord {
    Bytes name_index;
    Bytes metadata;
    Bytes value;
};

SealedRecord seal_record(const Inputs& in, const Subkeys& keys) {
    SealedRecord out;
    out.name_index = name_index(keys, "github", "ci");
    const RecordIdentity id{in.vault_id, in.record_id, out.name_index, 1};
    out.metadata =
        aead_seal_with_nonce(keys.record, in.metadata_nonce, encode_metadata(in.metadata()),
                             record_associated_data(id, Field::metadata));
    out.value = aead_seal_with_nonce(
        keys.record, in.value_nonce,
        encode_value(0,
                     {reinterpret_cast<const std::uint8_t*>(in.secret.data()), in.secret.size()}),
        record_associated_data(id, Field::value));
    return out;
}

// The example's header once its one record is set (generation 1): the
// manifest holds that record; no slot yet.
Header header_with_the_record(const Inputs& in, const Subkeys& keys) {
    const SealedRecord sealed = seal_record(in, keys);
    Header header;
    header.vault_id = in.vault_id;
    header.generation = 1;
    header.record_count = 1;
    header.manifest = Bytes(kMacBytes, 0);
    xor_into(header.manifest,
             manifest_entry(keys, {in.vault_id, in.record_id, sealed.name_index, 1},
                            sealed.metadata, sealed.value));
    return header;
}

// The slot, its vault key wrapped (nonce and ciphertext), added to header.
void add_slot(Header& header, Slot slot, const Bytes& wrapped) {
    slot.nonce.assign(wrapped.begin(), wrapped.begin() + kNonceBytes);
    slot.wrapped_vault_key.assign(wrapped.begin() + kNonceBytes, wrapped.end());
    header.slots.push_back(slot);
}

}  // namespace

BOOST_AUTO_TEST_CASE(worked_example_key_hierarchy) {
    auto ex = example();
    const Inputs in;
    const Slot slot = in.slot();
    BOOST_TEST(to_hex(argon2id(in.credential().bytes, in.salt, slot.params)) == ex["argon2id"]);
    const SecureBytes kek = slot_kek(slot, in.vault_id, in.credential());
    BOOST_TEST(to_hex(kek) == ex["kek"]);
    Header header;
    header.vault_id = in.vault_id;
    BOOST_TEST(to_hex(slot_associated_data(header, slot)) == ex["slot_aad"]);
    BOOST_TEST(to_hex(aead_seal_with_nonce(kek, in.slot_nonce, in.vault_key,
                                           slot_associated_data(header, slot))) ==
               ex["slot_sealed"]);
    const Subkeys keys = derive_subkeys(in.vault_key, in.vault_id);
    BOOST_TEST(to_hex(keys.record) == ex["record_key"]);
    BOOST_TEST(to_hex(keys.index) == ex["index_key"]);
    BOOST_TEST(to_hex(keys.header) == ex["header_key"]);
    BOOST_TEST(to_hex(keys.manifest) == ex["manifest_key"]);
}

BOOST_AUTO_TEST_CASE(worked_example_record) {
    auto ex = example();
    const Inputs in;
    const Subkeys keys = derive_subkeys(in.vault_key, in.vault_id);
    const Bytes index = name_index(keys, "github", "ci");
    BOOST_TEST(to_hex(index) == ex["name_index"]);
    BOOST_TEST(to_hex(service_index(keys, "github")) == ex["service_index"]);
    const RecordIdentity id{in.vault_id, in.record_id, index, 1};
    BOOST_TEST(to_hex(record_associated_data(id, Field::value)) == ex["value_aad"]);
    BOOST_TEST(to_hex(record_associated_data(id, Field::metadata)) == ex["metadata_aad"]);
    const SecureBytes plain = encode_value(
        0, {reinterpret_cast<const std::uint8_t*>(in.secret.data()), in.secret.size()});
    BOOST_TEST(to_hex(plain) == ex["value_plaintext"]);
    BOOST_TEST(to_hex(encode_metadata(in.metadata())) == ex["metadata_plaintext"]);
    const SealedRecord sealed = seal_record(in, keys);
    BOOST_TEST(to_hex(sealed.value) == ex["value_sealed"]);
    BOOST_TEST(to_hex(sealed.metadata) == ex["metadata_sealed"]);
    // The manifest hashes the columns as stored: nonce || ciphertext || tag.
    BOOST_TEST(to_hex(manifest_entry(keys, id, sealed.metadata, sealed.value)) ==
               ex["manifest_entry"]);
    Bytes message = in.record_id;
    message.insert(message.end(), index.begin(), index.end());
    const Bytes version{1, 0, 0, 0, 0, 0, 0, 0};
    message.insert(message.end(), version.begin(), version.end());
    for (const Bytes& column : {sealed.metadata, sealed.value}) {
        const Bytes digest = sha256(column);
        message.insert(message.end(), digest.begin(), digest.end());
    }
    BOOST_TEST(to_hex(hmac_sha256(keys.manifest, message)) == ex["manifest_entry"]);
}

// The header of the example vault after it was created (generation 0) and
// the record set (generation 1): built from the inputs, then compared byte
// for byte with the example's blob.
BOOST_AUTO_TEST_CASE(worked_example_header_blob) {
    auto ex = example();
    const Inputs in;
    const Subkeys keys = derive_subkeys(in.vault_key, in.vault_id);
    Header header = header_with_the_record(in, keys);
    const Slot slot = in.slot();
    add_slot(header, slot,
             aead_seal_with_nonce(slot_kek(slot, in.vault_id, in.credential()), in.slot_nonce,
                                  in.vault_key, slot_associated_data(header, slot)));
    header.mac = header_mac(keys, header);
    BOOST_TEST(to_hex(header.mac) == ex["header_mac"]);
    BOOST_TEST(to_hex(hmac_sha256(keys.header, encode_header_body(header))) == ex["header_mac"]);
    const Bytes blob = encode_header(header);
    BOOST_TEST(blob.size() == 71u + 116u + 32u);
    BOOST_TEST(to_hex(blob) == ex["header"]);
}

BOOST_AUTO_TEST_CASE(worked_example_read_back_from_its_bytes) {
    auto ex = example();
    const Inputs in;
    const Header header = decode_header(unhex(ex["header"]));
    BOOST_REQUIRE_EQUAL(header.slots.size(), 1u);
    BOOST_TEST(header.generation == 1u);
    BOOST_TEST(header.record_count == 1u);
    BOOST_TEST(header.slots[0].id == 1u);
    const SecureBytes kek = slot_kek(header.slots[0], header.vault_id, in.credential());
    const auto vault_key = unwrap_slot(header, header.slots[0], kek);
    BOOST_REQUIRE(vault_key.has_value());
    BOOST_TEST(*vault_key == in.vault_key);
    const Subkeys keys = derive_subkeys(*vault_key, header.vault_id);
    BOOST_TEST(header_mac(keys, header) == header.mac);
    const Bytes index = name_index(keys, "github", "ci");
    const auto value =
        aead_open(keys.record, unhex(ex["value_sealed"]),
                  record_associated_data({header.vault_id, in.record_id, index, 1}, Field::value));
    BOOST_REQUIRE(value.has_value());
    BOOST_TEST(std::string(value->begin() + 8, value->end()) == "ghp_example");
    const auto metadata = aead_open(
        keys.record, unhex(ex["metadata_sealed"]),
        record_associated_data({header.vault_id, in.record_id, index, 1}, Field::metadata));
    BOOST_REQUIRE(metadata.has_value());
    const Metadata m = decode_metadata(*metadata);
    BOOST_TEST(m.type == 1u);
    BOOST_TEST(m.service == "github");
    BOOST_TEST(m.name == "ci");
    BOOST_TEST(m.label == "CI");
    BOOST_TEST(m.expires_at == 0);
    // The manifest of a one-record vault is that record's entry, over the
    // sealed columns as stored.
    BOOST_TEST(manifest_entry(keys, {header.vault_id, in.record_id, index, 1},
                              unhex(ex["metadata_sealed"]),
                              unhex(ex["value_sealed"])) == header.manifest);
}

// The second worked example: the same vault with its slot on KDF 2 (one
// lane, a 16-byte salt: libsodium's Argon2id), as new vaults are written.
// Only the slot's bytes and what covers them change.
namespace {

Inputs one_lane_inputs() {
    Inputs in;
    in.kdf = kKdfArgon2id13OneLane;
    in.salt = Bytes(16, 0x11);
    in.salt.resize(32, 0x00);
    return in;
}

}  // namespace

BOOST_AUTO_TEST_CASE(worked_example_one_lane_kdf) {
    auto ex = tresor::test::example_data("worked_example_kdf2.txt");
    const Inputs in = one_lane_inputs();
    const Slot slot = in.slot();
    const Bytes salt16(in.salt.begin(), in.salt.begin() + 16);
    // tresor's Argon2id over the 16-byte salt, and libsodium's on its own.
    BOOST_TEST(to_hex(argon2id(in.credential().bytes, salt16, slot.params)) == ex["argon2id"]);
    const SecureBytes password = in.credential().bytes;
    Bytes sodium(32);
    BOOST_REQUIRE(crypto_pwhash(sodium.data(), sodium.size(),
                                reinterpret_cast<const char*>(password.data()), password.size(),
                                salt16.data(), 2, std::size_t{19456} * 1024,
                                crypto_pwhash_ALG_ARGON2ID13) == 0);
    BOOST_TEST(to_hex(sodium) == ex["argon2id"]);
    const SecureBytes kek = slot_kek(slot, in.vault_id, in.credential());
    BOOST_TEST(to_hex(kek) == ex["kek"]);
    const Subkeys keys = derive_subkeys(in.vault_key, in.vault_id);
    Header header = header_with_the_record(in, keys);
    // The slot's associated data names the vault, not the header's counters.
    BOOST_TEST(to_hex(slot_associated_data(header, slot)) == ex["slot_aad"]);
    const Bytes wrapped =
        aead_seal_with_nonce(kek, in.slot_nonce, in.vault_key, slot_associated_data(header, slot));
    BOOST_TEST(to_hex(wrapped) == ex["slot_sealed"]);
    add_slot(header, slot, wrapped);
    header.mac = header_mac(keys, header);
    BOOST_TEST(to_hex(header.mac) == ex["header_mac"]);
    BOOST_TEST(to_hex(encode_header(header)) == ex["header"]);
    // Read back from the bytes alone.
    const Header read = decode_header(unhex(ex["header"]));
    BOOST_REQUIRE_EQUAL(read.slots.size(), 1u);
    BOOST_TEST(read.slots[0].kdf == kKdfArgon2id13OneLane);
    const auto vault_key =
        unwrap_slot(read, read.slots[0], slot_kek(read.slots[0], read.vault_id, in.credential()));
    BOOST_REQUIRE(vault_key.has_value());
    BOOST_TEST(*vault_key == in.vault_key);
}

BOOST_AUTO_TEST_CASE(kdf_2_refuses_lanes_and_a_salt_tail) {
    auto ex = tresor::test::example_data("worked_example_kdf2.txt");
    const Bytes good = unhex(ex["header"]);
    // The slot starts at offset 71: kdf at +2, parallelism at +11, salt at +12..+44.
    Bytes lanes = good;
    lanes[71 + 11] = 2;
    BOOST_CHECK_THROW((void)decode_header(lanes), tresor::Error);
    Bytes tail = good;
    tail[71 + 12 + 16] = 1;
    BOOST_CHECK_THROW((void)decode_header(tail), tresor::Error);
    Bytes unknown = good;
    unknown[71 + 2] = 3;
    BOOST_CHECK_THROW((void)decode_header(unknown), tresor::Error);
}
