// The vault file under real processes: kill -9 in the middle of writes, and
// several writers at once, readers and writers during rotations, two password
// changes at once. Every write a process reported as committed must be there,
// and the vault must open and verify.
#define BOOST_TEST_MODULE vault_processes
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "support/piped_child.hpp"
#include "unit/vault/vault_fixture.hpp"

using namespace tresor::test;
using namespace tresor::vault;

namespace {

std::string value_for(std::uint32_t i) {
    return "value-" + std::to_string(i * 7919u);
}

// In a child: writes keys first, first+1, ... forever, reporting each one
// on fd after its transaction committed.
[[noreturn]] void write_forever(const std::filesystem::path& path, std::uint32_t first, int fd) {
    try {
        Vault v = Vault::open(path, tresor::test::password("correct horse"));
        for (std::uint32_t i = first;; ++i) {
            const std::string value = value_for(i);
            v.set("crash", "k" + std::to_string(i),
                  {reinterpret_cast<const std::uint8_t*>(value.data()), value.size()}, {});
            if (::write(fd, &i, sizeof(i)) != sizeof(i)) {
                ::_exit(3);
            }
        }
    } catch (...) {
        ::_exit(2);
    }
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(kill_9_never_loses_a_committed_write, VaultFixture) {
    (void)create();
    std::mt19937 random(20261124);
    std::uint32_t next = 0;
    std::vector<std::uint32_t> committed;
    constexpr int kRounds = 30;
    for (int round = 0; round < kRounds; ++round) {
        PipedChild child([&](int fd) { write_forever(path, next, fd); });
        // Let it commit a random number of writes, then kill it mid-flight.
        const int wanted = std::uniform_int_distribution<int>(1, 12)(random);
        std::uint32_t reported = 0;
        for (int i = 0; i < wanted && child.read(reported); ++i) {
            committed.push_back(reported);
        }
        ::usleep(std::uniform_int_distribution<useconds_t>(0, 3000)(random));
        const bool killed = child.kill_and_reap();
        // Reports written before the kill landed count too.
        while (child.read(reported)) {
            committed.push_back(reported);
        }
        BOOST_TEST_REQUIRE(killed, "round " << round << ": child exited early");
        next = committed.empty() ? 0 : committed.back() + 1;
    }
    BOOST_TEST_MESSAGE(committed.size() << " committed writes across " << kRounds << " kills");
    Vault v = open();
    for (std::uint32_t i : committed) {
        BOOST_TEST(str(v.get("crash", "k" + std::to_string(i))) == value_for(i), "key " << i);
    }
    const VerifyReport report = v.verify();
    BOOST_TEST(joined(report.problems) == "");
    BOOST_TEST(report.records_checked >= committed.size());
}

BOOST_FIXTURE_TEST_CASE(concurrent_writers_lose_nothing, VaultFixture) {
    (void)create();
    constexpr int kWriters = 4;
    constexpr int kKeys = 25;
    std::vector<pid_t> children;
    for (int w = 0; w < kWriters; ++w) {
        const pid_t child = ::fork();
        BOOST_REQUIRE(child >= 0);
        if (child == 0) {
            try {
                Vault v = open();
                for (int k = 0; k < kKeys; ++k) {
                    const std::string key = "w" + std::to_string(w) + "-" + std::to_string(k);
                    v.set("shared", key,
                          {reinterpret_cast<const std::uint8_t*>(key.data()), key.size()}, {});
                }
                ::_exit(0);
            } catch (...) {
                ::_exit(1);
            }
        }
        children.push_back(child);
    }
    for (pid_t child : children) {
        int status = 0;
        ::waitpid(child, &status, 0);
        BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    }
    Vault v = open();
    for (int w = 0; w < kWriters; ++w) {
        for (int k = 0; k < kKeys; ++k) {
            const std::string key = "w" + std::to_string(w) + "-" + std::to_string(k);
            BOOST_TEST(str(v.get("shared", key)) == key);
        }
    }
    BOOST_TEST(v.info().record_count == static_cast<std::uint64_t>(kWriters * kKeys));
    BOOST_TEST(v.verify().problems.empty());
}

namespace {

// Waits for every child; returns their exit codes (-1 for a signal).
std::vector<int> wait_all(const std::vector<pid_t>& children) {
    std::vector<int> codes;
    for (pid_t child : children) {
        int status = 0;
        ::waitpid(child, &status, 0);
        codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    return codes;
}

// In a child: reads (and, for a writer, writes) until `stop` exists (or a
// minute passed: a failed parent must not leave it running), checking every
// value. Exit 0: all correct; 1: a wrong value or a false miss; 2: an error
// (printed). A writer pauses between writes: SQLite's busy handler is not
// fair, and writers in a tight loop could starve the rotation past the busy
// timeout, which is not what this test is about.
[[noreturn]] void read_and_write_until(const std::filesystem::path& path,
                                       const std::filesystem::path& stop, int child, bool writer) {
    try {
        Vault v = Vault::open(path, tresor::test::password("correct horse"));
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
        for (std::uint32_t i = 0;
             !std::filesystem::exists(stop) && std::chrono::steady_clock::now() < deadline; ++i) {
            const std::uint32_t k = i % 20;
            if (str(v.get("fixed", "k" + std::to_string(k))) != value_for(k)) {
                ::_exit(1);
            }
            if (writer) {
                const std::string key = "c" + std::to_string(child) + "-" + std::to_string(i % 5);
                v.set("moving", key, tresor::test::bytes(value_for(i)), {});
                if (str(v.get("moving", key)) != value_for(i)) {
                    ::_exit(1);
                }
                ::usleep(2000);
            }
        }
        ::_exit(0);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "child %d: %s\n", child, e.what());
        ::_exit(2);
    }
}

}  // namespace

// Issue 15, finding 6: readers and writers opened before a rotation kept
// getting "wrong password or damaged vault" or false misses.
BOOST_FIXTURE_TEST_CASE(readers_and_writers_carry_on_while_the_vault_is_rotated, VaultFixture) {
    Vault owner = create();
    for (std::uint32_t k = 0; k < 20; ++k) {
        owner.set("fixed", "k" + std::to_string(k), tresor::test::bytes(value_for(k)), {});
    }
    const auto stop = dir / "stop";
    std::vector<pid_t> children;
    for (int c = 0; c < 4; ++c) {
        const pid_t child = ::fork();
        BOOST_REQUIRE(child >= 0);
        if (child == 0) {
            read_and_write_until(path, stop, c, c % 2 == 1);
        }
        children.push_back(child);
    }
    ::usleep(300'000);  // every child has opened the vault
    for (int round = 0; round < 5; ++round) {
        try {
            BOOST_TEST(owner.rotate() == 0);
        } catch (const tresor::Error& e) {
            BOOST_ERROR("rotation " << round << ": " << e.what());
        }
        ::usleep(100'000);
    }
    (void)dir.write("stop", "");
    for (int code : wait_all(children)) {
        BOOST_TEST(code == 0);
    }
    BOOST_TEST(owner.verify().problems.empty());
}

// Issue 15, finding 5: two `vault passwd` at once both reported success and
// only the second password opened the vault.
BOOST_FIXTURE_TEST_CASE(two_password_changes_at_once_never_lose_one, VaultFixture) {
    (void)create();
    int ready[2];
    int go[2];
    BOOST_REQUIRE(::pipe(ready) == 0);
    BOOST_REQUIRE(::pipe(go) == 0);
    std::vector<pid_t> children;
    for (int c = 0; c < 2; ++c) {
        const pid_t child = ::fork();
        BOOST_REQUIRE(child >= 0);
        if (child == 0) {
            ::close(ready[0]);
            ::close(go[1]);
            try {
                Vault v = open();
                char byte = 0;
                if (::write(ready[1], &byte, 1) != 1 || ::read(go[0], &byte, 1) != 0) {
                    ::_exit(3);
                }
                v.change_password(tresor::test::password("new " + std::to_string(c)),
                                  tresor::test::kFastKdf);
                ::_exit(0);
            } catch (const tresor::Error& e) {
                ::_exit(e.code() == tresor::ErrorCode::io ? 10 : 2);
            } catch (...) {
                ::_exit(2);
            }
        }
        children.push_back(child);
    }
    ::close(ready[1]);
    ::close(go[0]);
    char byte = 0;
    for (int c = 0; c < 2; ++c) {
        BOOST_REQUIRE(::read(ready[0], &byte, 1) == 1);
    }
    ::close(go[1]);  // both open: change at once
    ::close(ready[0]);
    const std::vector<int> codes = wait_all(children);
    BOOST_TEST_REQUIRE(((codes == std::vector{0, 10}) || (codes == std::vector{10, 0})));
    const int winner = codes[0] == 0 ? 0 : 1;
    BOOST_CHECK_NO_THROW((void)open("new " + std::to_string(winner)));
    BOOST_CHECK_THROW((void)open("new " + std::to_string(1 - winner)), tresor::Error);
}
