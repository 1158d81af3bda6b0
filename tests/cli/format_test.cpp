#include <boost/test/unit_test.hpp>

#include "cli/format.hpp"

using namespace tresor::cli;

BOOST_AUTO_TEST_CASE(times_parse_in_iso_8601_forms_and_print_in_utc) {
    BOOST_TEST(format_time(parse_time("2027-01-31")) == "2027-01-31T00:00:00Z");
    BOOST_TEST(format_time(parse_time("2027-01-31T12:30:05Z")) == "2027-01-31T12:30:05Z");
    BOOST_TEST(format_time(parse_time("2027-01-31T12:30")) == "2027-01-31T12:30:00Z");
    BOOST_TEST(format_time(parse_time("2027-01-31T12:30:00+02:00")) == "2027-01-31T10:30:00Z");
    BOOST_TEST(format_time(std::nullopt).empty());
    for (const char* bad :
         {"", "2027", "2027-02-30", "2027-01-31T25:00", "2027-01-31X", "tomorrow"}) {
        BOOST_CHECK_THROW((void)parse_time(bad), tresor::Error);
    }
}

// Issue 15, finding 11: from_chars took signs, and offsets were unbounded.
BOOST_AUTO_TEST_CASE(times_take_only_digits_real_offsets_and_years_from_1) {
    BOOST_TEST(format_time(parse_time("2027-01-31T12:00+14:00")) == "2027-01-30T22:00:00Z");
    BOOST_TEST(format_time(parse_time("2027-01-31T12:00-12:00")) == "2027-02-01T00:00:00Z");
    BOOST_TEST(format_time(parse_time("0001-01-01")) == "0001-01-01T00:00:00Z");
    for (const char* bad :
         {"2027-01-31T12:00+99:99", "2027-01-31T12:00+14:01", "2027-01-31T12:00+01:60",
          "2027-01-31T12:00-15:00", "2027-01-31T12:00+-1:00", "-001-01-01", "+001-01-01",
          "0000-01-01", "2027--1-01", "2027-01-31T-1:00", "2027-01-31T12:-1",
          "2027-01-31T12:00:-1"}) {
        BOOST_CHECK_EXCEPTION((void)parse_time(bad), tresor::Error, [](const tresor::Error& e) {
            return e.code() == tresor::ErrorCode::invalid_argument;
        });
    }
}

// Issue 15, finding 11: ESC, CR and BEL in a name could forge lines.
BOOST_AUTO_TEST_CASE(display_text_escapes_what_a_terminal_would_act_on) {
    BOOST_TEST(display_text("plain h\xc3\xa9 \xf0\x9f\x94\x91") ==
               "plain h\xc3\xa9 \xf0\x9f\x94\x91");
    BOOST_TEST(display_text("a\x1b[2Jb\rc\ad\ne\tf") == "a\\x1b[2Jb\\x0dc\\x07d\\x0ae\\x09f");
    BOOST_TEST(display_text(std::string("\0\x7f", 2)) == "\\x00\\x7f");
    BOOST_TEST(display_text("\xc2\x9b\xc2\x85") == "\\u009b\\u0085");  // C1: CSI, NEL
    BOOST_TEST(display_text("\xff\x9b\xc0\xaf") == "\\xff\\x9b\\xc0\\xaf");
    BOOST_TEST(display_text("\\x1b") == "\\\\x1b");  // a literal backslash stays distinct
    BOOST_TEST(display_key({"s\x1b", "n\r"}) == "s\\x1b/n\\x0d");
}

BOOST_AUTO_TEST_CASE(utf8_validation_rejects_overlongs_and_surrogates) {
    BOOST_TEST(is_valid_utf8("plain ascii"));
    BOOST_TEST(is_valid_utf8("\xe2\x82\xac \xf0\x9f\x94\x91"));
    BOOST_TEST(!is_valid_utf8("\xc0\xaf"));
    BOOST_TEST(!is_valid_utf8("\xed\xa0\x80"));
    BOOST_TEST(!is_valid_utf8("\xe2\x82"));
    BOOST_TEST(!is_valid_utf8("\xf4\x90\x80\x80"));
}
