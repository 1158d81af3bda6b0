// `--expires` ISO 8601 parsing, and printing what it accepted.
#include <string_view>

#include "cli/format.hpp"
#include "fuzz/fuzz_main.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    (void)tresor::cli::display_text(text);
    (void)tresor::cli::format_time(tresor::cli::parse_time(text));
}
