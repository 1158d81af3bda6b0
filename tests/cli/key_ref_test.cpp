#include <boost/test/unit_test.hpp>

#include "cli/key_ref.hpp"

using tresor::Error;
using tresor::cli::parse_env_binding;
using tresor::cli::parse_key_ref;

BOOST_AUTO_TEST_CASE(key_ref_splits_at_the_first_slash) {
    const auto key = parse_key_ref("github/team/ci");
    BOOST_TEST(key.service == "github");
    BOOST_TEST(key.name == "team/ci");
    for (const char* bad : {"", "nothing", "/name", "service/"}) {
        BOOST_CHECK_THROW((void)parse_key_ref(bad), Error);
    }
}

BOOST_AUTO_TEST_CASE(env_binding_needs_a_valid_variable_name) {
    const auto binding = parse_env_binding("GH_TOKEN=github/ci=x");
    BOOST_TEST(binding.variable == "GH_TOKEN");
    BOOST_TEST(binding.key.service == "github");
    BOOST_TEST(binding.key.name == "ci=x");
    for (const char* bad : {"TOKEN", "=svc/n", "1X=svc/n", "A-B=svc/n", "X=svc"}) {
        BOOST_CHECK_THROW((void)parse_env_binding(bad), Error);
    }
}

BOOST_AUTO_TEST_CASE(entry_names_map_to_variables_by_the_documented_rule) {
    using tresor::cli::entry_variable_name;
    BOOST_TEST(entry_variable_name("", "api-key") == "API_KEY");
    BOOST_TEST(entry_variable_name("", "a..b__c") == "A_B__C");
    BOOST_TEST(entry_variable_name("", "2fa") == "_2FA");
    BOOST_TEST(entry_variable_name("P_", "2fa") == "P_2FA");
    BOOST_TEST(entry_variable_name("", "na\xc3\xafve") == "NA_VE");
    BOOST_TEST(entry_variable_name("", "...") == "_");
    BOOST_TEST(entry_variable_name("", "") == "_");
    BOOST_TEST(entry_variable_name("APP_", "path") == "APP_PATH");
    for (const char* loader :
         {"ld_preload", "LD.LIBRARY.PATH", "dyld-insert", "path", "bash env"}) {
        BOOST_CHECK_THROW((void)entry_variable_name("", loader), Error);
    }
    BOOST_CHECK_THROW((void)entry_variable_name("LD_", "preload"), Error);
    for (const char* bad_prefix : {"1", "A-", "A B"}) {
        BOOST_CHECK_THROW((void)entry_variable_name(bad_prefix, "x"), Error);
    }
}
