#include "vault/audit/writer.hpp"

#include <algorithm>

#include "platform/process.hpp"
#include "tresor/error.hpp"
#include "vault/audit/codec.hpp"

namespace tresor::vault::audit {
namespace {

Caller this_caller() {
    const platform::ProcessIdentity me = platform::this_process();
    return {me.uid, me.pid, me.executable, {}};
}

}  // namespace

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void Writer::enable() {
    if (!enabled_) {
        enabled_ = true;
        process_ = this_caller();
    }
}

Event Writer::make(Operation operation, Outcome outcome, std::string_view service,
                   std::string_view name, std::string_view detail) const {
    // Staged events are few (one per entry of a write): kept whole.
    Event e;
    e.operation = operation;
    e.outcome = outcome;
    e.time_ms = now_ms();
    e.actor = actor_;
    e.service = service;
    e.name = name;
    e.detail = detail;
    return e;
}

void Writer::note(Operation operation, Outcome outcome, std::string_view service,
                  std::string_view name, std::string_view detail) {
    if (!enabled_) {
        return;
    }
    if (noted_count_ == 0) {
        first_noted_ = std::chrono::steady_clock::now();
    }
    if (noted_.empty() || noted_.back().count == kMaxEventsPerBlock) {
        noted_.emplace_back();
    }
    append_event(noted_.back().events, 0, operation, outcome, now_ms(), actor_, service, name,
                 detail);
    ++noted_.back().count;
    ++noted_count_;
}

void Writer::stage(Operation operation, std::string_view service, std::string_view name,
                   std::string_view detail) {
    if (enabled_) {
        staged_.push_back(make(operation, Outcome::ok, service, name, detail));
    }
}

bool Writer::due() const {
    return noted_count_ >= kFlushEvents ||
           (noted_count_ != 0 && std::chrono::steady_clock::now() - first_noted_ >= kFlushAfter);
}

void Writer::append(RecordStore& store, const Keys& keys, std::span<const std::uint8_t> vault_id,
                    std::vector<std::uint8_t>& manifest, std::string_view credential) {
    if (!enabled_) {
        return;
    }
    Caller caller = process_;
    caller.credential = credential;
    std::vector<std::vector<std::uint8_t>> plaintexts;
    for (const Noted& block : noted_) {
        plaintexts.push_back(block_of(caller, block.count, block.events));
    }
    for (std::size_t start = 0; start < staged_.size(); start += kMaxEventsPerBlock) {
        plaintexts.push_back(encode_block(
            std::span(staged_).subspan(start, std::min(kMaxEventsPerBlock, staged_.size() - start)),
            &caller));
    }
    staged_.clear();
    // Another process's failed unlocks, sealed in now; one that does not
    // decode is kept as that fact, not dropped.
    std::vector<Event> notes;
    std::int64_t last_note = 0;
    for (const auto& [id, bytes] : store.audit_notes()) {
        try {
            notes.push_back(decode_note(bytes));
        } catch (const Error&) {
            Event unreadable;
            unreadable.operation = Operation::unlock_failed;
            unreadable.outcome = Outcome::failed;
            unreadable.detail = "an unsealed note that does not decode";
            notes.push_back(std::move(unreadable));
        }
        last_note = id;
    }
    if (last_note != 0) {
        store.erase_audit_notes_through(last_note);
        for (std::size_t start = 0; start < notes.size(); start += kMaxEventsPerBlock) {
            plaintexts.push_back(encode_block(std::span(notes).subspan(
                start, std::min(kMaxEventsPerBlock, notes.size() - start))));
        }
    }
    (void)append_blocks(store, keys, vault_id, manifest, plaintexts);
    appended_blocks_ = noted_.size();
}

void Writer::committed() {
    for (std::size_t i = 0; i < appended_blocks_; ++i) {
        noted_count_ -= noted_[i].count;
    }
    noted_.erase(noted_.begin(), noted_.begin() + static_cast<std::ptrdiff_t>(appended_blocks_));
    appended_blocks_ = 0;
    if (noted_count_ != 0) {
        first_noted_ = std::chrono::steady_clock::now();
    }
}

void note_failed_unlock(RecordStore& store, std::string_view tried, std::string_view why) noexcept {
    try {
        Event e;
        e.operation = Operation::unlock_failed;
        e.outcome = Outcome::failed;
        e.time_ms = now_ms();
        e.caller = this_caller();
        e.caller.credential = tried;
        e.detail = why;
        (void)store.add_audit_note(encode_note(e), kMaxNotes);
    } catch (...) {  // NOLINT(bugprone-empty-catch): a note must not hide the unlock's error
    }
}

}  // namespace tresor::vault::audit
