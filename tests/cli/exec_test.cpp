// tresor exec handing secrets over as a namespace of variables, a memory
// file and a pipe read once, and masking them in a GitHub Actions log
// (issue 27).
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/test/unit_test.hpp>

#include "cli_runner.hpp"
#include "support/other_user.hpp"

using namespace tresor::test;

namespace {

// How many descriptors of any process on this machine point at `target` (a
// readlink of /proc/PID/fd/N): a memory file lives while one does.
int processes_holding(const std::string& target) {
    int count = 0;
    DIR* proc = ::opendir("/proc");
    while (const dirent* process = ::readdir(proc)) {
        const std::string fd_dir = std::string("/proc/") + process->d_name + "/fd";
        DIR* fds = ::opendir(fd_dir.c_str());
        if (fds == nullptr) {
            continue;
        }
        while (const dirent* fd = ::readdir(fds)) {
            char link[4096];
            const ssize_t n =
                ::readlink((fd_dir + "/" + fd->d_name).c_str(), link, sizeof(link) - 1);
            if (n > 0 && std::string(link, static_cast<std::size_t>(n)) == target) {
                ++count;
            }
        }
        ::closedir(fds);
    }
    ::closedir(proc);
    return count;
}

// A variable name no concurrent test uses: memory files are named after it.
std::string unique_variable() {
    return "TRESOR_TEST_FILE_" + std::to_string(::getpid());
}

// `sh -c SCRIPT` as the command, $F the --file of svc/key.
std::vector<std::string> file_command(const std::string& variable, const std::string& script) {
    return {"exec", "--file", variable + "=svc/key", "--", "/bin/sh", "-c", script};
}

}  // namespace

BOOST_AUTO_TEST_CASE(exec_service_binds_every_entry_under_a_documented_name) {
    const VaultWith cli({{"app", "api-key", "k1"},
                         {"app", "db.Password", "p2"},
                         {"app", "2fa seed", "s3"},
                         {"app", "caf\xc3\xa9--x__y", "u4"},
                         {"other", "api-key", "not this one"}});
    const ProcessResult r =
        cli.run({"exec", "--service", "app", "--", "/usr/bin/env"}, "", kPassword);
    BOOST_TEST(r.exit_status == 0, r.err);
    for (const char* line :
         {"\nAPI_KEY=k1\n", "\nDB_PASSWORD=p2\n", "\n_2FA_SEED=s3\n", "\nCAF_X__Y=u4\n"}) {
        BOOST_TEST(contains("\n" + r.out, line), line);
    }
    BOOST_TEST(!contains(r.out, "not this one"));
    const ProcessResult prefixed =
        cli.run({"exec", "--service", "app", "--prefix", "App_", "--env", "OTHER=other/api-key",
                 "--", "/bin/sh", "-c", "echo \"$App_API_KEY $App_2FA_SEED $OTHER\""},
                "", kPassword);
    BOOST_TEST(prefixed.out == "k1 s3 not this one\n", prefixed.err);
    const ProcessResult empty =
        cli.run({"exec", "--service", "none", "--", "/bin/true"}, "", kPassword);
    BOOST_TEST(empty.exit_status == 1);
    BOOST_TEST(contains(empty.err, "no entries in service none"), empty.err);
    BOOST_TEST(
        cli.run({"exec", "--service", "app", "--prefix", "9X", "--", "/bin/true"}, "", kPassword)
            .exit_status == 2);
}

BOOST_AUTO_TEST_CASE(exec_service_refuses_a_variable_bound_twice_naming_both_entries) {
    const VaultWith cli({{"app", "api-key", "k1"}, {"app", "API.KEY", "k2"}});
    const ProcessResult r =
        cli.run({"exec", "--service", "app", "--", "/bin/sh", "-c", "echo ran"}, "", kPassword);
    BOOST_TEST(r.exit_status == 2);
    BOOST_TEST(r.out.empty());
    BOOST_TEST(contains(r.err,
                        "API_KEY would be bound twice: to app/API.KEY (--service app) and "
                        "to app/api-key (--service app)"),
               r.err);
    const ProcessResult with_env =
        cli.run({"exec", "--env", "API_KEY=app/api-key", "--service", "app", "--prefix", "X_",
                 "--file", "API_KEY=app/API.KEY", "--", "/bin/true"},
                "", kPassword);
    BOOST_TEST(with_env.exit_status == 2);
    BOOST_TEST(contains(with_env.err,
                        "API_KEY would be bound twice: to app/api-key (--env) and "
                        "to app/API.KEY (--file)"),
               with_env.err);
    BOOST_TEST(!contains(r.err + with_env.err, "k1"));
}

// Whoever can write a service's entries must not set the child's loader.
BOOST_AUTO_TEST_CASE(exec_service_refuses_names_that_load_code) {
    const VaultWith cli({{"app", "ld.preload", "/tmp/evil.so"}});
    const ProcessResult r =
        cli.run({"exec", "--service", "app", "--", "/bin/sh", "-c", "echo ran"}, "", kPassword);
    BOOST_TEST(r.exit_status == 2);
    BOOST_TEST(!contains(r.out, "ran"));
    BOOST_TEST(contains(r.err, "app/ld.preload: 'LD_PRELOAD' changes how programs load"), r.err);
    const ProcessResult prefixed = cli.run({"exec", "--service", "app", "--prefix", "APP_", "--",
                                            "/bin/sh", "-c", "echo \"$APP_LD_PRELOAD\""},
                                           "", kPassword);
    BOOST_TEST(prefixed.out == "/tmp/evil.so\n", prefixed.err);
}

BOOST_AUTO_TEST_CASE(exec_file_is_a_memory_file_only_the_child_reads) {
    const std::string binary("line1\n\x00\xff", 8);
    const VaultWith cli({{"svc", "key", binary}});
    const std::string variable = unique_variable();
    const ProcessResult r =
        cli.run(file_command(variable, "cat \"$" + variable + "\"; echo \"$" + variable + "\" >&2"),
                "", kPassword);
    BOOST_TEST(r.exit_status == 0, r.err);
    BOOST_TEST(r.out == binary);
    BOOST_TEST(r.err.starts_with("/proc/self/fd/"), r.err);
    BOOST_TEST(processes_holding("/memfd:tresor:" + variable + " (deleted)") == 0);
}

BOOST_AUTO_TEST_CASE(exec_file_is_not_readable_by_another_user,
                     *boost::unit_test::precondition(tresor::test::CanActAsOtherUser())) {
    const VaultWith cli({{"svc", "key", "memfd secret"}});
    const std::string variable = unique_variable();
    Background child(cli,
                     cli.argv(file_command(variable, "echo \"$" + variable + "\"; exec sleep 30")));
    const std::string path = child.read_line();
    BOOST_REQUIRE(path.starts_with("/proc/self/fd/"));
    const std::string from_outside =
        "/proc/" + std::to_string(child.pid()) + path.substr(std::string("/proc/self").size());
    char link[256] = {};
    BOOST_TEST(::readlink(from_outside.c_str(), link, sizeof(link) - 1) > 0);
    BOOST_TEST(std::string(link) == "/memfd:tresor:" + variable + " (deleted)");  // not on disk
    const ProcessResult other = tresor::test::run_as_other_user(
        "/", "cat " + from_outside + "; ls /proc/" + std::to_string(child.pid()) + "/fd");
    BOOST_TEST(other.exit_status != 0);
    BOOST_TEST(!contains(other.out, "memfd secret"), other.out);
    BOOST_TEST(contains(other.err, "Permission denied"), other.err);
}

// tresor becomes the command, so "tresor killed" and "the command killed" are
// one process: whatever ends it, the kernel frees the file with it.
BOOST_AUTO_TEST_CASE(exec_file_is_gone_after_the_child_exits_or_is_killed) {
    const VaultWith cli({{"svc", "key", "memfd secret"}});
    const std::string variable = unique_variable();
    const std::string memfd = "/memfd:tresor:" + variable + " (deleted)";
    const std::string script = "echo $$; exec sleep 30";
    for (const int signal : {SIGTERM, SIGKILL}) {
        Background child(cli, cli.argv(file_command(variable, script)));
        BOOST_TEST(child.read_line() == std::to_string(child.pid()));  // no tresor beside it
        BOOST_TEST(processes_holding(memfd) == 1);
        ::kill(child.pid(), signal);
        BOOST_TEST(child.wait() == 128 + signal);
        BOOST_TEST(processes_holding(memfd) == 0, "after signal " << signal);
    }
    Background child(cli, cli.argv(file_command(variable, "echo $$; read line; exit 0")));
    BOOST_TEST(child.read_line() == std::to_string(child.pid()));
    BOOST_TEST(processes_holding(memfd) == 1);
    child.close_stdin();  // `read` gets end of file: the child exits normally
    BOOST_TEST(child.wait() == 0);
    BOOST_TEST(processes_holding(memfd) == 0);
}

BOOST_AUTO_TEST_CASE(exec_fifo_is_read_once_and_never_on_disk) {
    const VaultWith cli({{"svc", "key", "pipe secret"}});
    const ProcessResult r =
        cli.run({"exec", "--fifo", "P=svc/key", "--", "/bin/sh", "-c",
                 "[ -p \"$P\" ] && readlink \"$P\" | cut -c1-6; cat \"$P\"; echo '|'; cat \"$P\"; "
                 "echo '|'"},
                "", kPassword);
    BOOST_TEST(r.exit_status == 0, r.err);
    BOOST_TEST(r.out == "pipe:[\npipe secret|\n|\n");
}

namespace {

const Env kOnGitHubActions = {{"TRESOR_VAULT_PASSWORD", "cli test password"},
                              {"GITHUB_ACTIONS", "true"}};

// tresor with stderr on stdout, as a runner reading both sees it in order.
ProcessResult run_merged(const Cli& cli, std::vector<std::string> args, const Env& env) {
    args.insert(args.begin(), {"/bin/sh", "-c", "exec \"$@\" 2>&1", "sh", TRESOR_CLI, "--config",
                               cli.config.string()});
    Env with_home = env;
    with_home.emplace("HOME", cli.home.path().string());
    return run_process(args, "", with_home);
}

}  // namespace

BOOST_AUTO_TEST_CASE(on_github_actions_every_line_is_masked_before_it_is_printed) {
    const VaultWith cli({{"svc", "key", "50%off\r\n  \nsecond line"}, {"svc", "b", "bee"}});
    const ProcessResult get = run_merged(cli, {"get", "svc", "key"}, kOnGitHubActions);
    BOOST_TEST(get.exit_status == 0);
    BOOST_TEST(get.out ==
               "::add-mask::50%25off\n::add-mask::second line\n50%off\r\n  \nsecond line\n");
    const ProcessResult captured =
        cli.run({"get", "svc", "key", "--raw"}, "", kOnGitHubActions);  // $(tresor get ...)
    BOOST_TEST(captured.out == "50%off\r\n  \nsecond line");
    BOOST_TEST(captured.err == "::add-mask::50%25off\n::add-mask::second line\n");
    const ProcessResult exec = run_merged(
        cli, {"exec", "--env", "B=svc/b", "--fifo", "K=svc/key", "--", "/bin/sh", "-c", "echo $B"},
        kOnGitHubActions);
    BOOST_TEST(exec.exit_status == 0);
    BOOST_TEST(exec.out == "::add-mask::bee\n::add-mask::50%25off\n::add-mask::second line\nbee\n");
    for (const char* other : {"false", "1", ""}) {
        const ProcessResult off =
            run_merged(cli, {"get", "svc", "b"},
                       {{"TRESOR_VAULT_PASSWORD", "cli test password"}, {"GITHUB_ACTIONS", other}});
        BOOST_TEST(off.out == "bee\n", other);
    }
}
