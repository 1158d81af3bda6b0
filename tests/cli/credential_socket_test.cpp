// tresor credential-socket driven the way systemd's LoadCredential= drives
// it (tests/cli/credential_client.c follows systemd byte for byte): served
// to the unit the config names, refused to any other unit, to an address
// that is no request, and to another uid (issue 27).
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli_runner.hpp"
#include "support/other_user.hpp"

using namespace tresor::test;

namespace {

const std::string kKey = "-----BEGIN PRIVATE KEY-----\nMIIE\xff\x00x\n";
const std::string kGrants =
    "[systemd_credentials.\"web.service\"]\n"
    "tls-key = \"web/tls-key\"\n"
    "\"db.password\" = \"db/missing\"\n"
    "[systemd_credentials.\"app@1.service\"]\n"
    "token = \"api/token\"\n";

struct Served : VaultWith {
    Served()
        : VaultWith({{"web", "tls-key", kKey}, {"api", "token", "tok-123"}, {"other", "x", "no"}},
                    kGrants) {}
    std::filesystem::path log = home / "server.log";

    [[nodiscard]] std::string log_text() const {
        std::ostringstream text;
        text << std::ifstream(log).rdbuf();
        return text.str();
    }
};

// systemd's client, binding "\0NAME" when a name is given.
ProcessResult ask(const std::filesystem::path& socket, const std::string& name) {
    std::vector<std::string> argv = {TRESOR_CREDENTIAL_CLIENT, socket.string()};
    if (!name.empty()) {
        argv.push_back(name);
    }
    return run_process(argv, "");
}

// The abstract name systemd binds: "<random hex>/unit/<unit>/<id>".
std::string request(const std::string& unit, const std::string& id) {
    return "9c3e1f07a2b4d6e8/unit/" + unit + "/" + id;
}

bool wait_for(const std::filesystem::path& path) {
    for (int i = 0; i < 500 && !std::filesystem::exists(path); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::filesystem::exists(path);
}

}  // namespace

BOOST_AUTO_TEST_CASE(credential_socket_serves_each_unit_only_what_the_config_grants) {
    const Served cli;
    std::filesystem::create_directory(cli.home / "run");
    std::filesystem::permissions(cli.home / "run", std::filesystem::perms::owner_all);
    const auto socket = cli.home / "run" / "credentials.sock";
    Background server(cli, cli.argv({"credential-socket", "--socket", socket.string()}), cli.log);
    BOOST_TEST(server.read_line() ==
               "tresor credential-socket: serving 3 credentials on " + socket.string());
    struct stat st {};
    BOOST_REQUIRE(::stat(socket.c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 07777) == 0600u);

    const ProcessResult served = ask(socket, request("web.service", "tls-key"));
    BOOST_TEST(served.exit_status == 0, served.err);
    BOOST_TEST(served.out == kKey);
    BOOST_TEST(ask(socket, "0/unit/app@1.service/token").out == "tok-123");
    for (const std::string& refused : std::vector<std::string>{
             request("evil.service", "tls-key"), request("web.service", "token"),
             request("web.service", "db.password"), "/unit/web.service/tls-key",
             "XYZ/unit/web.service/tls-key", "9c3e/unit/web.service/tls-key/x", std::string()}) {
        const ProcessResult r = ask(socket, refused);
        BOOST_TEST(r.exit_status == 0, refused << ": " << r.err);  // closed, unanswered
        BOOST_TEST(r.out.empty(), refused);
    }
    ::kill(server.pid(), SIGTERM);
    BOOST_TEST(server.wait() == 0);
    BOOST_TEST(!std::filesystem::exists(socket));
    const std::string log = cli.log_text();
    BOOST_TEST(contains(log, "served credential tls-key of web.service from web/tls-key\n"), log);
    BOOST_TEST(contains(log,
                        "refused credential tls-key of evil.service: not in "
                        "[systemd_credentials]\n"),
               log);
    BOOST_TEST(contains(log, "not found: db/missing (for credential db.password of web.service)"),
               log);
    BOOST_TEST(contains(log,
                        "address '\\x00XYZ/unit/web.service/tls-key' is not a systemd "
                        "credential request"),
               log);
    BOOST_TEST(!contains(log, "MIIE"), log);
    BOOST_TEST(!contains(log, "tok-123"), log);
}

// The socket file is root's and 0600, but a unit file's SocketMode= may
// open it: the peer's uid is what decides. systemd-socket-activate passes
// the socket as systemd does (LISTEN_FDS, descriptor 3).
BOOST_AUTO_TEST_CASE(credential_socket_refuses_another_uid_on_an_activated_socket,
                     *boost::unit_test::precondition(tresor::test::CanActAsOtherUser())) {
    const Served cli;
    std::filesystem::permissions(cli.home.path(), std::filesystem::perms::owner_all |
                                                      std::filesystem::perms::group_exec |
                                                      std::filesystem::perms::others_exec);
    const auto socket = cli.home / "open.sock";
    // It passes on only the variables named with -E, as systemd passes a
    // unit's Environment=.
    std::vector<std::string> argv = {"/usr/bin/systemd-socket-activate",
                                     "-l",
                                     socket.string(),
                                     "-E",
                                     "TRESOR_VAULT_PASSWORD",
                                     "-E",
                                     "HOME"};
    for (const std::string& arg : cli.argv({"credential-socket"})) {
        argv.push_back(arg);
    }
    Background server(cli, argv, cli.log);
    BOOST_REQUIRE(wait_for(socket));
    std::filesystem::permissions(
        socket, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                    std::filesystem::perms::group_read | std::filesystem::perms::group_write |
                    std::filesystem::perms::others_read |
                    std::filesystem::perms::others_write);  // SocketMode=0666
    // The other uid may not reach the build tree (a checkout in /root, 0700):
    // it runs a copy of the client from the folder it may traverse.
    const auto client = cli.home / "credential-client";
    std::filesystem::copy_file(TRESOR_CREDENTIAL_CLIENT, client);
    const ProcessResult other = tresor::test::run_as_other_user(
        "/", client.string() + " " + socket.string() + " " + request("web.service", "tls-key"));
    BOOST_TEST(other.exit_status == 0, other.err);  // connected: the mode let it
    BOOST_TEST(other.out.empty());
    BOOST_TEST(server.read_line() ==
               "tresor credential-socket: serving 3 credentials on the socket systemd passed");
    BOOST_TEST(ask(socket, request("web.service", "tls-key")).out == kKey);
    ::kill(server.pid(), SIGTERM);
    BOOST_TEST(server.wait() == 0);
    const std::string log = cli.log_text();
    BOOST_TEST(contains(log,
                        "refused a connection from uid 65534: only root (the system "
                        "manager) and uid 0 are answered"),
               log);
    BOOST_TEST(contains(log, "served credential tls-key of web.service"), log);
}

BOOST_AUTO_TEST_CASE(credential_socket_checks_its_grants_and_needs_a_socket) {
    const tresor::test::Cli bad_unit(tresor::test::kVault +
                                     "[systemd_credentials.\"web\"]\nkey = \"web/key\"\n");
    const ProcessResult unit = bad_unit.run({"credential-socket", "--socket", "/nonexistent/s"});
    BOOST_TEST(unit.exit_status == 2);
    BOOST_TEST(contains(unit.err, ":6:7: systemd_credentials.\"web\".key: not a systemd unit name"),
               unit.err);
    const tresor::test::Cli bad_entry(tresor::test::kVault +
                                      "[systemd_credentials.\"w.service\"]\nkey = \"nokey\"\n");
    BOOST_TEST(contains(bad_entry.run({"credential-socket"}).err, "expected SERVICE/NAME"));
    const tresor::test::Cli none(tresor::test::kVault);
    BOOST_TEST(contains(none.run({"credential-socket"}).err, "no [systemd_credentials.\"UNIT\"]"));
    const tresor::test::Cli no_socket(tresor::test::kVault + kGrants);
    const ProcessResult r = no_socket.run({"credential-socket"});
    BOOST_TEST(r.exit_status == 2);
    BOOST_TEST(contains(r.err, "no socket from systemd (LISTEN_FDS): give --socket PATH"), r.err);
}
