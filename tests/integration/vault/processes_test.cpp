// The vault file under real processes: kill -9 in the middle of writes, and
// several writers at once. Every write a process reported as committed must
// be there, and the vault must open and verify.
#define BOOST_TEST_MODULE vault_processes
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

#include "unit/vault/vault_fixture.hpp"

using tresor::test::str;
using tresor::test::VaultFixture;
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
        int fds[2];
        BOOST_REQUIRE(::pipe(fds) == 0);
        const pid_t child = ::fork();
        BOOST_REQUIRE(child >= 0);
        if (child == 0) {
            ::close(fds[0]);
            write_forever(path, next, fds[1]);
        }
        ::close(fds[1]);
        // Let it commit a random number of writes, then kill it mid-flight.
        const int wanted = std::uniform_int_distribution<int>(1, 12)(random);
        std::uint32_t reported = 0;
        for (int i = 0;
             i < wanted && ::read(fds[0], &reported, sizeof(reported)) == sizeof(reported); ++i) {
            committed.push_back(reported);
        }
        ::usleep(std::uniform_int_distribution<useconds_t>(0, 3000)(random));
        ::kill(child, SIGKILL);
        // Reports written before the kill landed count too.
        while (::read(fds[0], &reported, sizeof(reported)) == sizeof(reported)) {
            committed.push_back(reported);
        }
        ::close(fds[0]);
        int status = 0;
        ::waitpid(child, &status, 0);
        BOOST_TEST_REQUIRE(WIFSIGNALED(status), "round " << round << ": child exited early");
        next = committed.empty() ? 0 : committed.back() + 1;
    }
    BOOST_TEST_MESSAGE(committed.size() << " committed writes across " << kRounds << " kills");
    Vault v = open();
    for (std::uint32_t i : committed) {
        BOOST_TEST(str(v.get("crash", "k" + std::to_string(i))) == value_for(i), "key " << i);
    }
    const VerifyReport report = v.verify();
    BOOST_TEST(report.problems.empty(), (report.problems.empty() ? "" : report.problems.front()));
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
