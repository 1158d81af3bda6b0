// vault/audit/codec.hpp — the byte layouts of the audit log
// (docs/VAULT-FORMAT.md, "Audit log"): a block's plaintext, sealed as one
// row, and a failed unlock's note, left unsealed by a process that holds no
// key until one that does seals it into the log.
//
//   block = u8 1 || u16 callers || callers × (u32 uid || u32 pid ||
//           text(executable) || text(credential)) || u32 events || events ×
//           (u16 caller || u8 operation || u8 outcome || i64 time_ms ||
//            text(actor) || text(service) || text(name) || text(detail))
//   note  = u8 1 || i64 time_ms || u32 uid || u32 pid || text(executable) ||
//           text(credential) || text(detail)
//
// Decoders read untrusted bytes (a note is anyone's who can write the
// store; a block is authenticated, but checked as strictly): every length is
// checked against what is left, counts never allocate ahead, an unknown
// operation, outcome, caller index or version and trailing bytes are
// Error{corrupt}. What decodes encodes back to the same bytes
// (fuzz/audit_records_fuzzer.cpp).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "vault/audit/event.hpp"

namespace tresor::vault::audit {

// Events per block: a batch of more is written as several blocks.
constexpr std::size_t kMaxEventsPerBlock = 4096;

// The callers' table is made of the events' callers, in first-seen order,
// or is `caller` alone when given: the caller of every event, whatever its
// own says. Throws Error{invalid_argument} for no event or more than
// kMaxEventsPerBlock, or more than 65535 callers.
[[nodiscard]] std::vector<std::uint8_t> encode_block(std::span<const Event> events,
                                                     const Caller* caller = nullptr);

// The same in two steps, for a process that encodes each read as it happens
// (no Event kept per read): one event's bytes, appended to `out`, then the
// block of `count` such events, every one of `caller` (index 0).
void append_event(std::vector<std::uint8_t>& out, std::uint16_t caller, Operation operation,
                  Outcome outcome, std::int64_t time_ms, std::string_view actor,
                  std::string_view service, std::string_view name, std::string_view detail);
[[nodiscard]] std::vector<std::uint8_t> block_of(const Caller& caller, std::uint32_t count,
                                                 std::span<const std::uint8_t> events);
[[nodiscard]] std::vector<Event> decode_block(std::span<const std::uint8_t> plaintext);

// A note holds one failed unlock: operation unlock_failed, outcome failed.
[[nodiscard]] std::vector<std::uint8_t> encode_note(const Event& event);
[[nodiscard]] Event decode_note(std::span<const std::uint8_t> bytes);

}  // namespace tresor::vault::audit
