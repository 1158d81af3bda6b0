// serve/group_commit: concurrent writes on a file vault share transactions,
// each returns only once committed (it is then read back by a Store of its
// own) with its entry as stored, a batch that fails is retried one write at
// a time, so only the bad write fails, and of creates of one name arriving
// together exactly one is stored.
#define BOOST_TEST_MODULE group_commit
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <latch>
#include <thread>

#include "serve/group_commit.hpp"
#include "support/test_support.hpp"

using tresor::Error;
using tresor::ErrorCode;
using tresor::NewSecret;
using tresor::Secret;
using tresor::Store;
using tresor::serve::GroupCommit;

namespace {

constexpr int kWriters = 32;
const std::string kGroup = "token";

struct Vault {
    tresor::test::TempDir dir;
    tresor::test::ScopedEnv password{"TRESOR_VAULT_PASSWORD", "group commit test"};
    std::string config = "[backend.vault]\nplugin = \"vault\"\npath = \"" +
                         (dir / "vault.db").string() +
                         "\"\nkdf = { memory_mib = 19, iterations = 2 }\n";
    Store store = Store::from_toml(config);
};

// Rounds of kWriters threads released at once, each writing its own key
// (the one at `bad`, if any, with an expiry the store refuses); returns
// whether `seen` held after some round, and checks every answer.
template <typename Seen>
bool run_rounds(Vault& vault, GroupCommit& commits, int bad, Seen seen) {
    for (int round = 0; round < 20; ++round) {
        const std::uint64_t before = commits.transactions();
        std::latch start(kWriters);
        std::vector<std::optional<ErrorCode>> failures(kWriters);
        std::vector<std::thread> threads;
        for (int i = 0; i < kWriters; ++i) {
            threads.emplace_back([&, i] {
                NewSecret item{{"svc", "r" + std::to_string(round) + "-" + std::to_string(i)},
                               Secret("value " + std::to_string(i)),
                               {}};
                if (i == bad) {
                    item.options.expires_at = std::chrono::floor<std::chrono::seconds>(
                        std::chrono::system_clock::now() - std::chrono::hours(1));
                }
                start.arrive_and_wait();
                try {
                    const auto result = commits.write({vault.store, vault.store, kGroup, item});
                    // The answer is read back by the leader, after the commit.
                    BOOST_TEST((result.entry && result.entry->name == item.key.name));
                } catch (const Error& e) {
                    failures[i] = e.code();
                }
            });
        }
        for (std::thread& t : threads) {
            t.join();
        }
        // A Store of its own: what a restarted server would read.
        Store reader = Store::from_toml(vault.config);
        for (int i = 0; i < kWriters; ++i) {
            const auto value =
                reader.get({"svc", "r" + std::to_string(round) + "-" + std::to_string(i)});
            if (i == bad) {
                BOOST_TEST((failures[i] == ErrorCode::invalid_argument));
                BOOST_TEST(!value.has_value());
            } else {
                BOOST_TEST(!failures[i].has_value());
                BOOST_TEST((value && value->view() == "value " + std::to_string(i)));
            }
        }
        const std::uint64_t committed = commits.transactions() - before;
        BOOST_TEST(committed <= (bad < 0 ? kWriters : kWriters - 1));
        if (seen(committed)) {
            return true;
        }
    }
    return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(writes_arriving_together_share_a_transaction) {
    Vault vault;
    GroupCommit commits;
    BOOST_TEST(run_rounds(vault, commits, -1,
                          [](std::uint64_t committed) { return committed < kWriters; }));
}

BOOST_AUTO_TEST_CASE(a_failed_batch_is_retried_one_write_at_a_time) {
    Vault vault;
    GroupCommit commits;
    // Until the bad write has travelled in a batch with others.
    BOOST_TEST(run_rounds(vault, commits, 7,
                          [&](std::uint64_t) { return commits.retried_batches() > 0; }));
}

BOOST_AUTO_TEST_CASE(of_creates_of_one_name_arriving_together_one_is_stored) {
    Vault vault;
    GroupCommit commits;
    for (int round = 0; round < 5; ++round) {
        const std::string name = "same-" + std::to_string(round);
        std::latch start(kWriters);
        std::atomic<int> stored = 0;
        std::atomic<int> refused = 0;
        std::vector<std::thread> threads;
        for (int i = 0; i < kWriters; ++i) {
            threads.emplace_back([&, i] {
                const NewSecret item{{"svc", name}, Secret("value " + std::to_string(i)), {}};
                start.arrive_and_wait();
                const auto result = commits.write({vault.store, vault.store, kGroup, item, true});
                (result.refused ? refused : stored) += 1;
            });
        }
        for (std::thread& t : threads) {
            t.join();
        }
        BOOST_TEST(stored.load() == 1);
        BOOST_TEST(refused.load() == kWriters - 1);
    }
}
