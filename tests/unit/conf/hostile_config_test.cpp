// A config file chooses which code runs and where secrets go, so it is read
// as hostile input from a possibly hostile place (issue 15, findings 7, 8,
// 9): a file or folder another user can write, a FIFO that never answers, a
// device that never ends, a key deep enough to overflow the parser's stack.
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "conf/config.hpp"
#include "support/other_user.hpp"
#include "support/piped_child.hpp"
#include "support/test_support.hpp"
#include "tresor/error.hpp"

using tresor::Error;
using tresor::ErrorCode;
using tresor::test::TempDir;

namespace {

const std::string kConfig = "[backend.vault]\nplugin = \"vault\"\n";

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string load_error(const std::filesystem::path& path) {
    try {
        (void)tresor::conf::load_config_file(path);
    } catch (const Error& e) {
        BOOST_CHECK(e.code() == ErrorCode::config);
        return e.what();
    }
    BOOST_FAIL("the config " + path.string() + " was accepted");
    return "";
}

std::string parse_error(const std::string& text) {
    try {
        (void)tresor::conf::parse_config(text, "deep.toml", "/");
    } catch (const Error& e) {
        BOOST_CHECK(e.code() == ErrorCode::config);
        return e.what();
    }
    BOOST_FAIL("the config text was accepted");
    return "";
}

// Runs load_config_file(path) in a child limited to `seconds` and 256 MiB,
// so that a hang or an endless read fails the test instead of stopping it.
// Returns the child's message (the error) or what stopped it.
std::string load_in_child(const std::filesystem::path& path, unsigned seconds) {
    tresor::test::PipedChild child([&](int out) {
        ::alarm(seconds);
        const rlimit memory{256u << 20, 256u << 20};
        ::setrlimit(RLIMIT_AS, &memory);
        std::string message = "accepted";
        try {
            (void)tresor::conf::load_config_file(path);
        } catch (const Error& e) {
            message = e.what();
        } catch (const std::bad_alloc&) {
            message = "out of memory";
        }
        (void)!::write(out, message.data(), message.size());
    });
    const std::string message = child.read_all();
    const int status = child.reap();
    if (WIFSIGNALED(status)) {
        return WTERMSIG(status) == SIGALRM ? "hung" : "killed by a signal";
    }
    return message;
}

std::string dotted_key(std::size_t parts) {
    std::string key = "x";
    for (std::size_t i = 1; i < parts; ++i) {
        key += ".x";
    }
    return key;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hostile_config)

BOOST_AUTO_TEST_CASE(a_config_others_can_write_is_refused) {
    TempDir dir;
    const auto file = dir.write("config.toml", kConfig);
    ::chmod(file.c_str(), 0666);
    const std::string error = load_error(file);
    BOOST_CHECK_MESSAGE(contains(error, "chmod go-w " + file.string()), error);
}

BOOST_AUTO_TEST_CASE(a_config_rewritten_by_another_user_is_refused,
                     *boost::unit_test::precondition(tresor::test::CanActAsOtherUser())) {
    TempDir dir;
    ::chmod(dir.path().c_str(), 0755);
    const auto file = dir.write("config.toml", kConfig);
    ::chmod(file.c_str(), 0666);
    // The attacker sends the victim's secrets to a backend that keeps nothing.
    const auto attack = tresor::test::run_as_other_user(
        dir.path().string(), "printf '[backend.x]\\nplugin = \"memory\"\\n' > config.toml");
    BOOST_REQUIRE_MESSAGE(attack.exit_status == 0, attack.err);
    BOOST_CHECK(contains(load_error(file), "writable by group or others"));
}

BOOST_AUTO_TEST_CASE(a_config_in_a_folder_others_can_write_is_refused) {
    TempDir dir;
    const auto file = dir.write("shared/config.toml", kConfig);
    ::chmod((dir / "shared").c_str(), 01777);
    const std::string error = load_error(file);
    BOOST_CHECK_MESSAGE(contains(error, "folder " + (dir / "shared").string()), error);
    // Issue 22, finding 15: the hint was "chmod go-w" on a folder shared as
    // /tmp is, which breaks its other users; it is safe to follow now.
    BOOST_CHECK_MESSAGE(
        contains(error, "move it into a folder only you can write") && !contains(error, "chmod"),
        error);
    // A folder others may write that is not sticky is yours to fix.
    ::chmod((dir / "shared").c_str(), 0777);
    BOOST_CHECK(contains(load_error(file), "chmod go-w " + (dir / "shared").string()));
}

BOOST_AUTO_TEST_CASE(a_config_owned_by_another_user_is_refused,
                     *boost::unit_test::precondition(tresor::test::CanActAsOtherUser())) {
    TempDir dir;
    const auto file = dir.write("config.toml", kConfig);
    BOOST_REQUIRE(::chown(file.c_str(), tresor::test::kOtherUid, tresor::test::kOtherUid) == 0);
    BOOST_CHECK(contains(load_error(file), "owned by uid 65534"));
}

BOOST_AUTO_TEST_CASE(a_symlinked_config_is_judged_by_its_target) {
    TempDir dir;
    const auto target = dir.write("dotfiles/tresor.toml", kConfig);
    std::filesystem::create_directories(dir / "home");
    std::filesystem::create_symlink(target, dir / "home/config.toml");
    BOOST_CHECK(tresor::conf::load_config_file(dir / "home/config.toml").chain.front() == "vault");
    ::chmod((dir / "dotfiles").c_str(), 0777);
    BOOST_CHECK(
        contains(load_error(dir / "home/config.toml"), "folder " + (dir / "dotfiles").string()));
}

BOOST_AUTO_TEST_CASE(a_fifo_is_refused_at_once_not_waited_on) {
    TempDir dir;
    const auto fifo = dir / "config.toml";
    BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const std::string message = load_in_child(fifo, 5);
    BOOST_CHECK_MESSAGE(contains(message, "a FIFO, not a regular file"), message);
}

BOOST_AUTO_TEST_CASE(a_device_that_never_ends_is_refused) {
    const std::string message = load_in_child("/dev/zero", 10);
    BOOST_CHECK_MESSAGE(contains(message, "/dev/zero") && contains(message, "a device"), message);
}

BOOST_AUTO_TEST_CASE(a_directory_is_named_as_one) {
    const std::string error = load_error("/");
    BOOST_CHECK_MESSAGE(contains(error, "a directory, not a regular file"), error);
}

BOOST_AUTO_TEST_CASE(a_config_larger_than_the_limit_is_refused) {
    TempDir dir;
    const auto file = dir.write("config.toml", kConfig + "# " + std::string(2 << 20, 'x') + "\n");
    BOOST_CHECK(contains(load_error(file), "bytes, more than"));
}

BOOST_AUTO_TEST_CASE(a_key_of_35000_dotted_parts_is_an_error_not_a_crash) {
    const std::string error =
        parse_error("[backend.a]\nplugin = \"memory\"\n" + dotted_key(35000) + " = 1\n");
    BOOST_CHECK_MESSAGE(contains(error, "deep.toml:3:") && contains(error, "dotted parts"), error);
    const std::string header_error = parse_error("[" + dotted_key(35000) + "]\n");
    BOOST_CHECK_MESSAGE(contains(header_error, "deep.toml:1:"), header_error);
    const std::string inline_error = parse_error("a = { " + dotted_key(35000) + " = 1 }\n");
    BOOST_CHECK_MESSAGE(contains(inline_error, "dotted parts"), inline_error);
}

BOOST_AUTO_TEST_CASE(keys_within_the_bound_and_dots_in_values_and_strings_are_fine) {
    const auto config = tresor::conf::parse_config(
        "[backend.a]\nplugin = \"memory\"\n" + dotted_key(30) + " = 1.5\n" + "b = \"" +
            std::string(100, '.') + "\" # " + std::string(100, '.') + "\n" + "c = '''\n" +
            std::string(100, '.') + "'''\n" + "\"q.u.o.t.e.d\".x = \"1979-05-27T07:32:00.999Z\"\n",
        "ok.toml", "/");
    BOOST_CHECK_EQUAL(config.backends.size(), 1u);
}

BOOST_AUTO_TEST_SUITE_END()
