#define BOOST_TEST_MODULE conf
#include <boost/test/unit_test.hpp>

#include "conf/config.hpp"
#include "support/test_support.hpp"
#include "tresor/error.hpp"

using tresor::Error;
using tresor::ErrorCode;
using tresor::conf::Config;
using tresor::conf::parse_config;
using namespace tresor::test;

namespace {

Config parse(const std::string& text) {
    return parse_config(text, "cfg.toml", "/base");
}

// The config error for text, which must be one.
std::string config_error(const std::string& text) {
    try {
        (void)parse(text);
    } catch (const Error& e) {
        BOOST_CHECK(e.code() == ErrorCode::config);
        return e.what();
    }
    BOOST_FAIL("no error for: " + text);
    return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(full_config_is_read_in_order_with_params_flattened) {
    const Config c = parse(R"(
chain = ["keyring", "file"]
default_service = "my-app"
plugin_path = ["plugins", "/opt/tresor"]

[backend.keyring]
plugin = "secret-service"
timeout_ms = 1500

[backend.file]
plugin = "vault"
path = "~/.local/share/tresor/vault.db"
unlock = "env:TRESOR_VAULT_PASSWORD"
create = true
kdf = { memory_mib = 256, iterations = 3, parallelism = 1 }

[routes]
"ci-*" = "file"
)");
    BOOST_TEST(c.chain == (std::vector<std::string>{"keyring", "file"}));
    BOOST_TEST(c.default_service == "my-app");
    BOOST_REQUIRE_EQUAL(c.plugin_path.size(), 2u);
    BOOST_TEST(c.plugin_path[0] == "/base/plugins");
    BOOST_TEST(c.plugin_path[1] == "/opt/tresor");
    const auto* keyring = c.find_backend("keyring");
    BOOST_REQUIRE(keyring != nullptr);
    BOOST_TEST(keyring->plugin == "secret-service");
    BOOST_REQUIRE_EQUAL(keyring->params.size(), 1u);
    BOOST_TEST(keyring->params[0].first == "timeout_ms");
    BOOST_TEST(keyring->params[0].second == "1500");
    const auto* file = c.find_backend("file");
    BOOST_REQUIRE(file != nullptr);
    std::map<std::string, std::string> params(file->params.begin(), file->params.end());
    BOOST_TEST(params.size() == 6u);
    BOOST_TEST(params["path"] == "~/.local/share/tresor/vault.db");
    BOOST_TEST(params["create"] == "true");
    BOOST_TEST(params["kdf.memory_mib"] == "256");
    BOOST_TEST(params["kdf.iterations"] == "3");
    BOOST_TEST(params.count("plugin") == 0u);
    BOOST_REQUIRE_EQUAL(c.routes.size(), 1u);
    BOOST_TEST(c.routes[0].service_glob == "ci-*");
    BOOST_TEST(c.routes[0].backend == "file");
}

BOOST_AUTO_TEST_CASE(chain_defaults_to_the_backends_in_file_order) {
    const Config c = parse("[backend.b]\nplugin = \"memory\"\n[backend.a]\nplugin = \"vault\"\n");
    BOOST_TEST(c.chain == (std::vector<std::string>{"b", "a"}));
    BOOST_TEST(c.default_service == "default");
}

BOOST_AUTO_TEST_CASE(syntax_error_names_file_line_and_column) {
    const std::string message = config_error("chain = [\"a\"]\n[backend.a]\nplugin = \"memory\n");
    BOOST_TEST(message.starts_with("cfg.toml:3:"), message);
}

BOOST_AUTO_TEST_CASE(unknown_top_level_key_suggests_the_right_one) {
    const std::string message = config_error("chian = [\"a\"]\n[backend.a]\nplugin = \"memory\"\n");
    BOOST_TEST(message == "cfg.toml:1:1: unknown key 'chian' (did you mean 'chain'?)");
}

BOOST_AUTO_TEST_CASE(wrong_types_name_the_key_path) {
    BOOST_TEST(config_error("chain = 3\n") ==
               "cfg.toml:1:9: chain: expected an array of strings, found an integer");
    BOOST_TEST(config_error("[backend.a]\nplugin = 7\n") ==
               "cfg.toml:2:10: backend.a.plugin: expected a string, found an integer");
    BOOST_TEST(config_error("[backend.a]\nplugin = \"m\"\nlist = [1]\n") ==
               "cfg.toml:3:8: backend.a.list: expected a string, number or boolean, found an "
               "array");
    BOOST_TEST(config_error("backend = 1\n") ==
               "cfg.toml:1:11: backend: expected a table, found an integer");
}

BOOST_AUTO_TEST_CASE(backend_without_plugin_is_an_error) {
    BOOST_TEST(
        config_error("[backend.a]\npath = \"x\"\n").find("backend.a: missing key 'plugin'") !=
        std::string::npos);
}

BOOST_AUTO_TEST_CASE(chain_naming_an_undefined_backend_is_an_error) {
    BOOST_TEST(config_error("chain = [\"fiel\"]\n[backend.file]\nplugin = \"vault\"\n") ==
               "cfg.toml:1:10: chain[0]: backend 'fiel' is not defined (did you mean 'file'?)");
    BOOST_TEST(config_error("chain = []\n[backend.file]\nplugin = \"vault\"\n") ==
               "cfg.toml:1:9: chain: must name at least one backend");
}

// Found by fuzz/config: a single-string chain naming an undefined backend
// read past a null array.
BOOST_AUTO_TEST_CASE(regression_single_string_chain_naming_an_undefined_backend) {
    BOOST_TEST(config_error("chain = \"nope\"\n[backend.a]\nplugin = \"memory\"\n") ==
               "cfg.toml:1:9: chain: backend 'nope' is not defined; add a [backend.nope] table");
    BOOST_TEST(parse("chain = \"a\"\n[backend.a]\nplugin = \"memory\"\n").chain ==
               (std::vector<std::string>{"a"}));
}

BOOST_AUTO_TEST_CASE(route_to_an_undefined_backend_is_an_error) {
    const std::string message =
        config_error("[backend.file]\nplugin = \"vault\"\n[routes]\n\"ci-*\" = \"nope\"\n");
    BOOST_TEST(message.find("routes.\"ci-*\": backend 'nope' is not defined") != std::string::npos,
               message);
}

BOOST_AUTO_TEST_CASE(empty_config_is_an_error) {
    BOOST_TEST(config_error("").find("no backend configured") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(closest_match_only_suggests_plausible_typos) {
    using tresor::conf::closest_match;
    BOOST_TEST(closest_match("vaul", {"memory", "vault"}).value_or("") == "vault");
    BOOST_TEST(!closest_match("keyutils", {"memory", "vault"}).has_value());
}

BOOST_AUTO_TEST_CASE(discovery_prefers_explicit_then_env_then_xdg_then_default) {
    TempDir dir;
    const auto explicit_file = dir.write("explicit.toml", "[backend.x]\nplugin = \"memory\"\n");
    const auto env_file = dir.write("env.toml", "[backend.y]\nplugin = \"memory\"\n");
    dir.write("xdg/tresor/config.toml", "[backend.z]\nplugin = \"memory\"\n");
    ScopedEnv xdg("XDG_CONFIG_HOME", (dir / "xdg").string());
    {
        ScopedEnv env("TRESOR_CONFIG", env_file.string());
        BOOST_TEST(tresor::conf::discover_config(explicit_file).chain.front() == "x");
        BOOST_TEST(tresor::conf::discover_config(std::nullopt).chain.front() == "y");
    }
    ScopedEnv no_env("TRESOR_CONFIG", std::nullopt);
    BOOST_TEST(tresor::conf::discover_config(std::nullopt).chain.front() == "z");
    ScopedEnv empty_xdg("XDG_CONFIG_HOME", (dir / "nothing-here").string());
    if (!std::filesystem::exists("/etc/tresor/config.toml")) {
        const Config c = tresor::conf::discover_config(std::nullopt);
        BOOST_TEST(c.source == "<built-in default>");
        BOOST_TEST(c.chain == (std::vector<std::string>{"secret-service", "vault"}));
    }
}

BOOST_AUTO_TEST_CASE(an_explicit_config_file_must_exist) {
    BOOST_CHECK_EXCEPTION(
        (void)tresor::conf::discover_config(std::filesystem::path("/nonexistent.toml")), Error,
        [](const Error& e) {
            return e.code() == ErrorCode::config &&
                   std::string(e.what()).find("/nonexistent.toml") == 0;
        });
}

BOOST_AUTO_TEST_CASE(systemd_credentials_are_read_in_file_order_with_their_location) {
    const Config c = parse(R"([backend.a]
plugin = "memory"
[systemd_credentials."web.service"]
tls-key = "web/tls-key"
"db.password" = "db/main"
[systemd_credentials."app@1.service"]
token = "api/token"
)");
    BOOST_REQUIRE_EQUAL(c.systemd_credentials.size(), 3u);
    BOOST_TEST(c.systemd_credentials[0].unit == "web.service");
    BOOST_TEST(c.systemd_credentials[0].credential == "tls-key");
    BOOST_TEST(c.systemd_credentials[0].entry == "web/tls-key");
    BOOST_TEST(c.systemd_credentials[0].location.str() == "cfg.toml:4:11");
    BOOST_TEST(c.systemd_credentials[1].credential == "db.password");
    BOOST_TEST(c.systemd_credentials[2].unit == "app@1.service");
    BOOST_TEST(config_error("[backend.a]\nplugin = \"memory\"\n[systemd_credentials]\n"
                            "\"web.service\" = \"web/tls\"\n") ==
               "cfg.toml:4:17: systemd_credentials.\"web.service\": expected a table, found a "
               "string");
    BOOST_TEST(
        config_error("[backend.a]\nplugin = \"memory\"\n[systemd_credentials.\"w.service\"]\n"
                     "id = 3\n") ==
        "cfg.toml:4:6: systemd_credentials.\"w.service\".id (\"SERVICE/NAME\"): expected a "
        "string, found an integer");
}
