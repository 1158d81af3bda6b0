// cli/format.hpp — text formats of the CLI: ISO 8601 times and text for a
// terminal (JSON is cli/json.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tresor/store.hpp"

namespace tresor::cli {

// "2026-11-24T10:00:00Z"; any Timestamp, years past 9999 in ISO 8601's
// expanded form ("+292277026596-12-04T15:30:07Z" for INT64_MAX seconds).
[[nodiscard]] std::string format_time(const std::optional<Timestamp>& t);

// Accepts RFC 3339 (YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM), T and Z in either
// case) and the shorter ISO 8601 forms YYYY-MM-DD and YYYY-MM-DDTHH:MM[:SS]
// (UTC when no offset): digits only, real dates of years 0001-9999, offsets
// within ±14:00, nothing after. A fraction of a second is dropped.
// Throws Error{invalid_argument}.
[[nodiscard]] Timestamp parse_time(std::string_view text);

[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;

// Standard base64 (RFC 4648, with padding), for values that are not UTF-8
// in JSON output. Written here rather than taken from Botan, which the
// Windows build does not have.
[[nodiscard]] std::string base64_encode(std::span<const std::uint8_t> bytes);

// Text from a store (service, name, label) made safe to print on a terminal,
// where ESC, CR or BEL could forge or hide lines: C0 controls and DEL as
// \xNN, C1 controls as \u0080-\u009f, bytes that are not UTF-8 as \xNN, and
// a backslash as \\ so that the output reads back unambiguously.
[[nodiscard]] std::string display_text(std::string_view text);

// "SERVICE/NAME" with both parts as display_text.
[[nodiscard]] std::string display_key(const Key& key);

}  // namespace tresor::cli
