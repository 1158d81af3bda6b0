// serve/group_commit.hpp — writes that arrive together share one durable
// transaction (LevelDB's write group, DBImpl::Write): each caller queues its
// write and waits; the one at the head of the queue takes every write queued
// behind it on the same handle, stores them with one Store::set_many (one
// transaction, one fsync in the vault) and wakes each of them. No write
// returns before the transaction holding it has committed.
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
#include <string>
#include <vector>

#include "tresor/store.hpp"

namespace tresor::serve {

class GroupCommit {
  public:
    // At most this many writes in one transaction, so a long queue does not
    // make its first writer wait for all of it.
    static constexpr std::size_t kMaxBatch = 256;

    // Stores `item` through `handle` (its scopes and actor are the write's);
    // returns once it is committed, throws its own Error otherwise. Writes
    // share a transaction only with writes of the same `group` (a token's
    // id: one actor and one set of scopes per group).
    void write(Store& handle, const std::string& group, const NewSecret& item);

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
    // Without the lock: stores the batch, each writer's failure in it.
    static Outcome store(const std::vector<Writer*>& batch);

    mutable std::mutex mutex_;
    std::deque<Writer*> queue_;
    std::uint64_t transactions_ = 0;
    std::uint64_t retried_batches_ = 0;
};

}  // namespace tresor::serve
