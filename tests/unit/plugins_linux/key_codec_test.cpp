// The kernel-key format of plugins/keyutils (key_codec.hpp): descriptions
// round-trip whatever the names hold, and payloads of other programs, cut
// short or hostile, are refused rather than misread.
#define BOOST_TEST_MODULE keyutils_codec
#include <boost/test/unit_test.hpp>

#include "plugins/keyutils/key_codec.hpp"

namespace codec = tresor::keyutils;

BOOST_AUTO_TEST_CASE(descriptions_escape_the_separator_and_unprintable_bytes) {
    BOOST_TEST(codec::describe("svc:a", "n%1") == "tresor:svc%3Aa:n%251");
    BOOST_TEST(codec::describe("s", "ü x") == "tresor:s:%C3%BC%20x");
    const std::string odd("\x01:%;\x7f\xff", 6);
    const auto parsed = codec::parse_description(codec::describe(odd, "näme"));
    BOOST_REQUIRE(parsed.has_value());
    BOOST_TEST(parsed->first == odd);
    BOOST_TEST(parsed->second == "näme");
}

BOOST_AUTO_TEST_CASE(descriptions_not_ours_are_refused) {
    for (const char* text : {"other:s:n", "tresor:sn", "tresor::n", "tresor:s:", "tresor:s%4G:n",
                             "tresor:s%4:n", "tresor:s:n%",
                             // not as describe() writes it: a get would not find it
                             "tresor:s%41:n", "tresor:s:a:b", "tresor:s:%3a"}) {
        BOOST_TEST(!codec::parse_description(text).has_value(), text);
    }
}

BOOST_AUTO_TEST_CASE(a_header_round_trips_and_the_value_follows_it) {
    codec::Record in;
    in.type = 5;
    in.label = "label";
    in.description = "description";
    in.created_at = 1700000000;
    in.updated_at = 1700000001;
    in.expires_at = 4102444800;
    std::vector<std::uint8_t> payload;
    codec::encode_header(in, payload);
    BOOST_TEST(payload.size() == codec::header_size(in));
    payload.push_back('v');
    codec::Record out;
    const auto offset = codec::decode_header(payload, out);
    BOOST_REQUIRE(offset.has_value());
    BOOST_TEST(*offset == codec::header_size(in));
    BOOST_TEST(out.type == 5u);
    BOOST_TEST(out.label == "label");
    BOOST_TEST(out.description == "description");
    BOOST_TEST(out.created_at == in.created_at);
    BOOST_TEST(out.updated_at == in.updated_at);
    BOOST_TEST(out.expires_at == in.expires_at);
}

BOOST_AUTO_TEST_CASE(every_truncation_and_a_lying_length_are_refused) {
    codec::Record in;
    in.label = "label";
    std::vector<std::uint8_t> payload;
    codec::encode_header(in, payload);
    for (std::size_t n = 0; n < payload.size(); ++n) {
        codec::Record out;
        BOOST_TEST(!codec::decode_header({payload.data(), n}, out).has_value(), n);
    }
    // The label's length field (after magic, type and three times) claims 4 GiB.
    std::vector<std::uint8_t> lying = payload;
    for (std::size_t i = 32; i < 36; ++i) {
        lying[i] = 0xff;
    }
    codec::Record out;
    BOOST_TEST(!codec::decode_header(lying, out).has_value());
    const std::vector<std::uint8_t> plain{'p', 'l', 'a', 'i', 'n'};
    BOOST_TEST(!codec::decode_header(plain, out).has_value());
}
