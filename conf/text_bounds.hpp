// conf/text_bounds.hpp — what a config text may be before it reaches the TOML
// parser. toml++ parses a dotted key ("a.b.c = 1", "[a.b.c]") by recursion,
// one frame per part, so 35,000 parts overflow the stack; it bounds nested
// arrays and inline tables itself (256), not key depth. Internal to conf/.
#pragma once

#include <cstddef>
#include <string_view>

#include "conf/config.hpp"

namespace tresor::conf {

constexpr std::size_t kMaxConfigBytes = 1024 * 1024;
constexpr std::size_t kMaxKeyParts = 32;

// Throws Error{config} "SOURCE:LINE:COL: ..." for a text over kMaxConfigBytes
// or a key (or table header) of more than kMaxKeyParts dotted parts.
void check_text_bounds(std::string_view text, std::string_view source);

}  // namespace tresor::conf
