#include "serve/group_commit.hpp"

#include <exception>
#include <set>
#include <utility>

namespace tresor::serve {

struct GroupCommit::Writer {
    const Request& request;
    Result result;
    bool done = false;
    std::exception_ptr failure;
    std::condition_variable wake;
};

GroupCommit::Outcome GroupCommit::commit(const std::vector<Writer*>& writes) {
    Outcome outcome;
    if (writes.size() > 1) {
        std::vector<NewSecret> items;
        items.reserve(writes.size());
        for (const Writer* w : writes) {
            items.push_back(w->request.item);
        }
        try {
            writes.front()->request.handle.set_many(items);
            outcome.transactions = 1;
            return outcome;
        } catch (const std::exception&) {
            // One at a time below: each writer gets its own answer.
            outcome.retried = true;
        }
    }
    for (Writer* w : writes) {
        try {
            w->request.handle.set(w->request.item.key, w->request.item.value,
                                  w->request.item.options);
            ++outcome.transactions;
        } catch (...) {
            w->failure = std::current_exception();
        }
    }
    return outcome;
}

GroupCommit::Outcome GroupCommit::store(const std::vector<Writer*>& batch) {
    // Before: a create whose key holds an entry, or is written earlier in
    // this batch, is refused and stays out of the transaction.
    std::set<std::pair<std::string_view, std::string_view>> keys;
    std::vector<Writer*> writes;
    for (Writer* w : batch) {
        const Key& key = w->request.item.key;
        try {
            w->result.refused =
                w->request.only_if_absent && (keys.contains({key.service, key.name}) ||
                                              w->request.server.entry(key).has_value());
        } catch (...) {
            w->failure = std::current_exception();
            continue;
        }
        if (!w->result.refused) {
            keys.insert({key.service, key.name});
            writes.push_back(w);
        }
    }
    const Outcome outcome = commit(writes);
    // After: each committed write's entry as stored, for its answer.
    for (Writer* w : writes) {
        if (w->failure) {
            continue;
        }
        try {
            w->result.entry = w->request.server.entry(w->request.item.key);
        } catch (...) {
            w->failure = std::current_exception();
        }
    }
    return outcome;
}

GroupCommit::Result GroupCommit::write(const Request& request) {
    Writer self{request, {}, false, nullptr, {}};
    std::unique_lock lock(mutex_);
    queue_.push_back(&self);
    self.wake.wait(lock, [&] { return self.done || queue_.front() == &self; });
    if (!self.done) {
        // At the head: this thread commits for every writer of its group
        // queued behind it. Writers arriving meanwhile queue for the next.
        std::vector<Writer*> batch;
        for (auto it = queue_.begin();
             it != queue_.end() && (*it)->request.group == request.group &&
             batch.size() < kMaxBatch;
             ++it) {
            batch.push_back(*it);
        }
        lock.unlock();
        const Outcome outcome = store(batch);
        lock.lock();
        transactions_ += outcome.transactions;
        retried_batches_ += outcome.retried ? 1 : 0;
        for (Writer* w : batch) {
            queue_.pop_front();  // the batch is the head of the queue
            w->done = true;
            if (w != &self) {
                w->wake.notify_one();
            }
        }
        if (!queue_.empty()) {
            queue_.front()->wake.notify_one();
        }
    }
    if (self.failure) {
        std::rethrow_exception(self.failure);
    }
    return std::move(self.result);
}

std::uint64_t GroupCommit::transactions() const {
    const std::lock_guard lock(mutex_);
    return transactions_;
}

std::uint64_t GroupCommit::retried_batches() const {
    const std::lock_guard lock(mutex_);
    return retried_batches_;
}

}  // namespace tresor::serve
