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
