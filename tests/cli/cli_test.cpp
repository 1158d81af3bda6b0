// The `tresor` binary as people and CI use it: exit statuses, help, errors,
// and that no secret reaches an error message.
#define BOOST_TEST_MODULE cli
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <fstream>
#include <thread>

#include "cli_runner.hpp"
#include "support/other_user.hpp"

using namespace tresor::test;

namespace {

std::string plugin_path_line() {
    return "plugin_path = \"" + (tresor::test::build_dir() / "test-plugins").string() + "\"\n";
}

}  // namespace

BOOST_AUTO_TEST_CASE(help_lists_commands_and_exit_statuses) {
    const ProcessResult r = Cli(kMemory).run({"--help"});
    BOOST_TEST(r.exit_status == 0);
    for (const char* word : {"set", "get", "rm", "ls", "exec", "backends", "plugins", "1 not found",
                             "2 usage or config error", "3 backend unavailable or locked"}) {
        BOOST_TEST(contains(r.out, word), word);
    }
}

BOOST_AUTO_TEST_CASE(each_subcommand_has_help_with_an_example) {
    for (const char* command : {"set", "get", "rm", "ls", "exec", "backends", "plugins"}) {
        const ProcessResult r = Cli(kMemory).run({command, "--help"});
        BOOST_TEST(r.exit_status == 0, command);
        BOOST_TEST(contains(r.out, "Example:"), command);
    }
}

// Issue 22, finding 16: `tresor` alone and `tresor help` said only "A
// subcommand is required"; `tresor backends` did not say which config it
// read; the helpers' --help exited 2.
BOOST_AUTO_TEST_CASE(help_alone_help_subcommand_and_the_helpers_help) {
    Cli cli(kMemory);
    const ProcessResult alone = cli.run({});
    BOOST_TEST(alone.exit_status == 2);
    const ProcessResult help = cli.run({"--help"});
    BOOST_TEST(alone.out == help.out, alone.out);
    BOOST_TEST(cli.run({"help"}).out == help.out);
    BOOST_TEST(cli.run({"help"}).exit_status == 0);
    const ProcessResult init = cli.run({"help", "vault", "init"});
    BOOST_TEST(init.exit_status == 0);
    BOOST_TEST(init.out == cli.run({"vault", "init", "--help"}).out);
    BOOST_TEST(contains(init.out, "Usage: tresor vault init"), init.out);
    BOOST_TEST(cli.run({"help", "nope"}).exit_status == 2);
    const ProcessResult backends = cli.run({"backends"});
    BOOST_TEST(contains(backends.out, "config: " + cli.config.string() + "\n"), backends.out);
    const auto bin = std::filesystem::path(TRESOR_CLI).parent_path();
    for (const char* helper : {"git-credential-tresor", "docker-credential-tresor"}) {
        const ProcessResult r = run_process({(bin / helper).string(), "--help"}, "");
        BOOST_TEST(r.exit_status == 0, helper);
        BOOST_TEST(r.out.starts_with(std::string(helper) + " - "), r.out);
        BOOST_TEST(contains(r.out, "Usage: " + std::string(helper)), r.out);
    }
}

BOOST_AUTO_TEST_CASE(version_is_printed) {
    const ProcessResult r = Cli(kMemory).run({"--version"});
    BOOST_TEST(r.exit_status == 0);
    BOOST_TEST(r.out.starts_with("tresor "), r.out);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2) {
    BOOST_TEST(Cli(kMemory).run({}).exit_status == 2);
    BOOST_TEST(Cli(kMemory).run({"get", "only-service"}).exit_status == 2);
    BOOST_TEST(Cli(kMemory).run({"frobnicate"}).exit_status == 2);
    const ProcessResult bad_type = Cli(kMemory).run({"set", "s", "n", "--type", "nope"}, "v\n");
    BOOST_TEST(bad_type.exit_status == 2);
    BOOST_TEST(contains(bad_type.err, "unknown --type 'nope'"), bad_type.err);
    const ProcessResult bad_time = Cli(kMemory).run({"set", "s", "n", "--expires", "soon"}, "v\n");
    BOOST_TEST(bad_time.exit_status == 2);
    BOOST_TEST(contains(bad_time.err, "not an ISO 8601 time"), bad_time.err);
}

BOOST_AUTO_TEST_CASE(config_errors_exit_2_with_file_line_and_column) {
    Cli cli("chain = [\"a\"\n");
    const ProcessResult r = cli.run({"get", "s", "n"});
    BOOST_TEST(r.exit_status == 2);
    BOOST_TEST(contains(r.err, cli.config.string() + ":"), r.err);
    const ProcessResult unknown = Cli("[backend.a]\nplugin = \"vaultt\"\n").run({"get", "s", "n"});
    BOOST_TEST(unknown.exit_status == 2);
    BOOST_TEST(contains(unknown.err, "unknown plugin 'vaultt'; available:"), unknown.err);
}

// Issue 22, finding 13: `printf %s "$TOKEN" | tresor set` with TOKEN unset
// stored an empty secret without a word.
BOOST_AUTO_TEST_CASE(an_empty_secret_from_stdin_is_stored_with_a_warning) {
    Cli cli(kMemory);
    for (const char* input : {"", "\n"}) {
        const ProcessResult set = cli.run({"set", "svc", "empty"}, input);
        BOOST_TEST(set.exit_status == 0);
        BOOST_TEST(contains(set.err, "warning: stored an empty secret for svc/empty"), set.err);
    }
    BOOST_TEST(cli.run({"set", "svc", "full"}, "v\n").err.empty());
}

BOOST_AUTO_TEST_CASE(set_reads_stdin_and_get_of_a_missing_key_exits_1) {
    Cli cli(kMemory);
    BOOST_TEST(cli.run({"set", "svc", "name"}, "value\n").exit_status == 0);
    const ProcessResult missing = cli.run({"get", "svc", "other"});
    BOOST_TEST(missing.exit_status == 1);
    BOOST_TEST(missing.out.empty());
    BOOST_TEST(contains(missing.err, "not found: svc/other"), missing.err);
    BOOST_TEST(cli.run({"rm", "svc", "other"}).exit_status == 1);
    const ProcessResult listing = cli.run({"ls", "--json"});
    BOOST_TEST(listing.exit_status == 0);
    BOOST_TEST(listing.out == "[]\n");
}

BOOST_AUTO_TEST_CASE(unavailable_backends_exit_3_and_say_why) {
    Cli cli(plugin_path_line() + "[backend.a]\nplugin = \"failing\"\nprobe = \"unavailable\"\n");
    const ProcessResult r = cli.run({"get", "s", "n"});
    BOOST_TEST(r.exit_status == 3);
    BOOST_TEST(contains(r.err, "a: failing plugin: probe fails as configured"), r.err);
    const ProcessResult backends = cli.run({"backends"});
    BOOST_TEST(backends.exit_status == 0);
    BOOST_TEST(contains(backends.out, "a  plugin=failing"), backends.out);
    BOOST_TEST(contains(backends.out, "unusable: failing plugin: probe fails"), backends.out);
}

BOOST_AUTO_TEST_CASE(auth_and_corruption_exit_4_other_errors_exit_5) {
    const std::string base = plugin_path_line() + "[backend.a]\nplugin = \"failing\"\n";
    BOOST_TEST(Cli(base + "open = \"auth_failed\"\n").run({"get", "s", "n"}).exit_status == 4);
    BOOST_TEST(Cli(base + "calls = \"corrupt\"\n").run({"get", "s", "n"}).exit_status == 4);
    BOOST_TEST(Cli(base + "calls = \"permission_denied\"\n").run({"get", "s", "n"}).exit_status ==
               4);
    BOOST_TEST(Cli(base + "calls = \"io\"\n").run({"get", "s", "n"}).exit_status == 5);
    BOOST_TEST(Cli(base + "open = \"locked\"\n").run({"get", "s", "n"}).exit_status == 3);
}

BOOST_AUTO_TEST_CASE(secret_given_on_stdin_never_reaches_an_error_message) {
    const std::string base = plugin_path_line() + "[backend.a]\nplugin = \"failing\"\n";
    const ProcessResult r =
        Cli(base + "calls = \"io\"\n").run({"set", "svc", "n"}, "TOPSECRET-123\n");
    BOOST_TEST(r.exit_status == 5);
    BOOST_TEST(!contains(r.err, "TOPSECRET"), r.err);
    BOOST_TEST(!contains(r.out, "TOPSECRET"), r.out);
}

// Issue 15, finding 11: the message did not say why stdin could not be read.
BOOST_AUTO_TEST_CASE(an_unreadable_stdin_is_reported_with_the_reason) {
    const Cli cli(kMemory);
    const auto set_with_stdin = [&](const std::string& redirection) {
        return run_process({"/bin/sh", "-c", "exec \"$0\" --config \"$1\" set s n " + redirection,
                            TRESOR_CLI, cli.config.string()},
                           "");
    };
    const ProcessResult directory = set_with_stdin("< " + cli.home.path().string());
    BOOST_TEST(directory.exit_status == 5);
    BOOST_TEST(contains(directory.err, "cannot read the secret from stdin: Is a directory"),
               directory.err);
    const ProcessResult closed = set_with_stdin("<&-");
    BOOST_TEST(closed.exit_status == 5);
    BOOST_TEST(contains(closed.err, "cannot read the secret from stdin: Bad file descriptor"),
               closed.err);
}

BOOST_AUTO_TEST_CASE(exec_checks_every_secret_before_running_the_command) {
    Cli cli(kMemory);
    const ProcessResult missing =
        cli.run({"exec", "--env", "TOKEN=svc/none", "--", "/bin/sh", "-c", "echo ran"});
    BOOST_TEST(missing.exit_status == 1);
    BOOST_TEST(!contains(missing.out, "ran"));
    BOOST_TEST(contains(missing.err, "not found: svc/none (for TOKEN)"), missing.err);
    const ProcessResult bad = cli.run({"exec", "--env", "1BAD=svc/n", "--", "/bin/true"});
    BOOST_TEST(bad.exit_status == 2);
    BOOST_TEST(contains(bad.err, "not a valid environment variable name"), bad.err);
}

BOOST_AUTO_TEST_CASE(plugins_lists_file_version_and_abi) {
    const ProcessResult r = Cli(kMemory).run({"plugins"});
    BOOST_TEST(r.exit_status == 0);
    BOOST_TEST(contains(r.out, "memory  0.1.0  abi 1.2"), r.out);
    BOOST_TEST(contains(r.out, "tresor-memory.so"), r.out);
}

BOOST_AUTO_TEST_CASE(forced_backend_flag_and_env_agree) {
    Cli cli("[backend.a]\nplugin = \"memory\"\n[backend.b]\nplugin = \"memory\"\n");
    const ProcessResult flag = cli.run({"--backend", "b", "backends"});
    BOOST_TEST(contains(flag.out, "* b  plugin=memory"), flag.out);
    const ProcessResult env = cli.run({"backends"}, "", {{"TRESOR_BACKEND", "b"}});
    BOOST_TEST(contains(env.out, "* b  plugin=memory"), env.out);
    const ProcessResult neither = cli.run({"backends"});
    BOOST_TEST(contains(neither.out, "* a  plugin=memory"), neither.out);
}

// The child has no controlling terminal (setsid): a prompt that waited
// for one would hang this test, and CTest's timeout would fail it.
BOOST_AUTO_TEST_CASE(without_a_terminal_a_password_prompt_fails_at_once) {
    const std::string base = plugin_path_line() + "[backend.a]\nplugin = \"failing\"\n";
    const ProcessResult r = Cli(base + "ask_password = true\n").run({"get", "s", "n"});
    BOOST_TEST(r.exit_status == 3);
    BOOST_TEST(contains(r.err, "no terminal to prompt on"), r.err);
}

BOOST_AUTO_TEST_CASE(vault_round_trip_across_processes) {
    Cli cli(kVault);
    BOOST_TEST(cli.run({"set", "github", "ci", "--type", "api_key", "--label", "CI token",
                        "--expires", "2099-01-01"},
                       "ghp_secret\n", kPassword)
                   .exit_status == 0);
    const ProcessResult get = cli.run({"get", "github", "ci"}, "", kPassword);
    BOOST_TEST(get.exit_status == 0);
    BOOST_TEST(get.out == "ghp_secret\n");
    BOOST_TEST(cli.run({"get", "github", "ci", "--raw"}, "", kPassword).out == "ghp_secret");

    const ProcessResult json = cli.run({"get", "github", "ci", "--json"}, "", kPassword);
    BOOST_TEST(contains(json.out, "\"service\":\"github\",\"name\":\"ci\",\"type\":\"api_key\""),
               json.out);
    BOOST_TEST(contains(json.out, "\"expires_at\":\"2099-01-01T00:00:00Z\""), json.out);
    BOOST_TEST(contains(json.out, "\"value\":\"ghp_secret\""), json.out);
    // The gets above were uses, written when each process closed.
    BOOST_TEST(contains(json.out, "\"last_used_at\":\"20"), json.out);
    BOOST_TEST(contains(json.out, "\"attributes\":{}"), json.out);
    BOOST_TEST(cli.run({"set", "intranet", "login", "--type", "basic_auth", "--username", "alice"},
                       "pw\n", kPassword)
                   .exit_status == 0);
    const ProcessResult typed = cli.run({"ls", "intranet", "--json"}, "", kPassword);
    BOOST_TEST(contains(typed.out, "\"attributes\":{\"username\":\"alice\"}"), typed.out);

    const ProcessResult listing = cli.run({"ls", "github"}, "", kPassword);
    BOOST_TEST(contains(listing.out, "github   ci    api_key  CI token"), listing.out);
    BOOST_TEST(!contains(listing.out, "ghp_secret"), listing.out);

    BOOST_TEST(cli.run({"rm", "github", "ci"}, "", kPassword).exit_status == 0);
    BOOST_TEST(cli.run({"rm", "github", "ci"}, "", kPassword).exit_status == 1);
    BOOST_TEST(cli.run({"get", "github", "ci"}, "", kPassword).exit_status == 1);
}

// Typed credentials in the vault, across processes: the username is
// metadata, the password the value, and `tresor header` renders the header
// for `curl -H @-` without the script ever printing the password.
BOOST_AUTO_TEST_CASE(typed_credentials_render_headers_from_the_vault) {
    Cli cli(kVault);
    BOOST_TEST(cli.run({"set", "github", "ci", "--type", "basic_auth", "--username", "alice"},
                       "open sesame\n", kPassword)
                   .exit_status == 0);
    const ProcessResult header = cli.run({"header", "github", "ci"}, "", kPassword);
    BOOST_TEST(header.exit_status == 0, header.err);
    BOOST_TEST(header.out == "Authorization: Basic YWxpY2U6b3BlbiBzZXNhbWU=\n");
    BOOST_TEST(cli.run({"get", "github", "ci"}, "", kPassword).out == "open sesame\n");

    BOOST_TEST(cli.run({"set", "api", "pair", "--type", "custom", "--field", "headers=X-Id,X-Key"},
                       "id-1\nkey-2\n", kPassword)
                   .exit_status == 0);
    BOOST_TEST(cli.run({"header", "api", "pair"}, "", kPassword).out ==
               "X-Id: id-1\nX-Key: key-2\n");

    const ProcessResult missing_user =
        cli.run({"set", "github", "x", "--type", "basic_auth"}, "open sesame\n", kPassword);
    BOOST_TEST(missing_user.exit_status == 2);
    BOOST_TEST(contains(missing_user.err, "'username' is required"), missing_user.err);
    const ProcessResult password = cli.run({"set", "p", "w"}, "open sesame\n", kPassword);
    const ProcessResult no_form = cli.run({"header", "p", "w"}, "", kPassword);
    BOOST_TEST(no_form.exit_status == 2);
    BOOST_TEST(contains(no_form.err, "no header form"), no_form.err);
    for (const ProcessResult* r : {&missing_user, &no_form}) {
        BOOST_TEST(!contains(r->err + r->out, "sesame"));
    }
    BOOST_TEST(cli.run({"header", "github", "nobody"}, "", kPassword).exit_status == 1);
}

// Issue 15, finding 11: the epoch was stored as "never expires", and any
// other past date as an entry nobody could see.
BOOST_AUTO_TEST_CASE(an_expiry_that_is_not_in_the_future_is_refused) {
    Cli cli(kVault);
    for (const char* past : {"1970-01-01T00:00:00Z", "2001-02-03", "1970-01-01T01:00+01:00"}) {
        const ProcessResult r = cli.run({"set", "s", "n", "--expires", past}, "v\n", kPassword);
        BOOST_TEST(r.exit_status == 2, past);
        BOOST_TEST(contains(r.err, " is in the past"), r.err);
    }
    BOOST_TEST(contains(cli.run({"set", "s", "n", "--expires", "2001-02-03"}).err,
                        "--expires 2001-02-03T00:00:00Z is in the past"));
    BOOST_TEST(!std::filesystem::exists(cli.home.path() / "vault.db"));
}

// Issue 22, finding 1: compared with system_clock's nanoseconds, a time after
// 2262-04-11 wrapped negative and "9999-12-31", a common "never", was "in the
// past".
BOOST_AUTO_TEST_CASE(a_far_future_expiry_is_the_future) {
    Cli cli(kVault);
    const ProcessResult set =
        cli.run({"set", "s", "n", "--expires", "9999-12-31T23:59:59Z"}, "v\n", kPassword);
    BOOST_TEST(set.exit_status == 0, set.err);
    BOOST_TEST(cli.run({"get", "s", "n"}, "", kPassword).out == "v\n");
    const ProcessResult json = cli.run({"ls", "s", "--json"}, "", kPassword);
    BOOST_TEST(contains(json.out, "\"expires_at\":\"9999-12-31T23:59:59Z\""), json.out);
}

// Issue 15, finding 11: a stored name or label could forge lines on the
// terminal of whoever lists or asks for it.
BOOST_AUTO_TEST_CASE(control_characters_in_names_and_labels_are_escaped_for_terminals) {
    Cli cli(kVault);
    const std::string name = "n\x1b]0;pwned\x07\rfake";
    BOOST_TEST(cli.run({"set", "svc\x1b[2J", name, "--label",
                        "l\xc2\x9b"
                        "31m\nforged"},
                       "v\n", kPassword)
                   .exit_status == 0);
    const ProcessResult listing = cli.run({"ls"}, "", kPassword);
    BOOST_TEST(contains(listing.out, "svc\\x1b[2J  n\\x1b]0;pwned\\x07\\x0dfake  password"),
               listing.out);
    BOOST_TEST(contains(listing.out, "l\\u009b31m\\x0aforged"), listing.out);
    const ProcessResult json = cli.run({"ls", "--json"}, "", kPassword);
    BOOST_TEST(contains(json.out, "\"label\":\"l\\u009b31m\\nforged\""), json.out);
    const ProcessResult get = cli.run({"get", "svc", name}, "", kPassword);
    BOOST_TEST(contains(get.err, "not found: svc/n\\x1b]0;pwned\\x07\\x0dfake\n"), get.err);
    const ProcessResult exec =
        cli.run({"exec", "--env", "X=svc/" + name, "--", "/bin/true"}, "", kPassword);
    BOOST_TEST(contains(exec.err, "not found: svc/n\\x1b]0;pwned\\x07\\x0dfake (for X)"), exec.err);
    for (const ProcessResult* r : {&listing, &json, &get, &exec}) {
        BOOST_TEST(r->out.find_first_of("\x1b\x07\r") == std::string::npos, r->out);
        BOOST_TEST(r->err.find_first_of("\x1b\x07\r") == std::string::npos, r->err);
        BOOST_TEST(!contains(r->out + r->err, "\xc2\x9b"));
    }
}

BOOST_AUTO_TEST_CASE(binary_values_round_trip_raw_and_as_base64_json) {
    Cli cli(kVault);
    const std::string binary("\x00\xff\x01\n", 4);
    BOOST_TEST(cli.run({"set", "s", "bin", "--raw"}, binary, kPassword).exit_status == 0);
    BOOST_TEST(cli.run({"get", "s", "bin", "--raw"}, "", kPassword).out == binary);
    const ProcessResult json = cli.run({"get", "s", "bin", "--json"}, "", kPassword);
    // Not UTF-8: base64, flagged by "<member>_encoding" (docs/INTEGRATIONS.md).
    BOOST_TEST(contains(json.out, "\"value\":\"AP8BCg==\",\"value_encoding\":\"base64\""),
               json.out);
}

BOOST_AUTO_TEST_CASE(exec_puts_secrets_in_the_child_environment_only) {
    Cli cli(kVault);
    BOOST_TEST(cli.run({"set", "db", "password"}, "hunter2\n", kPassword).exit_status == 0);
    const ProcessResult r = cli.run({"exec", "--env", "DB_PASSWORD=db/password", "--", "/bin/sh",
                                     "-c", "test \"$DB_PASSWORD\" = hunter2 && exit 7"},
                                    "", kPassword);
    BOOST_TEST(r.exit_status == 7);  // the child's status, after it saw the secret
    BOOST_TEST(!contains(r.out + r.err, "hunter2"));
}

namespace {

// Whether /usr/bin/env's output sets `name`.
bool sets_variable(const std::string& env_output, const std::string& name) {
    return env_output.starts_with(name + "=") || contains(env_output, "\n" + name + "=");
}

// `tresor exec --env X=db/password -- /usr/bin/env` with a secret stored
// first: the child's environment, as env prints it.
std::string child_environment(const Cli& cli, const Env& env) {
    BOOST_TEST(cli.run({"set", "db", "password"}, "hunter2\n", env).exit_status == 0);
    const ProcessResult r =
        cli.run({"exec", "--env", "X=db/password", "--", "/usr/bin/env"}, "", env);
    BOOST_TEST(r.exit_status == 0, r.err);
    BOOST_TEST(sets_variable(r.out, "X"), r.out);
    return r.out;
}

}  // namespace

// Issue 15, finding 3: the child could open every secret with the password.
BOOST_AUTO_TEST_CASE(exec_hides_the_default_unlock_variable_from_the_child) {
    const std::string out = child_environment(Cli(kVault), kPassword);
    BOOST_TEST(!sets_variable(out, "TRESOR_VAULT_PASSWORD"), out);
    BOOST_TEST(!contains(out, "cli test password"), out);
}

BOOST_AUTO_TEST_CASE(exec_hides_the_configured_unlock_variable_unless_bound) {
    Cli cli(kVault + "unlock = \"env:PW\"\n");
    const Env env = {{"PW", "pw of the config"}, {"TRESOR_VAULT_PASSWORD", "also hidden"}};
    const std::string out = child_environment(cli, env);
    BOOST_TEST(!sets_variable(out, "PW"), out);
    BOOST_TEST(!sets_variable(out, "TRESOR_VAULT_PASSWORD"), out);
    // Asked for by name, the variable is the bound secret.
    const ProcessResult bound =
        cli.run({"exec", "--env", "PW=db/password", "--", "/usr/bin/env"}, "", env);
    BOOST_TEST(contains(bound.out, "PW=hunter2\n"), bound.out);
    BOOST_TEST(!contains(bound.out, "pw of the config"), bound.out);
}

BOOST_AUTO_TEST_CASE(exec_hides_every_variable_of_a_list_of_unlock_sources) {
    Cli cli(kVault + "unlock = \"env:PW1,env:PW2,prompt\"\n");
    const std::string out = child_environment(cli, {{"PW1", "first"}, {"PW2", "second"}});
    BOOST_TEST(!sets_variable(out, "PW1"), out);
    BOOST_TEST(!sets_variable(out, "PW2"), out);
}

BOOST_AUTO_TEST_CASE(exec_hides_the_unlock_variables_of_every_backend) {
    Cli cli(
        "chain = [\"a\"]\n"
        "[backend.a]\nplugin = \"vault\"\npath = \"~/a.db\"\nunlock = \"env:PW_A\"\n"
        "kdf = { memory_mib = 19, iterations = 2 }\n"
        "[backend.b]\nplugin = \"vault\"\npath = \"~/b.db\"\nunlock = \"env:PW_B\"\n");
    const std::string out = child_environment(cli, {{"PW_A", "a's"}, {"PW_B", "b's"}});
    BOOST_TEST(!sets_variable(out, "PW_A"), out);
    BOOST_TEST(!sets_variable(out, "PW_B"), out);
}

BOOST_AUTO_TEST_CASE(exec_does_not_hand_an_fd_unlock_source_to_the_child) {
    Cli cli(kVault + "unlock = \"fd:3\"\n");
    const auto password_file = cli.home.write("pw", "fd password\n");
    const std::string with_fd_3 = "exec 3<" + password_file.string() + "; exec \"$@\"";
    const auto run = [&](std::vector<std::string> args, const std::string& input) {
        args.insert(args.begin(), {"/bin/sh", "-c", with_fd_3, "sh", TRESOR_CLI, "--config",
                                   cli.config.string()});
        return run_process(args, input, {{"HOME", cli.home.path().string()}});
    };
    BOOST_REQUIRE(run({"set", "db", "password"}, "hunter2\n").exit_status == 0);
    const ProcessResult r = run({"exec", "--env", "X=db/password", "--", "/bin/sh", "-c",
                                 "[ -e /proc/self/fd/3 ] && echo fd-3-open || echo fd-3-closed"},
                                "");
    BOOST_TEST(r.exit_status == 0, r.err);
    BOOST_TEST(r.out == "fd-3-closed\n", r.out);
}

// A vault backend's kdf.max_* limits are what its reader opens.
BOOST_AUTO_TEST_CASE(the_configured_kdf_reader_limits_are_applied) {
    const std::string vault = "[backend.vault]\nplugin = \"vault\"\npath = \"~/vault.db\"\n";
    Cli cli(vault + "kdf = { memory_mib = 32, iterations = 2 }\n");
    BOOST_REQUIRE(cli.run({"set", "s", "n"}, "v\n", kPassword).exit_status == 0);
    std::ofstream(cli.config) << vault
                              << "kdf = { memory_mib = 19, iterations = 2, max_work = 38 }\n";
    const ProcessResult r = cli.run({"get", "s", "n"}, "", kPassword);
    BOOST_TEST(r.exit_status == 4, r.err);
    BOOST_TEST(contains(r.err, "above this reader's limit of 38"), r.err);
}

// A vault whose config leaves kdf.* unset gets its Argon2id measured on the
// machine that creates it: lanes up to the CPUs, memory for the unlock
// target at 3 passes, never below 64 MiB x 3 passes (issue 29).
BOOST_AUTO_TEST_CASE(a_new_vault_without_kdf_settings_is_calibrated_where_it_is_made) {
    Cli cli(
        "[backend.vault]\nplugin = \"vault\"\npath = \"~/vault.db\"\n"
        "kdf = { unlock_ms = 40 }\n");
    const ProcessResult init = cli.run({"vault", "init"}, "", kPassword);
    BOOST_REQUIRE_MESSAGE(init.exit_status == 0, init.err);
    // "created ... (Argon2id N MiB, T passes, P lanes: an attacker pays G GiB·pass per guess)"
    int memory = 0, passes = 0, lanes = 0;
    double cost = 0;
    const auto at = init.out.find("(Argon2id ");
    BOOST_REQUIRE_MESSAGE(
        at != std::string::npos &&
            std::sscanf(init.out.c_str() + at,
                        "(Argon2id %d MiB, %d passes, %d lanes: an attacker pays %lf GiB", &memory,
                        &passes, &lanes, &cost) == 4,
        init.out);
    BOOST_TEST(memory >= 64);
    BOOST_TEST(passes >= 3);
    BOOST_TEST(lanes >= 1);
    BOOST_TEST(lanes <= static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    BOOST_TEST(std::abs(cost - memory / 1024.0 * passes) < 0.006);
    const ProcessResult info = cli.run({"vault", "info"}, "", kPassword);
    BOOST_TEST(contains(info.out, "slot 1: password (Argon2id v0x13, " + std::to_string(memory) +
                                      " MiB, " + std::to_string(passes) + " passes, " +
                                      std::to_string(lanes) + " lanes)"),
               info.out);
    BOOST_TEST(cli.run({"set", "s", "n"}, "v\n", kPassword).exit_status == 0);
    BOOST_TEST(cli.run({"get", "s", "n"}, "", kPassword).out == "v\n");
}

BOOST_AUTO_TEST_CASE(wrong_vault_password_exits_4_and_no_source_exits_3) {
    Cli cli(kVault);
    BOOST_TEST(cli.run({"set", "s", "n"}, "v\n", kPassword).exit_status == 0);
    const ProcessResult wrong =
        cli.run({"get", "s", "n"}, "", {{"TRESOR_VAULT_PASSWORD", "not it"}});
    BOOST_TEST(wrong.exit_status == 4);
    BOOST_TEST(contains(wrong.err, "wrong password or damaged vault"), wrong.err);
    const ProcessResult none =
        cli.run({"get", "s", "n"}, "", {{"TRESOR_VAULT_PASSWORD", std::nullopt}});
    BOOST_TEST(none.exit_status == 3);
    BOOST_TEST(contains(none.err, "vault locked: no unlock source"), none.err);
}

BOOST_AUTO_TEST_CASE(vault_admin_commands) {
    Cli cli(kVault);
    BOOST_TEST(cli.run({"vault", "init"}, "", kPassword).exit_status == 0);
    BOOST_TEST(cli.run({"set", "s", "n"}, "v\n", kPassword).exit_status == 0);
    const ProcessResult info = cli.run({"vault", "info"}, "", kPassword);
    BOOST_TEST(contains(info.out, "entries: 1"), info.out);
    BOOST_TEST(contains(info.out, "slot 1: password (Argon2id v0x13, 19 MiB, 2 passes"), info.out);
    BOOST_TEST(!contains(info.out, "s/n"));
    BOOST_TEST(cli.run({"vault", "verify"}, "", kPassword).exit_status == 0);

    Env change = kPassword;
    change["NEW_PW"] = "second password";
    BOOST_TEST(
        cli.run({"vault", "passwd", "--new-password-from", "env:NEW_PW"}, "", change).exit_status ==
        0);
    BOOST_TEST(cli.run({"get", "s", "n"}, "", kPassword).exit_status == 4);
    const Env second = {{"TRESOR_VAULT_PASSWORD", "second password"}};
    BOOST_TEST(cli.run({"get", "s", "n"}, "", second).out == "v\n");
    BOOST_TEST(cli.run({"vault", "rotate"}, "", second).exit_status == 0);
    BOOST_TEST(cli.run({"get", "s", "n"}, "", second).out == "v\n");

    const std::string key = (cli.home.path() / "vault.key").string();
    BOOST_TEST(cli.run({"vault", "add-keyfile", "--generate", key}, "", second).exit_status == 0);
    Cli by_key(kVault + "unlock = \"keyfile:" + key + "\"\n");
    std::filesystem::copy_file(cli.home.path() / "vault.db", by_key.home.path() / "vault.db");
    BOOST_TEST(by_key.run({"get", "s", "n"}).out == "v\n");
}

namespace {

// A host's view of the admin's vault: unlocked by its host key alone.
Cli host_cli(const Cli& admin, const std::filesystem::path& key) {
    return Cli("[backend.vault]\nplugin = \"vault\"\npath = \"" +
               (admin.home.path() / "vault.db").string() +
               "\"\nunlock = \"hostkey:" + key.string() + "\"\n");
}

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

}  // namespace

// Issue 9, item 3: keygen, add-recipient, unlocking with hostkey:, slots,
// remove-slot and rotate, through the binary as an administrator and two
// hosts would run them.
BOOST_AUTO_TEST_CASE(host_recipients_from_keygen_to_lockout) {
    Cli admin(kVault);
    BOOST_TEST(admin.run({"vault", "init"}, "", kPassword).exit_status == 0);
    BOOST_TEST(admin.run({"set", "db", "password"}, "s3cret\n", kPassword).exit_status == 0);
    const auto key1 = admin.home.path() / "web1.key";
    const auto key2 = admin.home.path() / "web2.key";
    const auto stranger_key = admin.home.path() / "stranger.key";
    const ProcessResult keygen = admin.run({"vault", "keygen", key1.string(), "--write-pub"});
    BOOST_TEST(keygen.exit_status == 0, keygen.err);
    const std::string pub1 = first_line(keygen.out);
    BOOST_TEST(pub1.starts_with("tresor-pub-"), pub1);
    for (const auto& file : {key1, std::filesystem::path(key1.string() + ".pub")}) {
        struct stat st {};
        BOOST_REQUIRE(::stat(file.c_str(), &st) == 0);
        BOOST_TEST((st.st_mode & 07777) == 0600u);
    }
    std::ifstream pub_file(key1.string() + ".pub");
    std::string pub_line;
    std::getline(pub_file, pub_line);
    BOOST_TEST(pub_line == pub1);
    BOOST_TEST(admin.run({"vault", "keygen", key1.string()}).exit_status != 0);  // never replaced
    const std::string pub2 = first_line(admin.run({"vault", "keygen", key2.string()}).out);
    BOOST_TEST(admin.run({"vault", "keygen", stranger_key.string()}).exit_status == 0);

    // The administrator needs the public keys only.
    const ProcessResult added =
        admin.run({"vault", "add-recipient", pub1, "--label", "web1"}, "", kPassword);
    BOOST_TEST(added.exit_status == 0, added.err);
    BOOST_TEST(contains(added.out, "added slot 2"), added.out);
    BOOST_TEST(
        admin.run({"vault", "add-recipient", pub2, "--label", "web2"}, "", kPassword).exit_status ==
        0);
    // One character changed (never to itself: a key ending in '0' would pass).
    std::string mistyped = pub2;
    mistyped.back() = mistyped.back() == '0' ? '2' : '0';
    const ProcessResult typo = admin.run({"vault", "add-recipient", mistyped}, "", kPassword);
    BOOST_TEST(typo.exit_status == 2);
    BOOST_TEST(contains(typo.err, "is not a tresor host public key"), typo.err);
    const ProcessResult slots = admin.run({"vault", "slots"}, "", kPassword);
    BOOST_TEST(slots.exit_status == 0, slots.err);
    BOOST_TEST(contains(slots.out, "slot 1: password (Argon2id v0x13, 19 MiB, 2 passes"),
               slots.out);
    BOOST_TEST(contains(slots.out, "slot 2: recipient \"web1\" " + pub1), slots.out);
    BOOST_TEST(contains(slots.out, "slot 3: recipient \"web2\" " + pub2), slots.out);
    BOOST_TEST(!contains(slots.out, "tresor-key-"), slots.out);
    BOOST_TEST(contains(admin.run({"vault", "info"}, "", kPassword).out, "format version: 2"));

    const Cli web1 = host_cli(admin, key1);
    const Cli web2 = host_cli(admin, key2);
    BOOST_TEST(web1.run({"get", "db", "password"}).out == "s3cret\n");
    BOOST_TEST(web2.run({"get", "db", "password"}).out == "s3cret\n");
    const ProcessResult stranger = host_cli(admin, stranger_key).run({"get", "db", "password"});
    BOOST_TEST(stranger.exit_status == 4);
    BOOST_TEST(contains(stranger.err, "no key slot of this vault is for host key tresor-pub-"),
               stranger.err);
    BOOST_TEST(stranger.out.empty());

    // Revoke web1: remove its slot, then rotate. A key file is dropped by
    // the rotation (its secret is not at hand); web2 is kept.
    const std::string db = (admin.home.path() / "vault.db").string();
    const std::string old_header = first_line(
        run_process({"/usr/bin/sqlite3", db, "SELECT hex(blob) FROM header"}, "", {}).out);
    BOOST_REQUIRE(!old_header.empty());
    BOOST_TEST(admin
                   .run({"vault", "add-keyfile", "--generate", (admin.home.path() / "k").string()},
                        "", kPassword)
                   .exit_status == 0);
    const ProcessResult self_removal = admin.run({"vault", "remove-slot", "1"}, "", kPassword);
    BOOST_TEST(self_removal.exit_status == 2);
    BOOST_TEST(contains(self_removal.err, "the one this vault was unlocked with"),
               self_removal.err);
    BOOST_TEST(admin.run({"vault", "remove-slot", "2"}, "", kPassword).exit_status == 0);
    const ProcessResult rotated = admin.run({"vault", "rotate"}, "", kPassword);
    BOOST_TEST(rotated.exit_status == 0, rotated.err);
    BOOST_TEST(contains(rotated.out, "kept slot 1: password"), rotated.out);
    BOOST_TEST(contains(rotated.out, "kept slot 3: recipient \"web2\""), rotated.out);
    BOOST_TEST(contains(rotated.out, "dropped slot 4: keyfile"), rotated.out);
    // web2 changed nothing on its side and still reads.
    BOOST_TEST(web2.run({"get", "db", "password"}).out == "s3cret\n");
    const ProcessResult locked_out = web1.run({"get", "db", "password"});
    BOOST_TEST(locked_out.exit_status == 4);
    BOOST_TEST(contains(locked_out.err, "no key slot of this vault is for host key"),
               locked_out.err);
    // Even with the header it copied before its removal, web1 unwraps only
    // the old vault key, which opens no record any more.
    BOOST_REQUIRE(
        run_process({"/usr/bin/sqlite3", db, "UPDATE header SET blob = X'" + old_header + "'"}, "",
                    {})
            .exit_status == 0);
    const ProcessResult with_old_header = web1.run({"get", "db", "password"});
    BOOST_TEST(with_old_header.exit_status != 0);
    BOOST_TEST(!contains(with_old_header.out, "s3cret"), with_old_header.out);
    BOOST_TEST(web1.run({"vault", "verify"}).exit_status == 4);
}

// Issue 15, finding 12: getentropy's result was ignored, so a failure would
// have enrolled a key file of zeros. The failure itself needs fault
// injection; this pins what a generated key file must be.
BOOST_AUTO_TEST_CASE(generated_key_files_are_32_distinct_random_bytes_mode_0600) {
    Cli cli(kVault);
    BOOST_TEST(cli.run({"vault", "init"}, "", kPassword).exit_status == 0);
    std::vector<std::string> keys;
    for (const char* name : {"a.key", "b.key"}) {
        const std::filesystem::path path = cli.home.path() / name;
        BOOST_TEST(cli.run({"vault", "add-keyfile", "--generate", path.string()}, "", kPassword)
                       .exit_status == 0);
        struct stat st {};
        BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
        BOOST_TEST((st.st_mode & 07777) == 0600u);
        std::ifstream in(path, std::ios::binary);
        keys.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        BOOST_TEST(keys.back().size() == 32u);
        BOOST_TEST(keys.back() != std::string(32, '\0'));
    }
    BOOST_TEST(keys[0] != keys[1]);
}

BOOST_AUTO_TEST_CASE(vault_verify_exits_4_after_tampering) {
    Cli cli(kVault);
    BOOST_TEST(cli.run({"set", "s", "a"}, "1\n", kPassword).exit_status == 0);
    BOOST_TEST(cli.run({"set", "s", "b"}, "2\n", kPassword).exit_status == 0);
    const std::string db = (cli.home.path() / "vault.db").string();
    BOOST_REQUIRE(
        std::system(("sqlite3 " + db + " 'DELETE FROM records WHERE rowid = 1'").c_str()) == 0);
    const ProcessResult r = cli.run({"vault", "verify"}, "", kPassword);
    BOOST_TEST(r.exit_status == 4);
    BOOST_TEST(contains(r.out, "manifest"), r.out);
}

// No config anywhere: the built-in chain. Secret Service is unusable here
// (no plugin or no session bus), so the file vault in $XDG_DATA_HOME serves.
BOOST_AUTO_TEST_CASE(with_no_config_the_default_vault_serves) {
    TempDir home;
    const Env env = {{"HOME", home.path().string()},
                     {"XDG_CONFIG_HOME", (home / "config").string()},
                     {"XDG_DATA_HOME", (home / "data").string()},
                     {"TRESOR_CONFIG", std::nullopt},
                     {"TRESOR_BACKEND", std::nullopt},
                     {"DBUS_SESSION_BUS_ADDRESS", std::nullopt},
                     {"TRESOR_VAULT_PASSWORD", "default vault password"}};
    if (std::filesystem::exists("/etc/tresor/config.toml")) {
        BOOST_TEST_MESSAGE("skipped: /etc/tresor/config.toml exists on this machine");
        return;
    }
    const ProcessResult backends = run_process({TRESOR_CLI, "backends"}, "", env);
    BOOST_TEST(contains(backends.out, "* vault  plugin=vault (built-in)  usable"), backends.out);
    BOOST_TEST(contains(backends.out, "secret-service  plugin=secret-service"), backends.out);
    BOOST_TEST(run_process({TRESOR_CLI, "set", "app", "key"}, "value\n", env).exit_status == 0);
    BOOST_TEST(run_process({TRESOR_CLI, "get", "app", "key"}, "", env).out == "value\n");
    BOOST_TEST(std::filesystem::exists(home / "data/tresor/vault.db"));
    const ProcessResult exec =
        run_process({TRESOR_CLI, "exec", "--env", "X=app/key", "--", "/usr/bin/env"}, "", env);
    BOOST_TEST(contains(exec.out, "X=value\n"), exec.out);
    BOOST_TEST(!contains(exec.out, "TRESOR_VAULT_PASSWORD"), exec.out);
}

namespace {

// A .env file in the test's HOME, 0600 unless said.
std::filesystem::path env_file(const Cli& cli, const std::string& name, const std::string& text,
                               mode_t mode = 0600) {
    const auto file = cli.home.write(name, text);
    ::chmod(file.c_str(), mode);
    return file;
}

// `tresor import --dotenv FILE --service app`, and any more arguments.
ProcessResult import_dotenv(const Cli& cli, const std::filesystem::path& file,
                            std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"import", "--dotenv", file.string(), "--service", "app"};
    args.insert(args.end(), more.begin(), more.end());
    return cli.run(args, "", kPassword);
}

}  // namespace

// Issue 10: `tresor import --dotenv` reads the format as the dotenv tools do.
BOOST_AUTO_TEST_CASE(import_dotenv_reads_quotes_exports_comments_and_multiline_values) {
    Cli cli(kVault);
    const auto env = env_file(cli, "app.env",
                              "# settings\n"
                              "export DB_URL=postgres://u:p@db/app   # inline comment\n"
                              "  API_KEY = 'sk_live#1 \\n kept'\n"
                              "PEM=\"-----BEGIN-----\nAAAA\n-----END-----\\n\"\n"
                              "EMPTY=\n"
                              "DB_URL=replaced-by-the-later-line\r\n");
    const ProcessResult r = import_dotenv(cli, env);
    BOOST_TEST(r.exit_status == 0, r.err);
    BOOST_TEST(r.out == "imported 4 entries into app\n", r.out);
    const auto value = [&](const std::string& name) {
        return cli.run({"get", "app", name, "--raw"}, "", kPassword).out;
    };
    BOOST_TEST(value("DB_URL") == "replaced-by-the-later-line");
    BOOST_TEST(value("API_KEY") == "sk_live#1 \\n kept");
    BOOST_TEST(value("PEM") == "-----BEGIN-----\nAAAA\n-----END-----\n");
    BOOST_TEST(value("EMPTY") == "");
    BOOST_TEST(contains(cli.run({"ls", "app"}, "", kPassword).out, "app      API_KEY  api_key"));
}

BOOST_AUTO_TEST_CASE(import_is_all_or_nothing_and_names_the_bad_line) {
    Cli cli(kVault);
    const auto bad = env_file(cli, "bad.env", "GOOD=first-secret\nALSO=fine\n2BAD=oops\n");
    const ProcessResult r = import_dotenv(cli, bad);
    BOOST_TEST(r.exit_status == 2);
    BOOST_TEST(contains(r.err, bad.string() + ":3: expected NAME=value"), r.err);
    BOOST_TEST(!contains(r.err, "oops"), r.err);
    const auto open_quote = env_file(cli, "quote.env", "A=1\nB=\"never closed\nC=3\n");
    const ProcessResult q = import_dotenv(cli, open_quote);
    BOOST_TEST(contains(q.err, ":2: the value's double quote is never closed"), q.err);
    BOOST_TEST(cli.run({"ls", "--json"}, "", kPassword).out == "[]\n");

    // An entry that exists already stops the whole import unless --replace.
    BOOST_TEST(cli.run({"set", "app", "ALSO"}, "kept\n", kPassword).exit_status == 0);
    const auto good = env_file(cli, "good.env", "GOOD=first-secret\nALSO=fine\n");
    const ProcessResult exists = import_dotenv(cli, good);
    BOOST_TEST(exists.exit_status == 2);
    BOOST_TEST(contains(exists.err, "1 entry exists already (app/ALSO)"), exists.err);
    BOOST_TEST(cli.run({"get", "app", "GOOD"}, "", kPassword).exit_status == 1);
    BOOST_TEST(import_dotenv(cli, good, {"--replace"}).exit_status == 0);
    BOOST_TEST(cli.run({"get", "app", "ALSO"}, "", kPassword).out == "fine\n");
}

BOOST_AUTO_TEST_CASE(import_refuses_a_dotenv_file_others_could_write) {
    Cli cli(kVault);
    const auto env = env_file(cli, "shared.env", "A=1\n", 0666);
    const ProcessResult r = import_dotenv(cli, env);
    BOOST_TEST(r.exit_status == 4);
    BOOST_TEST(contains(r.err, "writable by group or others"), r.err);
}

// Issue 20: stdin has the file's bound (16 MiB); it was read without one
// (`</dev/zero` died of bad_alloc at about 1 GiB).
BOOST_AUTO_TEST_CASE(import_from_an_endless_stdin_stops_at_16_mib) {
    Cli cli(kMemory);
    const ProcessResult r = run_process(
        {"/bin/sh", "-c", "exec \"$0\" --config \"$1\" import --dotenv - --service s </dev/zero",
         TRESOR_CLI, cli.config.string()},
        "", {{"HOME", cli.home.path().string()}});
    BOOST_TEST(r.exit_status == 5, r.err);
    BOOST_TEST(contains(r.err, "cannot read stdin: more than 16777216 bytes"), r.err);
}

BOOST_AUTO_TEST_CASE(import_into_an_abi_1_0_plugin_goes_one_by_one) {
    // The failing plugin has an ABI 1.0 table (no set_many): it loads, and
    // the batch reaches its set(), which fails as configured.
    Cli cli(plugin_path_line() + "[backend.a]\nplugin = \"failing\"\ncalls = \"io\"\n");
    const ProcessResult r =
        cli.run({"import", "--dotenv", "-", "--service", "s", "--replace"}, "A=TOPSECRET-9\n");
    BOOST_TEST(r.exit_status == 5, r.err);
    BOOST_TEST(contains(r.err, "failing plugin"), r.err);
    BOOST_TEST(!contains(r.err + r.out, "TOPSECRET"));
}

BOOST_AUTO_TEST_CASE(migrate_copies_entries_with_metadata_between_backends) {
    Cli cli(
        "[backend.old]\nplugin = \"vault\"\npath = \"~/old.db\"\n"
        "kdf = { memory_mib = 19, iterations = 2 }\n"
        "[backend.new]\nplugin = \"vault\"\npath = \"~/new.db\"\n"
        "kdf = { memory_mib = 19, iterations = 2 }\n");
    const auto on = [&](const std::string& backend, std::vector<std::string> args,
                        const std::string& input = "") {
        args.insert(args.begin(), {"--backend", backend});
        return cli.run(args, input, kPassword);
    };
    BOOST_TEST(on("old",
                  {"set", "github", "ci", "--type", "api_key", "--label", "CI token",
                   "--description", "for releases", "--expires", "2099-01-01"},
                  "ghp_value\n")
                   .exit_status == 0);
    BOOST_TEST(on("old", {"set", "db", "root"}, "db_value\n").exit_status == 0);

    const ProcessResult dry =
        cli.run({"migrate", "--from", "old", "--to", "new", "--dry-run"}, "", kPassword);
    BOOST_TEST(dry.exit_status == 0, dry.err);
    BOOST_TEST(contains(dry.out, "would copy github/ci (api_key)"), dry.out);
    BOOST_TEST(contains(dry.out, "would copy 2 entries from old to new"), dry.out);
    BOOST_TEST(!std::filesystem::exists(cli.home.path() / "new.db"));

    const ProcessResult one =
        cli.run({"migrate", "--from", "old", "--to", "new", "--service", "github"}, "", kPassword);
    BOOST_TEST(one.exit_status == 0, one.err);
    BOOST_TEST(one.out == "copied 1 entries from old to new\n", one.out);
    const ProcessResult all = cli.run({"migrate", "--from", "old", "--to", "new"}, "", kPassword);
    BOOST_TEST(all.exit_status == 2);  // github/ci is there already
    BOOST_TEST(contains(all.err, "(github/ci)"), all.err);
    BOOST_TEST(cli.run({"migrate", "--from", "old", "--to", "new", "--replace"}, "", kPassword)
                   .exit_status == 0);
    for (const ProcessResult* r : {&dry, &one, &all}) {
        BOOST_TEST(!contains(r->out + r->err, "ghp_value"));
    }
    BOOST_TEST(on("new", {"get", "github", "ci"}).out == "ghp_value\n");
    BOOST_TEST(on("new", {"get", "db", "root"}).out == "db_value\n");
    const std::string json = on("new", {"ls", "github", "--json"}).out;
    for (const char* member :
         {"\"type\":\"api_key\"", "\"label\":\"CI token\"", "\"description\":\"for releases\"",
          "\"expires_at\":\"2099-01-01T00:00:00Z\""}) {
        BOOST_TEST(contains(json, member), json);
    }
    BOOST_TEST(on("old", {"get", "db", "root"}).out == "db_value\n");  // the source keeps it
}

// Issue 10: a .env file another user owns could hold values they chose.
BOOST_AUTO_TEST_CASE(import_refuses_a_dotenv_file_another_user_owns,
                     *boost::unit_test::precondition(tresor::test::CanActAsOtherUser())) {
    Cli cli(kVault);
    const auto env = env_file(cli, "planted.env", "TOKEN=chosen-by-someone-else\n");
    BOOST_REQUIRE(::chown(env.c_str(), tresor::test::kOtherUid, tresor::test::kOtherUid) == 0);
    const ProcessResult r = import_dotenv(cli, env);
    BOOST_TEST(r.exit_status == 4, r.err);
    BOOST_TEST(contains(r.err, "dotenv file"), r.err);
    BOOST_TEST(cli.run({"get", "app", "TOKEN"}, "", kPassword).exit_status == 1);
}
