// vault/audit/event.hpp — what the vault's audit log records: one event per
// use of the vault (docs/VAULT-FORMAT.md, "Audit log").
//
// An event says what was done (operation), how it ended (outcome), when
// (Unix milliseconds), by which process (its caller: uid, pid, executable,
// and the key slot or host key that unlocked the vault), for whom (the
// actor: "" for the process itself, "token:<id>" for a tresor serve
// session), and to which entry (service and name, which the log seals as the
// vault seals its records). Plain values, no secret: names are sealed when
// written, never values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tresor::vault::audit {

// The numbers are the format's (never renumbered).
enum class Operation : std::uint8_t {
    get = 1,            // a value returned to the caller
    use = 2,            // a value rendered as a request header, never returned (Store::header)
    set = 3,            // an entry created or replaced
    remove = 4,         // an entry removed
    slots = 5,          // the key slots changed: detail says how (passwd, add-keyfile, ...)
    unlock_failed = 6,  // an unlock that failed: detail says why
    prune = 7,          // older blocks removed: detail is "through=N link=HEX"
};

enum class Outcome : std::uint8_t {
    ok = 0,
    not_found = 1,  // no such entry (or an expired one)
    failed = 2,     // an error: detail names it
};

[[nodiscard]] std::string_view to_string(Operation operation) noexcept;
[[nodiscard]] std::string_view to_string(Outcome outcome) noexcept;
[[nodiscard]] std::optional<Operation> operation_from(std::uint8_t value) noexcept;
[[nodiscard]] std::optional<Outcome> outcome_from(std::uint8_t value) noexcept;

// The process an event came from.
struct Caller {
    std::uint32_t uid = 0;
    std::uint32_t pid = 0;
    std::string executable;
    // What unlocked the vault: "password slot 1", "key file slot 2",
    // "host tresor-pub-…", "unlock cache"; for a failed unlock, what was tried.
    std::string credential;

    friend bool operator==(const Caller&, const Caller&) = default;
};

struct Event {
    Operation operation = Operation::get;
    Outcome outcome = Outcome::ok;
    std::int64_t time_ms = 0;  // Unix milliseconds
    Caller caller;
    std::string actor;  // "" the process itself; "token:<id>" a tresor serve session
    std::string service;
    std::string name;
    std::string detail;

    friend bool operator==(const Event&, const Event&) = default;
};

}  // namespace tresor::vault::audit
