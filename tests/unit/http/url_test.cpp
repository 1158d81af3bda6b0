// http::parse_url and parse_origin: one canonical text per origin, and every
// spelling another parser could read as a different host refused.
#define BOOST_TEST_MODULE http_parsing
#include <boost/test/unit_test.hpp>

#include "http/url.hpp"
#include "tresor/error.hpp"

using tresor::Error;
using tresor::http::parse_origin;
using tresor::http::parse_origin_list;
using tresor::http::parse_url;

namespace {

bool refused(const std::string& url) {
    try {
        (void)parse_url(url);
        return false;
    } catch (const Error& e) {
        return e.code() == tresor::ErrorCode::invalid_argument;
    }
}

std::string origin_of(const std::string& url) {
    return parse_url(url).origin.text();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(url)

BOOST_AUTO_TEST_CASE(origins_are_canonical) {
    BOOST_TEST(origin_of("https://api.example.com/v1?x=1") == "https://api.example.com");
    BOOST_TEST(origin_of("HTTPS://API.Example.COM:443/") == "https://api.example.com");
    BOOST_TEST(origin_of("https://api.example.com:8443") == "https://api.example.com:8443");
    BOOST_TEST(origin_of("http://localhost:80/") == "http://localhost");
    BOOST_TEST(origin_of("https://127.0.0.1:8443/") == "https://127.0.0.1:8443");
    BOOST_TEST(origin_of("https://[0:0:0:0:0:0:0:1]:8443/") == "https://[::1]:8443");
    BOOST_TEST(origin_of("https://[2001:DB8:0:0:1:0:0:1]/") == "https://[2001:db8::1:0:0:1]");
    BOOST_TEST(origin_of("https://[::ffff:127.0.0.1]/") == "https://[::ffff:7f00:1]");
    BOOST_TEST(origin_of("https://api.example.com:00443/") == "https://api.example.com");
    // A trailing dot is another origin (the URL standard keeps it).
    BOOST_TEST(origin_of("https://api.example.com./") == "https://api.example.com.");
    BOOST_TEST(origin_of("https://xn--bcher-kva.example/") == "https://xn--bcher-kva.example");
}

BOOST_AUTO_TEST_CASE(the_target_is_rebuilt_from_the_parts) {
    const auto url = parse_url("https://API.example.com/a/b?c=d&e=%2F#frag");
    BOOST_TEST(url.target == "/a/b?c=d&e=%2F");
    BOOST_TEST(url.text() == "https://api.example.com:443/a/b?c=d&e=%2F");
    BOOST_TEST(parse_url("https://h.example?q").text() == "https://h.example:443/?q");
    BOOST_TEST(parse_url("https://h.example#x@evil.example").origin.host == "h.example");
}

BOOST_AUTO_TEST_CASE(what_another_parser_could_read_otherwise_is_refused) {
    for (const char* url : {
             "https://api.example.com@evil.example/",  // user information
             "https://user:pw@api.example.com/",
             "https://api.example.com\\@evil.example/",  // a backslash
             "https://api.example.com%2eevil.example/",  // percent-encoded host
             "https://аpi.example.com/",                 // Cyrillic а (IDN)
             "https://ａｐｉ.example.com/",              // fullwidth (NFKC: api)
             "https://2130706433/",                      // 127.0.0.1 as one number
             "https://0x7f.0.0.1/",                      // hex
             "https://0177.0.0.1/",                      // octal
             "https://127.1/",                           // short form
             "https://127.0.0.1./",                      // a numeric host with a dot
             "https://1.2.3.256/",
             "https://[::1%25eth0]/",  // zone id
             "https://[::1/",
             "https://[1:2:3:4:5:6:7:8:9]/",
             "https://[1::2::3]/",
             "https://api.example.com:0/",
             "https://api.example.com:65536/",
             "https://api.example.com:/",
             "https://api.example.com:443:1/",
             "https://api.example.com/a b",
             "https://api.example.com/\r\nHost: evil",
             "https://api.example.com/%zz",
             "https://api..example.com/",
             "https://-/x",
             "https:///path",
             "ftp://api.example.com/",
             "file:///etc/passwd",
             "api.example.com/",
         }) {
        BOOST_TEST(refused(url), url);
    }
    // Hyphen and underscore names are names.
    BOOST_TEST(!refused("https://a-b_c.example/"));
}

BOOST_AUTO_TEST_CASE(an_origin_has_no_path) {
    BOOST_TEST(parse_origin("https://api.example.com/").text() == "https://api.example.com");
    BOOST_CHECK_THROW((void)parse_origin("https://api.example.com/v1"), Error);
    BOOST_CHECK_THROW((void)parse_origin("https://api.example.com?x"), Error);
    BOOST_CHECK_THROW((void)parse_origin("https://api.example.com#x"), Error);
    const auto list = parse_origin_list("https://a.example  https://b.example:8443 ");
    BOOST_TEST(list.size() == 2u);
    BOOST_TEST(list[1].text() == "https://b.example:8443");
    BOOST_CHECK_THROW((void)parse_origin_list("  "), Error);
}

BOOST_AUTO_TEST_CASE(loopback_is_localhost_127_and_the_ipv6_one) {
    BOOST_TEST(parse_origin("http://localhost:8080").is_loopback());
    BOOST_TEST(parse_origin("http://127.3.4.5").is_loopback());
    BOOST_TEST(parse_origin("http://[::1]").is_loopback());
    BOOST_TEST(!parse_origin("http://localhost.example").is_loopback());
    BOOST_TEST(!parse_origin("http://128.0.0.1").is_loopback());
}

BOOST_AUTO_TEST_SUITE_END()
