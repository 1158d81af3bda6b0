// Issue 22, findings 17-20: where an independent reader of
// docs/VAULT-FORMAT.md had to guess. The formula, the table and the worked
// example are read from the document itself, as that reader reads them, and
// checked against what the code writes and reads: a wrong document fails.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

#include "support/doc_text.hpp"
#include "unit/vault/vault_fixture.hpp"
#include "vault/detail/header.hpp"
#include "vault/detail/keys.hpp"
#include "vault/detail/record_codec.hpp"
#include "vault/slots/host_key.hpp"

using namespace tresor::vault::detail;
using namespace tresor::test;

namespace {

std::string vault_format() {
    return doc_text("VAULT-FORMAT.md");
}

// The document's small shapes read by hand: GCC 12's std::regex trips its
// own -Wmaybe-uninitialized at -O2, which -Werror turns into a failed build.
bool all_digits(const std::string& s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool word(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '_';
    });
}

// "u8 NAME" .. "u64 NAME": the width in bits and the name or number.
std::optional<std::pair<std::size_t, std::string>> unsigned_field(const std::string& token) {
    const std::size_t space = token.find(' ');
    if (token.empty() || token[0] != 'u' || space == std::string::npos) {
        return std::nullopt;
    }
    const std::string bits = token.substr(1, space - 1);
    const std::string rest = token.substr(space + 1);
    if ((bits != "8" && bits != "16" && bits != "32" && bits != "64") || !word(rest)) {
        return std::nullopt;
    }
    return std::make_pair(std::stoul(bits), rest);
}

void put_le(Bytes& out, std::uint64_t value, std::size_t bytes) {
    for (std::size_t i = 0; i < bytes; ++i) {
        out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
}

std::string trimmed(const std::string& s) {
    const std::size_t first = s.find_first_not_of(' ');
    return first == std::string::npos ? "" : s.substr(first, s.find_last_not_of(' ') - first + 1);
}

// The record AAD formula of the "Records" section, as written there
// ("AAD(field) = ..." and its "|| ..." continuation, without the comment
// after a run of spaces), evaluated token by token: a quoted label, "uN X"
// (X a number or one of `numbers`, little-endian), or one of `fields`.
Bytes record_aad_as_documented(const std::map<std::string, Bytes>& fields,
                               const std::map<std::string, std::uint64_t>& numbers) {
    std::istringstream lines(doc_section(vault_format(), "Records"));
    std::string line, formula;
    while (std::getline(lines, line)) {
        const std::string text =
            trimmed(line.substr(0, line.find("   ", line.find_first_not_of(' '))));
        if (text.rfind("AAD(field) = ", 0) == 0) {
            formula = text.substr(13);
        } else if (!formula.empty() && text.rfind("||", 0) == 0) {
            formula += " " + text;
        } else if (!formula.empty()) {
            break;
        }
    }
    BOOST_REQUIRE_MESSAGE(!formula.empty(), "no AAD(field) formula under Records");
    Bytes out;
    std::size_t start = 0;
    while (start != std::string::npos) {
        const std::size_t bar = formula.find("||", start);
        const std::string token = trimmed(formula.substr(start, bar - start));
        start = bar == std::string::npos ? bar : bar + 2;
        const auto field = unsigned_field(token);
        if (token.size() >= 2 && token.front() == '"' && token.back() == '"' &&
            token.find('"', 1) == token.size() - 1) {
            out.insert(out.end(), token.begin() + 1, token.end() - 1);
        } else if (field) {
            const std::string& x = field->second;
            BOOST_REQUIRE_MESSAGE(
                std::isdigit(static_cast<unsigned char>(x[0])) || numbers.count(x),
                "the formula's '" + token + "'");
            put_le(out,
                   std::isdigit(static_cast<unsigned char>(x[0])) ? std::stoull(x) : numbers.at(x),
                   field->first / 8);
        } else {
            BOOST_REQUIRE_MESSAGE(fields.count(token), "the formula's '" + token + "'");
            out.insert(out.end(), fields.at(token).begin(), fields.at(token).end());
        }
    }
    return out;
}

// "a..b" in a cell of the document's tables.
std::pair<int, int> range(const std::string& cell) {
    const std::string text = trimmed(cell);
    const std::size_t dots = text.find("..");
    if (dots != std::string::npos && all_digits(text.substr(0, dots)) &&
        all_digits(text.substr(dots + 2))) {
        return {std::stoi(text.substr(0, dots)), std::stoi(text.substr(dots + 2))};
    }
    BOOST_REQUIRE_MESSAGE(all_digits(text), "a count: '" + text + "'");
    return {std::stoi(text), std::stoi(text)};
}

struct SlotCounts {
    std::pair<int, int> all, unlocking, recipients;  // unlocking: password and key-file
    [[nodiscard]] bool allow(int unlocking_slots, int recipient_slots) const {
        const auto in = [](std::pair<int, int> r, int n) { return r.first <= n && n <= r.second; };
        return in(all, unlocking_slots + recipient_slots) && in(unlocking, unlocking_slots) &&
               in(recipients, recipient_slots);
    }
};

// The row "| format N | ... |" of the Header section's table of slot counts.
SlotCounts slot_counts_as_documented(int format) {
    std::istringstream lines(doc_section(vault_format(), "Header"));
    std::string line;
    const std::string row = "| format " + std::to_string(format) + " |";
    while (std::getline(lines, line)) {
        if (line.rfind(row, 0) == 0) {
            std::vector<std::string> cells;
            std::istringstream in(line.substr(row.size()));
            for (std::string cell; std::getline(in, cell, '|');) {
                cells.push_back(cell);
            }
            BOOST_REQUIRE(cells.size() >= 3u);
            return {range(cells[0]), range(cells[1]), range(cells[2])};
        }
    }
    BOOST_FAIL("no row '" + row + "' in the Header section");
    return {};
}

Slot unlocking_slot(std::uint8_t id) {
    Slot s;
    s.id = id;
    s.salt = Bytes(kSaltBytes, id);
    s.nonce = Bytes(kNonceBytes, 0x66);
    s.wrapped_vault_key = Bytes(kWrappedKeyBytes, 0x99);
    if (id % 2 == 0) {
        s.kind = SlotKind::password;
        s.params = {19456, 2, 1};
    } else {
        s.kind = SlotKind::keyfile;
        s.kdf = kKdfNone;
    }
    return s;
}

Slot recipient_slot(std::uint8_t id, const Bytes& public_key) {
    Slot s;
    s.kind = SlotKind::recipient;
    s.id = id;
    s.kdf = kKdfNone;
    s.ephemeral_share = public_key;
    s.recipient_public_key = public_key;
    s.nonce = Bytes(kNonceBytes, 0x88);
    s.wrapped_vault_key = Bytes(kWrappedKeyBytes, 0x99);
    return s;
}

}  // namespace

// Finding 17: the record AAD carries the u16 1 in a format-2 vault too; the
// formula said u16 format_version, which is 2 there.
BOOST_AUTO_TEST_CASE(the_documented_record_aad_opens_a_format_2_vaults_record) {
    VaultFixture fx;
    auto vault = fx.create();
    const auto host = tresor::vault::generate_host_key();
    (void)vault.add_recipient(tresor::vault::public_key_text(host.public_key), "host");
    vault.set("github", "ci", tresor::test::bytes("ghp_example"), {});

    RawDb db(fx.path);
    const Header header = decode_header(db.blob("SELECT blob FROM header"));
    BOOST_REQUIRE(format_version(header) == 2);
    const Slot& slot = header.slots.at(0);
    const auto vault_key = unwrap_slot(
        header, slot, slot_kek(slot, header.vault_id, tresor::test::password("correct horse")));
    BOOST_REQUIRE(vault_key.has_value());
    const Subkeys keys = derive_subkeys(*vault_key, header.vault_id);
    const std::map<std::string, Bytes> fields = {
        {"vault_id", header.vault_id},
        {"record_id", db.blob("SELECT record_id FROM records")},
        {"name_index", db.blob("SELECT name_index FROM records")}};
    for (const auto& [field, column] : {std::pair{1, "metadata"}, std::pair{2, "value"}}) {
        const Bytes aad = record_aad_as_documented(
            fields, {{"format_version", 2}, {"field", field}, {"version", 1}});
        BOOST_TEST(
            aead_open(keys.record, db.blob(std::string("SELECT ") + column + " FROM records"), aad)
                .has_value(),
            column);
    }
}

// Finding 19: how many slots of each kind a reader takes, in either format,
// is the document's table exactly; the 8 password and key-file slots bound
// only writers.
BOOST_AUTO_TEST_CASE(a_reader_takes_exactly_the_documented_slot_counts) {
    const std::map<int, SlotCounts> documented = {{1, slot_counts_as_documented(1)},
                                                  {2, slot_counts_as_documented(2)}};
    const Bytes public_key = tresor::vault::generate_host_key().public_key;
    for (int unlocking = 0; unlocking <= 70; ++unlocking) {
        for (int recipients = 0; recipients <= 70; ++recipients) {
            Header header;
            header.vault_id = Bytes(kVaultIdBytes, 0x22);
            header.manifest = Bytes(kMacBytes, 0);
            header.mac = Bytes(kMacBytes, 0);
            for (int i = 0; i < unlocking + recipients; ++i) {
                const auto id = static_cast<std::uint8_t>(i + 1);
                header.slots.push_back(i < unlocking ? unlocking_slot(id)
                                                     : recipient_slot(id, public_key));
            }
            Bytes blob = encode_header(header);
            for (const auto& [format, counts] : documented) {
                blob[4] = static_cast<std::uint8_t>(format);  // u16 format_version
                bool read = true;
                try {
                    (void)decode_header(blob);
                } catch (const tresor::Error&) {
                    read = false;
                }
                BOOST_TEST(read == counts.allow(unlocking, recipients),
                           "format " << format << ", " << unlocking << " password and key-file, "
                                     << recipients << " recipient slots");
            }
        }
    }

    const std::string header_section = doc_section(vault_format(), "Header");
    const std::string lead = "A writer adds at most ";
    const std::size_t at = header_section.find(lead);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos,
                          "no '" + lead + "N password and key-file slots'");
    const std::size_t digits = at + lead.size();
    const std::size_t end = header_section.find(' ', digits);
    const std::string count = header_section.substr(digits, end - digits);
    BOOST_REQUIRE(all_digits(count));
    const std::string tail = " password and key-file slots";
    BOOST_REQUIRE(header_section.compare(end, tail.size(), tail) == 0);
    const int most = std::stoi(count);
    VaultFixture fx;
    auto vault = fx.create();
    for (int slots = 1; slots < most; ++slots) {
        vault.add_keyfile(tresor::test::bytes(std::string(32, static_cast<char>('a' + slots))));
    }
    BOOST_CHECK_THROW(vault.add_keyfile(tresor::test::bytes(std::string(32, 'z'))), tresor::Error);
}

// Findings 18 and 20: the worked example's metadata, attributes then
// last_used_at, is what the code writes for its inputs and reads back.
BOOST_AUTO_TEST_CASE(the_documented_typed_record_is_what_the_code_writes) {
    const auto example = tresor::test::doc_example(
        doc_section(vault_format(), "Worked example: a typed record, once used"));
    BOOST_REQUIRE(example.count("attributes") && example.count("metadata_plaintext"));
    tresor::vault::Metadata m;
    m.service = "github";
    m.name = "ci";
    m.type = 4;  // TRESOR_TYPE_OAUTH2
    m.label = "CI";
    m.created_at = m.updated_at = 1767225600;
    m.last_used_at = 1767229200;
    m.attributes = example.at("attributes");  // its bytes: tests/unit/core/credential_test.cpp
    const auto documented = tresor::test::doc_hex<SecureBytes>(example.at("metadata_plaintext"));
    const SecureBytes written = encode_metadata(m);
    BOOST_TEST(written == documented, boost::test_tools::per_element());
    const tresor::vault::Metadata read = decode_metadata(documented);
    BOOST_TEST(read.attributes == m.attributes);
    BOOST_TEST(read.last_used_at == m.last_used_at);
    BOOST_TEST(read.type == m.type);
}

// Finding 18: used but untyped, attributes are written empty (a zero length)
// before last_used_at; a reader takes each when bytes remain, then requires
// the end.
BOOST_AUTO_TEST_CASE(metadata_ends_with_attributes_then_last_used_at_when_present) {
    tresor::vault::Metadata m;
    m.service = "s";
    m.name = "n";
    const SecureBytes plain = encode_metadata(m);
    m.last_used_at = 1767225600;
    const SecureBytes used = encode_metadata(m);
    Bytes tail;  // text("") = u32 0, then i64 last_used_at
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
