// The headers a caller may add, the response header lines read back, and the
// redaction of a secret a server echoes.
#include <boost/test/unit_test.hpp>

#include "http/message.hpp"
#include "tresor/error.hpp"

using namespace tresor::http;
using tresor::Secret;

BOOST_AUTO_TEST_SUITE(message)

BOOST_AUTO_TEST_CASE(caller_headers_cannot_break_lines) {
    BOOST_CHECK_NO_THROW(check_header("X-Trace", "a\tb c"));
    BOOST_CHECK_NO_THROW(check_header("X-Empty", ""));
    for (const char* value : {"a\r\nHost: evil", "a\nb", "a\rb", "a\x01"}) {
        BOOST_CHECK_THROW(check_header("X-A", value), tresor::Error);
    }
    BOOST_CHECK_THROW(check_header(std::string("X-A\0", 4), "v"), tresor::Error);
    BOOST_CHECK_THROW(check_header("X A", "v"), tresor::Error);
    BOOST_CHECK_THROW(check_header("", "v"), tresor::Error);
    BOOST_CHECK_THROW(check_header("X-A", std::string(8193, 'a')), tresor::Error);
}

BOOST_AUTO_TEST_CASE(reserved_names_whatever_their_case) {
    for (const char* name : {"Host", "authorization", "PROXY-AUTHORIZATION", "Content-Length",
                             "Transfer-Encoding", "Connection", "Expect", "Accept-Encoding"}) {
        BOOST_TEST(is_reserved_header(name), name);
    }
    BOOST_TEST(!is_reserved_header("Accept"));
    BOOST_TEST(!is_reserved_header("X-Authorization"));
}

BOOST_AUTO_TEST_CASE(response_lines_keep_the_final_response) {
    std::vector<Header> headers;
    BOOST_TEST(add_header_line("HTTP/1.1 100 Continue\r\n", headers).value() == 100);
    BOOST_TEST(!add_header_line("\r\n", headers).has_value());
    BOOST_TEST(add_header_line("HTTP/2 201\r\n", headers).value() == 201);
    (void)add_header_line("Content-Type:  text/plain \r\n", headers);
    (void)add_header_line("X-Long: one\r\n", headers);
    (void)add_header_line("\t two\r\n", headers);
    (void)add_header_line("not a header line\r\n", headers);
    (void)add_header_line("Bad Name: x\r\n", headers);
    BOOST_REQUIRE(headers.size() == 2u);
    BOOST_TEST(headers[0].name == "Content-Type");
    BOOST_TEST(headers[0].value == "text/plain");
    BOOST_TEST(headers[1].value == "one two");
}

BOOST_AUTO_TEST_CASE(echoed_secrets_are_replaced_in_every_form) {
    std::vector<Secret> needles;
    add_needle_forms("to\"k/en", needles);
    add_needle_forms("", needles);
    BOOST_TEST(needles.size() == 3u);  // verbatim, JSON-escaped, and with "\/" too
    std::string body = R"(a to"k/en b {"t":"to\"k/en"} {"t":"to\"k\/en"})";
    BOOST_TEST(redact(body, needles));
    BOOST_TEST(body == R"(a [REDACTED] b {"t":"[REDACTED]"} {"t":"[REDACTED]"})");
    tresor::SecureBytes bytes{'x', 't', 'o', '"', 'k', '/', 'e', 'n'};
    BOOST_TEST(redact(bytes, needles));
    BOOST_TEST(std::string(bytes.begin(), bytes.end()) == "x[REDACTED]");
    std::string clean = "nothing here";
    BOOST_TEST(!redact(clean, needles));
    BOOST_TEST(clean == "nothing here");
}

BOOST_AUTO_TEST_CASE(longer_needles_go_first) {
    std::vector<Secret> needles{Secret(std::string_view("abc")),
                                Secret(std::string_view("Basic abc"))};
    std::string text = "Basic abc";
    BOOST_TEST(redact(text, needles));
    BOOST_TEST(text == "[REDACTED]");
}

BOOST_AUTO_TEST_SUITE_END()
