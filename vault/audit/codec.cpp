#include "vault/audit/codec.hpp"

#include <algorithm>
#include <limits>

#include "vault/detail/bytes.hpp"

namespace tresor::vault::audit {
namespace {

using detail::Reader;
using detail::Writer;

constexpr std::uint8_t kBlockFormat = 1;
constexpr std::uint8_t kNoteFormat = 1;
// The fewest bytes an event takes: caller, operation, outcome, time and four
// empty texts. A count above what the input can hold is refused before any
// allocation.
constexpr std::size_t kMinEventBytes = 2 + 1 + 1 + 8 + 4 * 4;
constexpr std::size_t kMinCallerBytes = 4 + 4 + 2 * 4;

[[noreturn]] void refuse(const char* what, const std::string& why) {
    throw Error(ErrorCode::corrupt, std::string(what) + ": " + why);
}

void write_caller(Writer<std::vector<std::uint8_t>>& w, const Caller& c) {
    w.u32(c.uid);
    w.u32(c.pid);
    w.text(c.executable);
    w.text(c.credential);
}

Caller read_caller(Reader& r) {
    Caller c;
    c.uid = r.u32();
    c.pid = r.u32();
    c.executable = r.text();
    c.credential = r.text();
    return c;
}

}  // namespace

std::string_view to_string(Operation operation) noexcept {
    switch (operation) {
        case Operation::get:
            return "get";
        case Operation::use:
            return "use";
        case Operation::set:
            return "set";
        case Operation::remove:
            return "remove";
        case Operation::slots:
            return "slots";
        case Operation::unlock_failed:
            return "unlock-failed";
        case Operation::prune:
            return "prune";
    }
    return "unknown";
}

std::string_view to_string(Outcome outcome) noexcept {
    switch (outcome) {
        case Outcome::ok:
            return "ok";
        case Outcome::not_found:
            return "not-found";
        case Outcome::failed:
            return "failed";
    }
    return "unknown";
}

std::optional<Operation> operation_from(std::uint8_t value) noexcept {
    if (value < static_cast<std::uint8_t>(Operation::get) ||
        value > static_cast<std::uint8_t>(Operation::prune)) {
        return std::nullopt;
    }
    return static_cast<Operation>(value);
}

std::optional<Outcome> outcome_from(std::uint8_t value) noexcept {
    if (value > static_cast<std::uint8_t>(Outcome::failed)) {
        return std::nullopt;
    }
    return static_cast<Outcome>(value);
}

void append_event(std::vector<std::uint8_t>& out, std::uint16_t caller, Operation operation,
                  Outcome outcome, std::int64_t time_ms, std::string_view actor,
                  std::string_view service, std::string_view name, std::string_view detail) {
    Writer w(out);
    w.u16(caller);
    w.u8(static_cast<std::uint8_t>(operation));
    w.u8(static_cast<std::uint8_t>(outcome));
    w.i64(time_ms);
    w.text(actor);
    w.text(service);
    w.text(name);
    w.text(detail);
}

namespace {

std::vector<std::uint8_t> block_with(std::span<const Caller> callers, std::uint32_t count,
                                     std::span<const std::uint8_t> events) {
    if (count == 0 || count > kMaxEventsPerBlock) {
        throw Error(ErrorCode::invalid_argument, "an audit block holds 1 to 4096 events");
    }
    std::vector<std::uint8_t> out;
    out.reserve(64 * callers.size() + 8 + events.size());
    Writer w(out);
    w.u8(kBlockFormat);
    w.u16(static_cast<std::uint16_t>(callers.size()));
    for (const Caller& c : callers) {
        write_caller(w, c);
    }
    w.u32(count);
    w.raw(events);
    return out;
}

}  // namespace

std::vector<std::uint8_t> block_of(const Caller& caller, std::uint32_t count,
                                   std::span<const std::uint8_t> events) {
    return block_with({&caller, 1}, count, events);
}

std::vector<std::uint8_t> encode_block(std::span<const Event> events, const Caller* caller) {
    if (events.empty() || events.size() > kMaxEventsPerBlock) {
        throw Error(ErrorCode::invalid_argument, "an audit block holds 1 to 4096 events");
    }
    std::vector<Caller> callers;
    if (caller != nullptr) {
        callers.push_back(*caller);
    }
    std::vector<std::uint8_t> bytes;
    bytes.reserve((kMinEventBytes + 32) * events.size());
    for (const Event& e : events) {
        auto it = caller != nullptr ? callers.begin()
                                    : std::find(callers.begin(), callers.end(), e.caller);
        if (it == callers.end()) {
            if (callers.size() == std::numeric_limits<std::uint16_t>::max()) {
                throw Error(ErrorCode::invalid_argument,
                            "an audit block has at most 65535 callers");
            }
            callers.push_back(e.caller);
            it = callers.end() - 1;
        }
        append_event(bytes, static_cast<std::uint16_t>(it - callers.begin()), e.operation,
                     e.outcome, e.time_ms, e.actor, e.service, e.name, e.detail);
    }
    return block_with(callers, static_cast<std::uint32_t>(events.size()), bytes);
}

std::vector<Event> decode_block(std::span<const std::uint8_t> plaintext) {
    constexpr const char* kWhat = "audit block";
    Reader r(plaintext, kWhat);
    if (r.u8() != kBlockFormat) {
        refuse(kWhat, "unknown format");
    }
    const std::uint16_t caller_count = r.u16();
    if (caller_count == 0 || caller_count > plaintext.size() / kMinCallerBytes) {
        refuse(kWhat, "a caller count the block cannot hold");
    }
    std::vector<Caller> callers;
    callers.reserve(caller_count);
    for (std::uint16_t i = 0; i < caller_count; ++i) {
        callers.push_back(read_caller(r));
    }
    const std::uint32_t event_count = r.u32();
    if (event_count == 0 || event_count > kMaxEventsPerBlock ||
        event_count > plaintext.size() / kMinEventBytes) {
        refuse(kWhat, "an event count the block cannot hold");
    }
    std::vector<Event> events;
    events.reserve(event_count);
    for (std::uint32_t i = 0; i < event_count; ++i) {
        Event e;
        const std::uint16_t caller = r.u16();
        const auto operation = operation_from(r.u8());
        const auto outcome = outcome_from(r.u8());
        if (caller >= callers.size() || !operation || !outcome) {
            refuse(kWhat, "an event with an unknown caller, operation or outcome");
        }
        e.caller = callers[caller];
        e.operation = *operation;
        e.outcome = *outcome;
        e.time_ms = r.i64();
        e.actor = r.text();
        e.service = r.text();
        e.name = r.text();
        e.detail = r.text();
        events.push_back(std::move(e));
    }
    r.expect_end();
    // One encoding per block: callers in first-use order, each used.
    const std::vector<std::uint8_t> again = encode_block(events);
    if (!std::equal(again.begin(), again.end(), plaintext.begin(), plaintext.end())) {
        refuse(kWhat, "a callers' table that is not the events' own");
    }
    return events;
}

std::vector<std::uint8_t> encode_note(const Event& event) {
    std::vector<std::uint8_t> out;
    Writer w(out);
    w.u8(kNoteFormat);
    w.i64(event.time_ms);
    write_caller(w, event.caller);
    w.text(event.detail);
    return out;
}

Event decode_note(std::span<const std::uint8_t> bytes) {
    constexpr const char* kWhat = "audit note";
    Reader r(bytes, kWhat);
    if (r.u8() != kNoteFormat) {
        refuse(kWhat, "unknown format");
    }
    Event e;
    e.operation = Operation::unlock_failed;
    e.outcome = Outcome::failed;
    e.time_ms = r.i64();
    e.caller = read_caller(r);
    e.detail = r.text();
    r.expect_end();
    return e;
}

}  // namespace tresor::vault::audit
