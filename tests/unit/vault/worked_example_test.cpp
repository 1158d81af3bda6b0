// docs/VAULT-FORMAT.md's worked example, step by step, against the code:
// if either changes, this fails. The last case reads the example's header
// and value the way an independent reader following the document would.
#include <boost/test/unit_test.hpp>

#include <botan/hex.h>

#include <fstream>
#include <map>

#include "vault/detail/record_codec.hpp"

using namespace tresor::vault::detail;
using tresor::vault::Credential;

namespace {

std::map<std::string, std::string> example() {
    std::ifstream in(std::string(TRESOR_TEST_DATA_DIR) + "/vault/worked_example.txt");
    std::map<std::string, std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(": ");
        if (!line.empty() && line[0] != '#' && colon != std::string::npos) {
            out[line.substr(0, colon)] = line.substr(colon + 2);
        }
    }
    return out;
}

Bytes unhex(const std::string& hex) {
    const auto b = Botan::hex_decode(hex);
    return {b.begin(), b.end()};
}

struct Inputs {
    std::string password = "correct horse battery staple";
    Bytes salt = Bytes(32, 0x11);
    Bytes vault_id = Bytes(16, 0x22);
    SecureBytes vault_key = SecureBytes(32, 0x33);
    Bytes record_id = Bytes(16, 0x44);
    Credential credential() const {
        return {Credential::Kind::password, SecureBytes(password.begin(), password.end())};
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(worked_example_key_hierarchy) {
    auto ex = example();
    const Inputs in;
    Slot slot;
    slot.id = 1;
    slot.salt = in.salt;
    slot.params = {19456, 2, 1};
    BOOST_TEST(to_hex(argon2id(in.credential().bytes, in.salt, slot.params)) == ex["argon2id"]);
    const SecureBytes kek = slot_kek(slot, in.vault_id, in.credential());
    BOOST_TEST(to_hex(kek) == ex["kek"]);
    Header header;
    header.vault_id = in.vault_id;
    BOOST_TEST(to_hex(slot_associated_data(header, slot)) == ex["slot_aad"]);
    BOOST_TEST(to_hex(aead_seal_with_nonce(kek, Bytes(24, 0x66), in.vault_key,
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
    const std::string secret = "ghp_example";
    const SecureBytes plain =
        encode_value(0, {reinterpret_cast<const std::uint8_t*>(secret.data()), secret.size()});
    BOOST_TEST(to_hex(plain) == ex["value_plaintext"]);
    BOOST_TEST(to_hex(aead_seal_with_nonce(keys.record, Bytes(24, 0x55), plain,
                                           record_associated_data(id, Field::value))) ==
               ex["value_sealed"]);
    tresor::vault::Metadata m;
    m.service = "github";
    m.name = "ci";
    m.type = 1;
    m.label = "CI";
    m.created_at = m.updated_at = 1767225600;
    BOOST_TEST(to_hex(encode_metadata(m)) == ex["metadata_plaintext"]);
    BOOST_TEST(to_hex(manifest_entry(keys, id, unhex(ex["metadata_sealed"]),
                                     unhex(ex["value_sealed"]))) == ex["manifest_entry"]);
}

BOOST_AUTO_TEST_CASE(worked_example_read_back_from_its_bytes) {
    auto ex = example();
    const Inputs in;
    const Header header = decode_header(unhex(ex["header"]));
    BOOST_REQUIRE_EQUAL(header.slots.size(), 1u);
    BOOST_TEST(header.record_count == 1u);
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
    BOOST_TEST(decode_metadata(*metadata).label == "CI");
}
