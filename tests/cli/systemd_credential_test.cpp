// The parser of the peer address systemd binds for LoadCredential=.
#include <boost/test/unit_test.hpp>

#include "cli/systemd_credential.hpp"

using tresor::cli::parse_credential_request;

namespace {

// An abstract address: a NUL, then the name.
std::string abstract(const std::string& name) {
    return std::string(1, '\0') + name;
}

}  // namespace

BOOST_AUTO_TEST_CASE(credential_requests_are_read_from_systemds_abstract_address) {
    const auto request = parse_credential_request(abstract("1f2e/unit/app@1.service/db.password"));
    BOOST_REQUIRE(request.has_value());
    BOOST_TEST(request->unit == "app@1.service");
    BOOST_TEST(request->credential == "db.password");
    BOOST_TEST(parse_credential_request(abstract("ffffffffffffffff/unit/a.b/c")).has_value());
    const std::string too_long_unit = std::string(252, 'u') + ".s";  // 254 bytes: fine
    BOOST_TEST(parse_credential_request(abstract("1/unit/" + too_long_unit + "/c")).has_value());
    for (const std::string& bad :
         std::vector<std::string>{"",
                                  abstract(""),
                                  "/run/x.sock",
                                  "1f/unit/a.service/c",
                                  abstract("/unit/a.service/c"),
                                  abstract("1F/unit/a.service/c"),
                                  abstract("11111111111111111/unit/a.service/c"),
                                  abstract("1f/units/a.service/c"),
                                  abstract("1f/unit/a.service"),
                                  abstract("1f/unit/a.service/"),
                                  abstract("1f/unit//c"),
                                  abstract("1f/unit/a.service/c/d"),
                                  abstract("1f/unit/a.service/.."),
                                  abstract("1f/unit/a.service/c:d"),
                                  abstract("1f/unit/a service/c"),
                                  abstract("1f/unit/noservice/c"),
                                  abstract("1f/unit/.service/c"),
                                  abstract("1f/unit/a.service/c") + '\0',
                                  abstract("1f/unit/a.service/c\x7f"),
                                  abstract("1/unit/u" + too_long_unit + "u/c")}) {
        BOOST_TEST(!parse_credential_request(bad).has_value(), bad);
    }
}
