#include "serve/group_commit.hpp"

#include <exception>

namespace tresor::serve {

struct GroupCommit::Writer {
    Store& handle;
    const std::string& group;
    const NewSecret& item;
    bool done = false;
    std::exception_ptr failure;
    std::condition_variable wake;
};

GroupCommit::Outcome GroupCommit::store(const std::vector<Writer*>& batch) {
    Outcome outcome;
    if (batch.size() > 1) {
        std::vector<NewSecret> items;
        items.reserve(batch.size());
        for (const Writer* w : batch) {
            items.push_back(w->item);
        }
        try {
            batch.front()->handle.set_many(items);
            outcome.transactions = 1;
            return outcome;
        } catch (const std::exception&) {
            // One at a time below: each writer gets its own answer.
            outcome.retried = true;
        }
    }
    for (Writer* w : batch) {
        try {
            w->handle.set(w->item.key, w->item.value, w->item.options);
            ++outcome.transactions;
        } catch (...) {
            w->failure = std::current_exception();
        }
    }
    return outcome;
}

void GroupCommit::write(Store& handle, const std::string& group, const NewSecret& item) {
    Writer self{handle, group, item, false, nullptr, {}};
    std::unique_lock lock(mutex_);
    queue_.push_back(&self);
    self.wake.wait(lock, [&] { return self.done || queue_.front() == &self; });
    if (!self.done) {
        // At the head: this thread commits for every writer of its group
        // queued behind it. Writers arriving meanwhile queue for the next.
        std::vector<Writer*> batch;
        for (auto it = queue_.begin();
             it != queue_.end() && (*it)->group == group && batch.size() < kMaxBatch; ++it) {
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
