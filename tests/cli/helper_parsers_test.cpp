// The parsers behind `tresor import --dotenv` and git-credential-tresor, and
// the JSON rule for text that is not UTF-8 (issue 10).
#include <boost/test/unit_test.hpp>

#include "cli/dotenv.hpp"
#include "cli/git_credential.hpp"
#include "cli/json.hpp"
#include "support/refusal.hpp"
#include "tresor/error.hpp"

using namespace tresor::cli;

namespace {

std::span<const std::uint8_t> bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string dotenv_error(std::string_view text) {
    return tresor::test::refusal([&] { (void)parse_dotenv(bytes(text), "f.env"); });
}

}  // namespace

BOOST_AUTO_TEST_CASE(dotenv_values_as_the_dotenv_tools_read_them) {
    const auto entries = parse_dotenv(bytes("A=plain # comment\n"
                                            "B=no#comment\n"
                                            "export C=\"x\\ty\\\\z\\q\"  # after\n"
                                            "D='a\nb'\n"
                                            "exported=1\n"
                                            "E.F-G=\t spaced \t\r\n"),
                                      "f.env");
    BOOST_REQUIRE(entries.size() == 6u);
    BOOST_TEST(entries[0].name == "A");
    BOOST_TEST(entries[0].value.view() == "plain");
    BOOST_TEST(entries[1].value.view() == "no#comment");
    BOOST_TEST(entries[2].name == "C");
    BOOST_TEST(entries[2].value.view() == "x\ty\\z\\q");
    BOOST_TEST(entries[3].value.view() == "a\nb");
    BOOST_TEST(entries[4].name == "exported");
    BOOST_TEST(entries[5].name == "E.F-G");
    BOOST_TEST(entries[5].value.view() == "spaced");
    BOOST_TEST(entries[5].line == 7u);  // D's value spans two lines
}

BOOST_AUTO_TEST_CASE(dotenv_errors_name_the_line_and_never_the_value) {
    BOOST_TEST(dotenv_error("A=1\nB\n") == "f.env:2: expected '=' after B");
    BOOST_TEST(dotenv_error("A='secret-x\n") ==
               "f.env:1: the value's single quote is never closed");
    BOOST_TEST(dotenv_error("A=\"s\" trailing-secret\n") ==
               "f.env:1: unexpected text after the closing quote");
    BOOST_TEST(dotenv_error("\n\n=secret-y\n").starts_with("f.env:3: expected NAME=value"));
    BOOST_TEST(dotenv_error("export\n").starts_with("f.env:1: expected '=' after export"));
}

BOOST_AUTO_TEST_CASE(git_requests_keep_the_known_attributes) {
    const GitCredential c = parse_git_credential(
        bytes("protocol=https\nhost=h:8443\npath=o/r.git\nusername=u\npassword=p=w\n"
              "wwwauth[]=Basic realm=x\npassword_expiry_utc=17\noauth_refresh_token=r\n\n"
              "host=after-the-blank-line\n"));
    BOOST_TEST(git_service(c) == "git:https://h:8443/o/r.git");
    BOOST_TEST(git_refresh_service(c) == "git-oauth-refresh:https://h:8443/o/r.git");
    BOOST_TEST(*c.username == "u");
    BOOST_TEST(c.password->view() == "p=w");
    BOOST_TEST(*c.password_expiry_utc == 17);
    BOOST_TEST(c.oauth_refresh_token->view() == "r");
    BOOST_TEST(git_service(parse_git_credential(bytes("protocol=https\n"))) == "");
    BOOST_CHECK_THROW((void)parse_git_credential(bytes("protocol=https\nnonsense\n")),
                      tresor::Error);
    tresor::SecureBytes out;
    BOOST_CHECK_THROW(append_git_attribute(out, "password", "a\nhost=evil"), tresor::Error);
}

// Issue 22, finding 2: an empty username is one (t0303's "can store empty
// username"), and git 2.46's fields are read: lists append and an empty
// item clears, booleans are git's words.
BOOST_AUTO_TEST_CASE(git_requests_keep_empty_usernames_and_git_2_46_fields) {
    const GitCredential none = parse_git_credential(bytes("protocol=https\nhost=h\n"));
    BOOST_TEST(!none.username.has_value());
    BOOST_TEST(!none.understands("authtype"));
    const GitCredential empty = parse_git_credential(bytes("host=h\nusername=\npassword=\n"));
    BOOST_TEST((empty.username == std::string()));
    BOOST_TEST(empty.password->view().empty());
    BOOST_TEST(git_name("") == std::string(kNoUsername));
    BOOST_TEST(git_username(git_name("")).empty());
    BOOST_TEST(git_username(git_name("alice")) == "alice");
    BOOST_CHECK_THROW((void)git_name(kNoUsername), tresor::Error);

    const GitCredential c = parse_git_credential(
        bytes("capability[]=old\ncapability[]=\ncapability[]=authtype\ncapability[]=state\n"
              "authtype=Bearer\ncredential=tok=en\nephemeral=TRUE\nstate[]=a:1\n"
              "state[]=tresor:2\ncontinue=1\n"));
    BOOST_TEST(c.capabilities == (std::vector<std::string>{"authtype", "state"}),
               boost::test_tools::per_element());
    BOOST_TEST(c.understands("authtype"));
    BOOST_TEST(!c.understands("old"));
    BOOST_TEST(c.authtype == "Bearer");
    BOOST_TEST(c.credential->view() == "tok=en");
    BOOST_TEST(c.ephemeral);
    BOOST_TEST(c.state.size() == 2u);
    for (const char* word : {"yes", "On", "1", "true"}) {
        BOOST_TEST(parse_git_credential(bytes(std::string("ephemeral=") + word)).ephemeral, word);
    }
    for (const char* word : {"false", "0", "", "no", "maybe"}) {
        BOOST_TEST(!parse_git_credential(bytes(std::string("ephemeral=") + word)).ephemeral, word);
    }
}

BOOST_AUTO_TEST_CASE(json_text_that_is_not_utf8_is_base64_with_an_encoding_member) {
    Json object = Json::object();
    put_text(object, "label", "caf\xc3\xa9\x1b\xc2\x9b");
    put_text(object, "value", std::string_view("\x00\xff", 2));
    BOOST_TEST(std::string(dump_json(object)) ==
               "{\"label\":\"caf\\u00e9\\u001b\\u009b\",\"value\":\"AP8=\","
               "\"value_encoding\":\"base64\"}\n");
    BOOST_CHECK_EXCEPTION((void)parse_json(bytes("{\"Secret\":\"hunter2"), "the request"),
                          tresor::Error, [](const tresor::Error& e) {
                              return std::string(e.what()).find("hunter2") == std::string::npos;
                          });
    // A number no double holds is a typed error, not an escaped exception
    // (found by fuzz_helper_input), and the number is not quoted back.
    BOOST_CHECK_EXCEPTION((void)parse_json(bytes("{\"Secret\":302e913659}"), "the request"),
                          tresor::Error, [](const tresor::Error& e) {
                              return std::string(e.what()).find("302e913659") == std::string::npos;
                          });
}
