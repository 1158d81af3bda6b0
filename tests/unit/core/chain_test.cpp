// How the chain picks a backend: fallback on unavailable, no fallback on a
// refusal, routes, a forced backend, and configs naming unknown plugins.
#include <boost/test/unit_test.hpp>

#include "support/test_support.hpp"
#include "tresor/store.hpp"

using tresor::Error;
using tresor::ErrorCode;
using tresor::Secret;
using tresor::Store;

namespace {

std::string test_plugin_path() {
    return (tresor::test::build_dir() / "test-plugins").string();
}

// A chain of the failing test plugin (configured by failing_params) and memory.
Store failing_then_memory(const std::string& failing_params) {
    return Store::from_toml("plugin_path = \"" + test_plugin_path() +
                            "\"\nchain = [\"first\", \"mem\"]\n"
                            "[backend.first]\nplugin = \"failing\"\n" +
                            failing_params + "\n[backend.mem]\nplugin = \"memory\"\n");
}

bool has_code(const Error& e, ErrorCode code, const std::string& part) {
    return e.code() == code && std::string(e.what()).find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(unavailable_probe_falls_back_to_the_next_backend) {
    Store store = failing_then_memory("probe = \"unavailable\"");
    store.set({"svc", "k"}, Secret("v"));
    BOOST_TEST(store.get({"svc", "k"})->view() == "v");
    const auto statuses = store.backends();
    BOOST_REQUIRE_EQUAL(statuses.size(), 2u);
    BOOST_TEST(!statuses[0].usable);
    BOOST_TEST(statuses[0].reason == "failing plugin: probe fails as configured");
    BOOST_TEST(!statuses[0].serving);
    BOOST_TEST(statuses[1].usable);
    BOOST_TEST(statuses[1].serving);
}

BOOST_AUTO_TEST_CASE(unavailable_open_falls_back_too) {
    Store store = failing_then_memory("open = \"unavailable\"");
    store.set({"svc", "k"}, Secret("v"));
    BOOST_TEST(store.get({"svc", "k"}).has_value());
}

BOOST_AUTO_TEST_CASE(locked_backend_is_an_error_not_a_fallback) {
    Store store = failing_then_memory("open = \"locked\"");
    BOOST_CHECK_EXCEPTION((void)store.get({"svc", "k"}), Error, [](const Error& e) {
        return has_code(e, ErrorCode::locked, "backend 'first': failing plugin: open fails");
    });
}

BOOST_AUTO_TEST_CASE(auth_failure_is_an_error_not_a_fallback) {
    Store store = failing_then_memory("open = \"auth_failed\"");
    BOOST_CHECK_EXCEPTION(store.set({"svc", "k"}, Secret("v")), Error,
                          [](const Error& e) { return e.code() == ErrorCode::auth_failed; });
}

BOOST_AUTO_TEST_CASE(failing_calls_keep_their_status) {
    Store io = failing_then_memory("calls = \"io\"");
    BOOST_CHECK_EXCEPTION((void)io.get({"svc", "k"}), Error, [](const Error& e) {
        return has_code(e, ErrorCode::io, "failing plugin: get fails");
    });
    Store corrupt = failing_then_memory("calls = \"corrupt\"");
    BOOST_CHECK_EXCEPTION(corrupt.set({"svc", "k"}, Secret("v")), Error,
                          [](const Error& e) { return e.code() == ErrorCode::corrupt; });
    BOOST_CHECK_EXCEPTION((void)corrupt.remove({"svc", "k"}), Error,
                          [](const Error& e) { return e.code() == ErrorCode::corrupt; });
    BOOST_CHECK_EXCEPTION((void)corrupt.list("svc"), Error,
                          [](const Error& e) { return e.code() == ErrorCode::corrupt; });
}

BOOST_AUTO_TEST_CASE(unknown_plugin_parameter_is_an_invalid_argument) {
    Store store = failing_then_memory("colour = \"blue\"");
    BOOST_CHECK_EXCEPTION((void)store.get({"svc", "k"}), Error, [](const Error& e) {
        return has_code(e, ErrorCode::invalid_argument, "unknown parameter 'colour'");
    });
}

BOOST_AUTO_TEST_CASE(nothing_usable_names_every_backend_and_why) {
    Store store = Store::from_toml("plugin_path = \"" + test_plugin_path() +
                                   "\"\n[backend.a]\nplugin = \"failing\"\nprobe = "
                                   "\"unavailable\"\n[backend.b]\nplugin = \"missing-dep\"\n");
    BOOST_CHECK_EXCEPTION((void)store.get({"svc", "k"}), Error, [](const Error& e) {
        return has_code(e, ErrorCode::unavailable, "no usable backend in the chain") &&
               has_code(e, ErrorCode::unavailable, "a: failing plugin: probe fails") &&
               has_code(e, ErrorCode::unavailable, "b: cannot load plugin") &&
               has_code(e, ErrorCode::unavailable, "libtresor_test_dependency.so");
    });
}

BOOST_AUTO_TEST_CASE(routes_send_matching_services_to_their_backend) {
    Store store = Store::from_toml(R"(
chain = ["main"]
[backend.main]
plugin = "memory"
[backend.ci]
plugin = "memory"
[routes]
"ci-*" = "ci"
)");
    store.set({"ci-deploy", "token"}, Secret("a"));
    store.set({"app", "token"}, Secret("b"));
    const auto ci = store.list("ci-deploy");
    BOOST_REQUIRE_EQUAL(ci.size(), 1u);
    BOOST_TEST(ci[0].backend == "ci");
    BOOST_TEST(store.list("app").at(0).backend == "main");
    BOOST_TEST(store.list().size() == 2u);
}

BOOST_AUTO_TEST_CASE(forced_backend_serves_everything) {
    tresor::OpenOptions options;
    options.config_toml = "[backend.a]\nplugin = \"memory\"\n[backend.b]\nplugin = \"memory\"\n";
    options.backend = "b";
    Store store = Store::open(options);
    store.set({"svc", "k"}, Secret("v"));
    BOOST_TEST(store.list("svc").at(0).backend == "b");
}

BOOST_AUTO_TEST_CASE(forced_plugin_name_runs_that_plugin_with_defaults) {
    tresor::test::ScopedEnv env("TRESOR_BACKEND", "memory");
    Store store = Store::from_toml("[backend.a]\nplugin = \"memory\"\nsize = \"x\"\n");
    store.set({"svc", "k"}, Secret("v"));
    BOOST_TEST(store.list("svc").at(0).backend == "memory");
}

BOOST_AUTO_TEST_CASE(forcing_an_unknown_backend_lists_backends_and_plugins) {
    tresor::OpenOptions options;
    options.config_toml = "[backend.a]\nplugin = \"memory\"\n";
    options.backend = "nope";
    BOOST_CHECK_EXCEPTION((void)Store::open(options), Error, [](const Error& e) {
        return has_code(e, ErrorCode::config, "no backend or plugin named 'nope'") &&
               has_code(e, ErrorCode::config, "backends in <config string>: a; plugins: ");
    });
}

BOOST_AUTO_TEST_CASE(config_naming_an_unknown_plugin_is_a_config_error) {
    BOOST_CHECK_EXCEPTION((void)Store::from_toml("\n[backend.a]\nplugin = \"memroy\"\n"), Error,
                          [](const Error& e) {
                              return has_code(e, ErrorCode::config,
                                              "<config string>:2:10: backend.a.plugin: unknown "
                                              "plugin 'memroy'; available: ") &&
                                     has_code(e, ErrorCode::config, "memory");
                          });
}

BOOST_AUTO_TEST_CASE(a_password_prompt_is_refused_unless_the_program_allows_it) {
    Store store = failing_then_memory("ask_password = true");
    BOOST_CHECK_EXCEPTION((void)store.get({"svc", "k"}), Error, [](const Error& e) {
        return has_code(e, ErrorCode::locked,
                        "prompting for a password is not enabled for this program");
    });
}
