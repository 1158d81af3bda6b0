// cli/format.hpp — text formats of the CLI: ISO 8601 times and JSON strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tresor/store.hpp"

namespace tresor::cli {

// "2026-11-24T10:00:00Z"
[[nodiscard]] std::string format_time(const std::optional<Timestamp>& t);

// Accepts YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] with an optional Z or ±HH:MM
// (UTC when none): digits only, years 0001-9999, offsets within ±14:00.
// Throws Error{invalid_argument}.
[[nodiscard]] Timestamp parse_time(std::string_view text);

[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;

// A JSON string literal. Bytes that are not UTF-8 are escaped as \u00XX of
// the byte, so the output is always valid JSON.
[[nodiscard]] std::string json_string(std::string_view text);

}  // namespace tresor::cli
