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

// Issue 22, findings 1 and 5: RFC 3339 with a fraction (JavaScript's
// toISOString()) and lowercase t/z; nothing after the time; real dates only.
BOOST_AUTO_TEST_CASE(times_take_rfc_3339_fractions_and_nothing_after) {
    BOOST_TEST(format_time(parse_time("2027-01-31T12:30:05.123Z")) == "2027-01-31T12:30:05Z");
    BOOST_TEST(format_time(parse_time("2027-01-31T12:30:05.999999999+01:00")) ==
               "2027-01-31T11:30:05Z");
    BOOST_TEST(format_time(parse_time("2027-01-31t12:30:05z")) == "2027-01-31T12:30:05Z");
    BOOST_TEST(format_time(parse_time("2028-02-29")) == "2028-02-29T00:00:00Z");
    for (const char* bad : {"2031-02-30", "2027-02-29", "2027-01-31T12:00:00Zjunk",
                            "2027-01-31T12:00:00Z ", "2027-01-31T12:00:00.Z", "2027-01-31T12:00.5Z",
                            "2027-01-31T12:00:00+01:00Z", "2027-04-31"}) {
        BOOST_CHECK_THROW((void)parse_time(bad), tresor::Error);
    }
}

// Issue 22, finding 1: std::chrono's year_month_day overflows past year
// 32767; any stored second prints, in ISO 8601's expanded form after 9999.
BOOST_AUTO_TEST_CASE(far_future_and_past_times_print_exactly) {
    using tresor::Timestamp;
    const auto at = [](std::int64_t s) { return Timestamp(std::chrono::seconds(s)); };
    BOOST_TEST(format_time(at(9999999999)) == "2286-11-20T17:46:39Z");
    BOOST_TEST(format_time(at(253402300799)) == "9999-12-31T23:59:59Z");
    BOOST_TEST(format_time(at(253402300800)) == "+10000-01-01T00:00:00Z");
    BOOST_TEST(format_time(at(INT64_MAX)) == "+292277026596-12-04T15:30:07Z");
    BOOST_TEST(format_time(at(-1)) == "1969-12-31T23:59:59Z");
    BOOST_TEST(format_time(at(-62135596800)) == "0001-01-01T00:00:00Z");
    BOOST_TEST(format_time(at(-62135596801)) == "0000-12-31T23:59:59Z");
    BOOST_TEST(format_time(at(INT64_MIN)).starts_with("-292277022657-"));
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
