// The plaintext of `tresor export` as `tresor import --age` reads it back
// (cli/export_format.hpp): strict, counted, each key once, values and text
// that are not UTF-8 as base64, errors that name the line and never a value.
#include <boost/test/unit_test.hpp>

#include "cli/export_format.hpp"
#include "support/refusal.hpp"
#include "tresor/error.hpp"

using namespace tresor::cli;

namespace {

const std::string kHeader2 =
    "{\"format\":\"tresor-export\",\"version\":1,\"entries\":2,\"exported_at\":"
    "\"2026-01-01T00:00:00Z\"}\n";

std::string line(const std::string& service, const std::string& name, const std::string& extra = "",
                 const std::string& value = "\"v\"") {
    return "{\"service\":\"" + service + "\",\"name\":\"" + name +
           "\",\"type\":\"api_key\",\"label\":\"L\",\"description\":\"D\",\"id\":\"\","
           "\"backend\":\"vault\",\"created_at\":null,\"updated_at\":\"2026-01-01T00:00:00Z\","
           "\"last_used_at\":null,\"expires_at\":\"2099-01-31T12:00:00Z\",\"attributes\":"
           "{\"username\":\"alice\"}," +
           extra + "\"value\":" + value + "}\n";
}

std::vector<ImportedEntry> parse(const std::string& text) {
    return parse_export({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, "b.age");
}

std::string error_of(const std::string& text) {
    return tresor::test::refusal([&] { (void)parse(text); });
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_export_reads_back_with_its_metadata) {
    const auto entries = parse(kHeader2 + line("s", "a") +
                               line("s", "b", "\"value_encoding\":\"base64\",", "\"/wBiaW4=\""));
    BOOST_REQUIRE(entries.size() == 2u);
    BOOST_TEST(entries[0].key.service == "s");
    BOOST_TEST(entries[0].type == "api_key");
    BOOST_TEST(entries[0].label == "L");
    BOOST_TEST(entries[0].description == "D");
    BOOST_TEST(entries[0].attributes.at("username") == "alice");
    BOOST_TEST(entries[0].value.view() == "v");
    BOOST_TEST(entries[0].expires_at.has_value());
    BOOST_TEST(entries[1].value.view() == std::string_view("\xff\0bin", 5));
    // The header written for N entries reads back as the count.
    const SecureString header = export_header(0, tresor::Timestamp{});
    BOOST_TEST(parse(std::string(header.begin(), header.end())).empty());
}

BOOST_AUTO_TEST_CASE(anything_else_is_refused_by_line) {
    const std::string one = line("s", "a");
    BOOST_TEST(error_of(kHeader2 + one).find("holds 1 entries, its header says 2") !=
               std::string::npos);
    BOOST_TEST(error_of(kHeader2 + one + one).find("line 3: the entry s/a appears twice") !=
               std::string::npos);
    BOOST_TEST(error_of(kHeader2 + one + line("s", "b")) == "<no error>");
    BOOST_TEST(error_of(kHeader2 + one + line("s", "b", "\"valu\":1,"))
                   .find("line 3: unknown member \"valu\"") != std::string::npos);
    BOOST_TEST(error_of(kHeader2 + one + line("s", "b", "", "7")).find("\"value\"") !=
               std::string::npos);
    BOOST_TEST(
        error_of(kHeader2 + one + line("s", "b", "\"value_encoding\":\"base64\",", "\"secret!\""))
            .find("not valid base64") != std::string::npos);
    BOOST_TEST(error_of(kHeader2 + one + "\n" + line("s", "b")).find("line 3") !=
               std::string::npos);  // an empty line
    BOOST_TEST(error_of(kHeader2 + one + line("s", "b").substr(0, 20)).find("line end") !=
               std::string::npos);
    std::string bad_time = line("s", "b");
    bad_time.replace(bad_time.find("2099"), 4, "20x9");
    BOOST_TEST(error_of(kHeader2 + one + bad_time).find("\"expires_at\" is not an ISO 8601") !=
               std::string::npos);
    BOOST_TEST(error_of("{\"format\":\"tresor-export\",\"version\":2,\"entries\":0,"
                        "\"exported_at\":\"2026-01-01T00:00:00Z\"}\n")
                   .find("version") != std::string::npos);
    BOOST_TEST(error_of("{\"service\":\"s\"}\n").find("not a tresor export") != std::string::npos);
    // A value is never quoted, even in a line that fails.
    BOOST_TEST(
        error_of(kHeader2 + one + line("s", "b", "\"x\":1,", "\"hunter2\"")).find("hunter2") ==
        std::string::npos);
}
