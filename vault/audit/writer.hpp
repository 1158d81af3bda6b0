// vault/audit/writer.hpp — what one Vault is about to add to its audit log.
//
// A write (set, remove, a slot change, a prune) stages its own events and
// has them sealed in its own transaction, so the log never says an entry
// changed when it did not, nor misses a change that committed. A read must
// not cost a durable commit: its event is noted in memory and written with
// the next write transaction or a flush, which the caller makes when due()
// (kFlushEvents noted, or the oldest noted kFlushAfter ago) and when it
// closes; a crash loses at most the noted events (docs/VAULT-FORMAT.md,
// "Audit log"). Failed unlocks, which hold no key, wait as unsealed notes in
// the store until an audited write seals them in.
//
// The process is who it was when audit was enabled (uid, pid, executable);
// the credential is the caller's word at each append. Thread safety: one
// thread at a time, as its Vault.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vault/audit/chain.hpp"
#include "vault/audit/codec.hpp"
#include "vault/audit/event.hpp"
#include "vault/record_store.hpp"

namespace tresor::vault::audit {

constexpr std::size_t kFlushEvents = 64 * kMaxEventsPerBlock;
constexpr std::chrono::seconds kFlushAfter{1};
// Unsealed notes a store keeps; failed unlocks beyond them are not noted.
constexpr std::size_t kMaxNotes = 1000;

[[nodiscard]] std::int64_t now_ms();

class Writer {
  public:
    [[nodiscard]] bool enabled() const { return enabled_; }
    // From now on: this process's identity is taken, events are kept.
    void enable();
    // Who the following events are for ("" the process itself).
    void set_actor(std::string_view actor) { actor_ = actor; }

    // A read (or a failed operation), written later.
    void note(Operation operation, Outcome outcome, std::string_view service, std::string_view name,
              std::string_view detail = {});
    // An event of the write transaction in progress, staged once its changes
    // are made, just before the header is stored (which appends it).
    void stage(Operation operation, std::string_view service, std::string_view name,
               std::string_view detail = {});

    [[nodiscard]] bool has_noted() const { return noted_count_ != 0; }
    [[nodiscard]] bool due() const;

    // In the caller's write transaction: the noted and staged events, then
    // the store's unsealed notes (erased), as blocks after the log's last;
    // the manifest's head entry moved. The staged events are consumed (a
    // transaction that fails takes them with it); the noted ones stay until
    // committed(). Nothing when not enabled.
    void append(RecordStore& store, const Keys& keys, std::span<const std::uint8_t> vault_id,
                std::vector<std::uint8_t>& manifest, std::string_view credential);
    // The transaction committed: what append wrote is forgotten.
    void committed();

  private:
    Event make(Operation operation, Outcome outcome, std::string_view service,
               std::string_view name, std::string_view detail) const;

    // Noted events, encoded as they come (about 40 bytes and the names
    // each), in blocks of at most kMaxEventsPerBlock, all of this process.
    struct Noted {
        std::vector<std::uint8_t> events;
        std::uint32_t count = 0;
    };

    bool enabled_ = false;
    Caller process_;
    std::string actor_;
    std::vector<Noted> noted_;
    std::size_t noted_count_ = 0;
    std::vector<Event> staged_;
    std::size_t appended_blocks_ = 0;  // of noted_, by the last append
    std::chrono::steady_clock::time_point first_noted_{};
};

// A failed unlock as an unsealed note in `store` (audit_notes), when it has
// an audit log and fewer than kMaxNotes notes: `tried` names the credential
// (never its bytes), `why` the error. Best effort: never throws.
void note_failed_unlock(RecordStore& store, std::string_view tried, std::string_view why) noexcept;

}  // namespace tresor::vault::audit
