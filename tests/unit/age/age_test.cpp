// tresor's age reader and writer (age/age.hpp) on the edge cases age's own
// test vectors (C2SP CCTV) exercise, built here from the spec rather than
// copied: every refusal is of the kind the spec asks for (a header failure
// is Error{corrupt} before any key is tried, no match is an empty unwrap, a
// payload failure gives no plaintext). Debian's age opens and makes files
// for tresor in tests/cli/age_interop_test.sh.
#define BOOST_TEST_MODULE age
#include <boost/test/unit_test.hpp>

#include <string>

#include "age/aead.hpp"
#include "age/age.hpp"
#include "age/bech32.hpp"
#include "age/stream.hpp"
#include "core/base64.hpp"
#include "vault/detail/crypto.hpp"
#include "vault/slots/host_key.hpp"

using namespace tresor;
using namespace tresor::age;
using Bytes = std::vector<std::uint8_t>;

namespace {

// The X25519 pair of c2sp.org/age's own example.
constexpr std::string_view kSpecIdentity =
    "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
constexpr std::string_view kSpecRecipient =
    "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";

Bytes bytes(std::string_view text) {
    return {text.begin(), text.end()};
}

std::string text(std::span<const std::uint8_t> b) {
    return {b.begin(), b.end()};
}

SecureBytes spec_identity() {
    return parse_identity_file(bytes(kSpecIdentity), "test").at(0);
}

Identities with_identity() {
    Identities ids;
    ids.x25519.push_back(spec_identity());
    return ids;
}

Identities with_passphrase(std::string_view p) {
    Identities ids;
    ids.passphrase = SecureBytes(p.begin(), p.end());
    return ids;
}

SecureBytes fixed_file_key() {
    return SecureBytes(kFileKeyBytes, 0x5a);
}

// A whole file from stanzas, a file key and a payload, MAC computed: the
// writer's steps, open to tests that bend one of them.
Bytes file_of(const std::vector<Stanza>& stanzas, std::span<const std::uint8_t> file_key,
              const Bytes& payload) {
    Bytes out = encode_header_for_mac(stanzas);
    const SecureBytes mac_key = vault::detail::hkdf_sha256(file_key, {}, "header");
    append_mac_line(out, vault::detail::hmac_sha256(mac_key, out));
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

Bytes x25519_file(std::span<const std::uint8_t> payload_plaintext) {
    const SecureBytes key = fixed_file_key();
    return file_of({x25519_stanza(key, parse_recipient(kSpecRecipient))}, key,
                   seal_payload(key, payload_plaintext));
}

// A header of the version line and these text lines, then a MAC line that
// is well formed (not checked by parse_header).
Bytes header_text(const std::string& lines) {
    return bytes("age-encryption.org/v1\n" + lines +
                 "--- HK2NmOBN9Dpq0Gw6xMCuhFcQlQLvZ/wQUi/2scLG75s\n");
}

bool header_refused(const Bytes& file) {
    try {
        (void)parse_header(file);
        return false;
    } catch (const Error& e) {
        return e.code() == ErrorCode::corrupt;
    }
}

// A stanza of one type with these arguments and a body of `body_bytes`.
Stanza stanza(std::vector<std::string> arguments, std::size_t body_bytes = 32) {
    return {std::move(arguments), Bytes(body_bytes, 7)};
}

bool unwrap_refused(const Stanza& s, const Identities& ids) {
    Header h;
    h.stanzas.push_back(s);
    try {
        (void)unwrap_file_key(h, ids);
        return false;
    } catch (const Error& e) {
        return e.code() == ErrorCode::corrupt;
    }
}

// The payload of chunks sealed as given (plaintext, last flag), bending the
// STREAM rules where a test needs it.
Bytes payload_of(std::span<const std::uint8_t> file_key,
                 const std::vector<std::pair<Bytes, bool>>& chunks) {
    Bytes out(kPayloadNonceBytes, 3);
    const SecureBytes key =
        vault::detail::hkdf_sha256(file_key, {out.data(), kPayloadNonceBytes}, "payload");
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        std::uint8_t nonce[kAeadNonceBytes] = {};
        nonce[10] = static_cast<std::uint8_t>(i);
        nonce[11] = chunks[i].second ? 1 : 0;
        chacha20poly1305_seal(out, key, nonce, chunks[i].first);
    }
    return out;
}

bool payload_refused(const Bytes& payload) {
    try {
        (void)open_payload(fixed_file_key(), payload);
        return false;
    } catch (const Error& e) {
        return e.code() == ErrorCode::corrupt;
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_spec_identity_gives_the_spec_recipient) {
    BOOST_TEST(recipient_of_identity(spec_identity()) == std::string(kSpecRecipient));
    BOOST_TEST(recipient_text(parse_recipient(kSpecRecipient)) == std::string(kSpecRecipient));
}

BOOST_AUTO_TEST_CASE(bech32_follows_bip173) {
    // BIP 173's valid strings (any hrp, both cases) and invalid ones.
    for (const char* valid :
         {"A12UEL5L", "a12uel5l", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", "?1ezyfcl"}) {
        BOOST_TEST_CONTEXT(valid) {
            BOOST_TEST(bech32_decode(bytes(valid)).has_value());
        }
    }
    for (const char* invalid : {"A1G7SGD8", "10a06t8", "1qzzfhee", "x1b4n0q5v", "li1dgmt3",
                                "A12uEL5L", "a12uel5m", "pzry9x0s0muk", "1pzry9x0s0muk"}) {
        BOOST_TEST_CONTEXT(invalid) {
            BOOST_TEST(!bech32_decode(bytes(invalid)).has_value());
        }
    }
    // The checksum is over the lowercase text: an uppercase recipient decodes
    // to the same key, under the uppercase hrp (which age does not accept).
    std::string upper(kSpecRecipient);
    for (char& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    const auto decoded = bech32_decode(bytes(upper));
    BOOST_REQUIRE(decoded.has_value());
    BOOST_TEST(decoded->hrp == "AGE");
    BOOST_CHECK_THROW((void)parse_recipient(upper), Error);
    // Encoding gives back the text, with no length limit on the data.
    const SecureBytes again = bech32_encode("age", decoded->data);
    BOOST_TEST(text(again) == std::string(kSpecRecipient));
    const SecureBytes long_data(500, 0xa5);
    const SecureBytes long_text = bech32_encode("x", long_data);
    BOOST_TEST(bech32_decode(long_text)->data == long_data);
}

BOOST_AUTO_TEST_CASE(identity_files_as_age_keygen_writes_them) {
    const std::string file =
        "# created: 2026-11-01T10:00:00Z\n# public key: " + std::string(kSpecRecipient) + "\n" +
        std::string(kSpecIdentity) + "\r\n\n";
    BOOST_TEST(parse_identity_file(bytes(file), "key.txt").size() == 1u);
    // A mistyped identity is refused without being quoted.
    std::string typo(kSpecIdentity);
    typo[30] = typo[30] == 'Q' ? 'P' : 'Q';
    try {
        (void)parse_identity_file(bytes(typo), "key.txt");
        BOOST_FAIL("a typo was accepted");
    } catch (const Error& e) {
        BOOST_TEST((e.code() == ErrorCode::invalid_argument));
        BOOST_TEST(std::string(e.what()).find("GFPYY") == std::string::npos);
        BOOST_TEST(std::string(e.what()).find("key.txt, line 1") != std::string::npos);
    }
    BOOST_CHECK_THROW((void)parse_identity_file(bytes("# nothing\n"), "key.txt"), Error);
    // A recipient where an identity belongs, and the other way round.
    BOOST_CHECK_THROW((void)parse_identity_file(bytes(kSpecRecipient), "key.txt"), Error);
    try {
        (void)parse_recipient(kSpecIdentity);
        BOOST_FAIL("an identity was taken for a recipient");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("GFPYY") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(x25519_and_passphrase_files_round_trip) {
    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, kChunkBytes - 1, kChunkBytes,
                                   kChunkBytes + 1, 3 * kChunkBytes}) {
        BOOST_TEST_CONTEXT(size) {
            const SecureBytes plaintext(size, 0x61);
            const Bytes file = encrypt_to_recipients(
                plaintext, std::vector<Bytes>{parse_recipient(kSpecRecipient)});
            BOOST_TEST(decrypt(file, with_identity()) == plaintext);
        }
    }
    const Bytes file = encrypt_with_passphrase(bytes("secret"), bytes("correct horse"), 10);
    BOOST_TEST(text(decrypt(file, with_passphrase("correct horse"))) == "secret");
    BOOST_CHECK_EXCEPTION((void)decrypt(file, with_passphrase("wrong")), Error,
                          [](const Error& e) { return e.code() == ErrorCode::auth_failed; });
    BOOST_CHECK_EXCEPTION((void)decrypt(file, with_identity()), Error,
                          [](const Error& e) { return e.code() == ErrorCode::auth_failed; });
}

BOOST_AUTO_TEST_CASE(several_recipients_each_open_the_file) {
    const vault::HostKeyPair other = vault::generate_host_key();
    const Bytes file = encrypt_to_recipients(
        bytes("x"), std::vector<Bytes>{other.public_key, parse_recipient(kSpecRecipient)});
    BOOST_TEST(text(decrypt(file, with_identity())) == "x");
    Identities ids;
    ids.x25519.push_back(other.private_key);
    BOOST_TEST(text(decrypt(file, ids)) == "x");
    const Bytes not_ours = encrypt_to_recipients(bytes("x"), std::vector<Bytes>{other.public_key});
    try {
        (void)decrypt(not_ours, with_identity());
        BOOST_FAIL("opened by another identity");
    } catch (const Error& e) {
        BOOST_TEST((e.code() == ErrorCode::auth_failed));
        BOOST_TEST(std::string(e.what()).find(std::string(kSpecRecipient)) != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(the_header_is_read_strictly) {
    const std::string share = "-> X25519 XEl0dJ6y3C7KZkgmgWUicg63EyXJiwBJW8PdYJ/cYBE\n";
    const std::string body = "qRS0AMjdjPvZ/WT08U2KL4G+PIooA3hy38SvLpvaC1E\n";
    BOOST_TEST(!header_refused(header_text(share + body)));
    const std::string line64(64, 'A');
    // A body of a whole number of 64-column lines ends with an empty line;
    // an empty body is one empty line.
    BOOST_TEST(!header_refused(header_text("-> a\n" + line64 + "\n\n")));
    BOOST_TEST(!header_refused(header_text("-> a\n\n")));
    // Arguments may use every printable ASCII character.
    BOOST_TEST(!header_refused(header_text("-> !\"#$%&' ()*+,-./ ~{|}\n\n")));

    BOOST_TEST(header_refused(bytes("")));
    BOOST_TEST(header_refused(bytes("age-encryption.org/v2\n-> a\n\n--- x\n")));
    BOOST_TEST(header_refused(header_text("")));  // no stanza
    BOOST_TEST(header_refused(header_text(share.substr(0, share.size() - 1) + "\r\n" + body)));
    BOOST_TEST(header_refused(header_text("-> a\n" + line64 + "\n")));     // no short last line
    BOOST_TEST(header_refused(header_text("-> a\n" + line64 + "A\n\n")));  // 65 columns
    BOOST_TEST(header_refused(header_text("-> a\nAAAA\nAAAA\n")));         // two short lines
    BOOST_TEST(header_refused(header_text("->\n\n")));                     // no argument
    BOOST_TEST(header_refused(header_text("-> \n\n")));
    BOOST_TEST(header_refused(header_text("-> a  b\n\n")));   // an empty argument
    BOOST_TEST(header_refused(header_text("-> a\nAA==\n")));  // padding
    BOOST_TEST(header_refused(header_text("-> a\nAB\n")));    // not canonical
    BOOST_TEST(header_refused(header_text("-> a\nA*\n")));
    BOOST_TEST(header_refused(header_text("=> a\n\n")));  // a bad start
    BOOST_TEST(header_refused(header_text("-> a\n")));    // no body line
    // The MAC line: "--- ", then exactly 43 canonical characters, then LF.
    const std::string stanzas = "age-encryption.org/v1\n-> a\n\n";
    const std::string mac = "HK2NmOBN9Dpq0Gw6xMCuhFcQlQLvZ/wQUi/2scLG75s";
    BOOST_TEST(!header_refused(bytes(stanzas + "--- " + mac + "\n")));
    BOOST_TEST(header_refused(bytes(stanzas + "---" + mac + "\n")));
    BOOST_TEST(header_refused(bytes(stanzas + "---  " + mac + "\n")));
    BOOST_TEST(header_refused(bytes(stanzas + "--- " + mac + " \n")));
    BOOST_TEST(header_refused(bytes(stanzas + "--- " + mac.substr(0, 42) + "\n")));
    BOOST_TEST(header_refused(bytes(stanzas + "--- " + mac.substr(0, 42) + "t\n")));  // 2 bits set
    BOOST_TEST(header_refused(bytes(stanzas + "--- " + mac)));                        // no LF
}

BOOST_AUTO_TEST_CASE(parsing_and_encoding_agree_byte_for_byte) {
    const Bytes file = x25519_file(bytes("hello"));
    const Header h = parse_header(file);
    const Bytes again = encode_header_for_mac(h.stanzas);
    BOOST_TEST(h.mac_input_bytes == again.size());
    BOOST_TEST(Bytes(file.begin(), file.begin() + static_cast<long>(again.size())) == again);
    BOOST_TEST(text(again).ends_with("\n---"));
    BOOST_TEST(h.payload_offset == again.size() + 1 + 43 + 1);
}

BOOST_AUTO_TEST_CASE(x25519_stanzas_that_break_the_spec_are_refused) {
    const Identities ids = with_identity();
    const std::string share = "XEl0dJ6y3C7KZkgmgWUicg63EyXJiwBJW8PdYJ/cYBE";
    BOOST_TEST(!unwrap_refused(stanza({"X25519", share}), ids));  // only "not ours"
    BOOST_TEST(unwrap_refused(stanza({"X25519", share, "extra"}), ids));
    BOOST_TEST(unwrap_refused(stanza({"X25519"}), ids));
    BOOST_TEST(unwrap_refused(stanza({"X25519", share.substr(0, 42)}), ids));  // short share
    BOOST_TEST(unwrap_refused(stanza({"X25519", share + "A"}), ids));          // not 32 bytes
    BOOST_TEST(unwrap_refused(stanza({"X25519", share}, 48), ids));            // a long file key
    BOOST_TEST(unwrap_refused(stanza({"X25519", share}, 31), ids));
    // The identity point and a low-order point give an all-zero secret.
    std::string zero;
    core::append_base64(zero, Bytes(32, 0), core::Base64Padding::unpadded);
    BOOST_TEST(unwrap_refused(stanza({"X25519", zero}), ids));
    Bytes low_order(32, 0);
    low_order[0] = 1;
    std::string one;
    core::append_base64(one, low_order, core::Base64Padding::unpadded);
    BOOST_TEST(unwrap_refused(stanza({"X25519", one}), ids));
    // Another type, even the same name in lowercase, is not ours to judge.
    Header h;
    h.stanzas = {stanza({"x25519", share, "extra"}), stanza({"grease", "a", "b"}, 0)};
    BOOST_TEST(!unwrap_file_key(h, ids).has_value());
}

BOOST_AUTO_TEST_CASE(a_tampered_x25519_stanza_does_not_match) {
    const SecureBytes key = fixed_file_key();
    Stanza s = x25519_stanza(key, parse_recipient(kSpecRecipient));
    Header h;
    h.stanzas = {s};
    BOOST_TEST((unwrap_file_key(h, with_identity()) == std::optional<SecureBytes>(key)));
    h.stanzas[0].body[31] ^= 1;
    BOOST_TEST(!unwrap_file_key(h, with_identity()).has_value());
}

BOOST_AUTO_TEST_CASE(scrypt_stanzas_are_alone_and_bounded) {
    const Identities ids = with_passphrase("pw");
    const SecureBytes key = fixed_file_key();
    const Stanza good = scrypt_stanza(key, bytes("pw"), 10);
    const std::string salt = good.arguments[1];
    Header h;
    h.stanzas = {good};
    BOOST_TEST((unwrap_file_key(h, ids) == std::optional<SecureBytes>(key)));
    // Beside another scrypt stanza, or any other, it is refused whoever asks.
    h.stanzas = {good, x25519_stanza(key, parse_recipient(kSpecRecipient))};
    BOOST_CHECK_THROW((void)unwrap_file_key(h, with_identity()), Error);
    h.stanzas = {good, good};
    BOOST_CHECK_THROW((void)unwrap_file_key(h, ids), Error);
    // The work factor is %x31-39 *DIGIT, at most the reader's limit.
    for (const char* factor :
         {"0", "010", "+10", "0x0a", "-10", "10 ", "1e1", "", "23", "99999999999999999999"}) {
        BOOST_TEST_CONTEXT(factor) {
            BOOST_TEST(unwrap_refused(stanza({"scrypt", salt, factor}), ids));
        }
    }
    Identities low_limit = ids;
    low_limit.max_work_factor = 9;
    BOOST_TEST(unwrap_refused(good, low_limit));
    BOOST_TEST(unwrap_refused(stanza({"scrypt", salt}), ids));
    BOOST_TEST(unwrap_refused(stanza({"scrypt", salt, "10", "x"}), ids));
    BOOST_TEST(unwrap_refused(stanza({"scrypt", salt.substr(0, 21), "10"}), ids));
    BOOST_TEST(unwrap_refused(stanza({"scrypt", salt + "AA", "10"}), ids));
    BOOST_TEST(unwrap_refused(stanza({"scrypt", salt, "10"}, 48), ids));
    // A different work factor derives another key: no match, not an error.
    Stanza other_factor = good;
    other_factor.arguments[2] = "11";
    h.stanzas = {other_factor};
    BOOST_TEST(!unwrap_file_key(h, ids).has_value());
    // "Scrypt" is some other type.
    other_factor.arguments[0] = "Scrypt";
    h.stanzas = {other_factor};
    BOOST_TEST(!unwrap_file_key(h, ids).has_value());
}

BOOST_AUTO_TEST_CASE(the_header_mac_covers_the_header) {
    Bytes file = x25519_file(bytes("hello"));
    BOOST_TEST(text(decrypt(file, with_identity())) == "hello");
    // An extra stanza that no identity reads still breaks the MAC.
    const std::string s = text(file);
    const std::size_t mac_line = s.find("\n---") + 1;
    Bytes grease = bytes(s.substr(0, mac_line) + "-> grease\n\n" + s.substr(mac_line));
    BOOST_CHECK_EXCEPTION((void)decrypt(grease, with_identity()), Error,
                          [](const Error& e) { return e.code() == ErrorCode::corrupt; });
    file[mac_line + 10] ^= 0x01;  // a MAC character
    BOOST_CHECK_THROW((void)decrypt(file, with_identity()), Error);
}

BOOST_AUTO_TEST_CASE(the_stream_has_one_final_chunk_at_its_end) {
    const SecureBytes key = fixed_file_key();
    const Bytes full(kChunkBytes, 1);
    const Bytes some(10, 2);
    // Well formed: empty payload, a full final chunk, a short final chunk.
    BOOST_TEST(open_payload(key, payload_of(key, {{{}, true}})).empty());
    BOOST_TEST(open_payload(key, payload_of(key, {{full, false}, {full, true}})).size() ==
               2 * kChunkBytes);
    BOOST_TEST(open_payload(key, payload_of(key, {{full, false}, {some, true}})).size() ==
               kChunkBytes + 10);

    BOOST_TEST(payload_refused(Bytes(kPayloadNonceBytes - 1, 0)));  // short nonce
    BOOST_TEST(payload_refused(Bytes(kPayloadNonceBytes, 0)));      // no chunk
    BOOST_TEST(payload_refused(payload_of(key, {{some, false}})));  // no final flag
    BOOST_TEST(payload_refused(payload_of(key, {{full, false}})));
    BOOST_TEST(payload_refused(payload_of(key, {{full, false}, {full, false}})));
    BOOST_TEST(payload_refused(payload_of(key, {{full, true}, {some, true}})));  // two finals
    BOOST_TEST(payload_refused(payload_of(key, {{full, false}, {{}, true}})));   // empty final
    BOOST_TEST(payload_refused(payload_of(key, {{some, true}, {some, true}})));
    Bytes truncated = payload_of(key, {{full, false}, {some, true}});
    truncated.resize(kPayloadNonceBytes + kChunkBytes + kAeadTagBytes);  // the final chunk gone
    BOOST_TEST(payload_refused(truncated));
    Bytes short_tag = payload_of(key, {{some, true}});
    short_tag.resize(short_tag.size() - 1);
    BOOST_TEST(payload_refused(short_tag));
    Bytes trailing = payload_of(key, {{some, true}});
    trailing.push_back(0);
    BOOST_TEST(payload_refused(trailing));
    Bytes flipped = payload_of(key, {{full, false}, {some, true}});
    flipped[kPayloadNonceBytes + 5] ^= 0x80;
    BOOST_TEST(payload_refused(flipped));
}

BOOST_AUTO_TEST_CASE(base64_is_canonical_both_ways) {
    auto decodes = [](std::string_view t, core::Base64Padding p) {
        Bytes out;
        return core::decode_base64(out, t, p);
    };
    using core::Base64Padding;
    BOOST_TEST(decodes("", Base64Padding::unpadded));
    BOOST_TEST(decodes("QQ", Base64Padding::unpadded));
    BOOST_TEST(!decodes("QR", Base64Padding::unpadded));  // unused bits set
    BOOST_TEST(!decodes("Q", Base64Padding::unpadded));
    BOOST_TEST(!decodes("QQ==", Base64Padding::unpadded));
    BOOST_TEST(decodes("QQ==", Base64Padding::padded));
    BOOST_TEST(decodes("QUI=", Base64Padding::padded));
    BOOST_TEST(!decodes("QQ", Base64Padding::padded));
    BOOST_TEST(!decodes("Q===", Base64Padding::padded));
    BOOST_TEST(!decodes("QR==", Base64Padding::padded));
    BOOST_TEST(!decodes("QQ=A", Base64Padding::padded));
    BOOST_TEST(!decodes("Q Q=", Base64Padding::padded));
    for (std::size_t n = 0; n < 8; ++n) {
        const Bytes data(n, static_cast<std::uint8_t>(0xf0 + n));
        for (const auto p : {Base64Padding::padded, Base64Padding::unpadded}) {
            std::string t;
            core::append_base64(t, data, p);
            Bytes back;
            BOOST_TEST(core::decode_base64(back, t, p));
            BOOST_TEST(back == data);
        }
    }
}
