// serve/group_commit.hpp — writes that arrive together share one durable
// transaction (LevelDB's write group, DBImpl::Write): each caller queues its
// write and waits; the one at the head of the queue takes every write queued
// behind it on the same handle, stores them with one Store::set_many (one
// transaction, one fsync in the vault) and wakes each of them. No write
// returns before the transaction holding it has committed.
//
// The leader also does what each write needs of the store before and after
// it: a create's check that its name is free, and the entry as stored, for
// the answer. So while a batch commits the writers behind it touch nothing
// but this queue: one thread at a time asks the store for writes, and a
// writer waits for at most the batch in flight and its own (a writer that
// went to the store itself would queue behind the commit's lock and then
// race the next leader for it: the p99 of seconds docs/PERFORMANCE.md shows
// before this).
//
// A batch that fails is retried one write at a time, so each request gets
// its own answer: one bad write (an expiry the store refuses, a service of
// another backend) does not fail the writes it happened to travel with.
//
// Thread safety: write() is called from many threads at once; that is the
// point.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "tresor/store.hpp"

namespace tresor::serve {

class GroupCommit {
  public:
    // At most this many writes in one transaction, so a long queue does not
    // make its first writer wait for all of it.
    static constexpr std::size_t kMaxBatch = 256;

    // One write: `item` stored through `handle` (its scopes and actor are
    // the write's); `server` (every scope, the same actor) checks and reads
    // back. Writes share a transaction only with writes of the same `group`
    // (a token's id: one actor and one set of scopes per group).
    struct Request {
        Store& handle;
        Store& server;
        const std::string& group;
        const NewSecret& item;
        // A create that must not replace: refused when the key holds an
        // entry (or an earlier write of the same batch takes it).
        bool only_if_absent = false;
    };
    struct Result {
        bool refused = false;        // only_if_absent, and the key was taken
        std::optional<Entry> entry;  // as stored once committed; none if gone since
    };

    // Returns once the write is committed (or refused), throws its own
    // Error otherwise.
    Result write(const Request& request);

    // Transactions committed so far (batches and retried writes), for tests
    // and benchmarks to see that writes were grouped.
    [[nodiscard]] std::uint64_t transactions() const;
    // Batches that failed and were retried one write at a time.
    [[nodiscard]] std::uint64_t retried_batches() const;

  private:
    struct Writer;
    struct Outcome {
        std::uint64_t transactions = 0;
        bool retried = false;
    };
    // Without the lock: checks, stores and reads back the batch, each
    // writer's result or failure in it.
    static Outcome store(const std::vector<Writer*>& batch);
    static Outcome commit(const std::vector<Writer*>& writes);

    mutable std::mutex mutex_;
    std::deque<Writer*> queue_;
    std::uint64_t transactions_ = 0;
    std::uint64_t retried_batches_ = 0;
};

}  // namespace tresor::serve
