#include "vault/audit/writer.hpp"

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
    if (noted_.empty()) {
        first_noted_ = std::chrono::steady_clock::now();
    }
    noted_.push_back(make(operation, outcome, service, name, detail));
}

void Writer::stage(Operation operation, std::string_view service, std::string_view name,
                   std::string_view detail) {
    if (enabled_) {
        staged_.push_back(make(operation, Outcome::ok, service, name, detail));
    }
}

bool Writer::due() const {
    return noted_.size() >= kFlushEvents ||
           (!noted_.empty() && std::chrono::steady_clock::now() - first_noted_ >= kFlushAfter);
}

void Writer::append(RecordStore& store, const Keys& keys, std::span<const std::uint8_t> vault_id,
                    std::vector<std::uint8_t>& manifest, std::string_view credential) {
    if (!enabled_) {
        return;
    }
    Caller caller = process_;
    caller.credential = credential;
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
    }
    const Batch batches[] = {{noted_, &caller}, {staged_, &caller}, {notes, nullptr}};
    (void)append_blocks(store, keys, vault_id, manifest, batches);
    staged_.clear();
    appended_noted_ = noted_.size();
}

void Writer::committed() {
    noted_.erase(noted_.begin(), noted_.begin() + static_cast<std::ptrdiff_t>(appended_noted_));
    appended_noted_ = 0;
    if (!noted_.empty()) {
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
