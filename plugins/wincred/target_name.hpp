// plugins/wincred/target_name.hpp — how a (service, name) pair is named in
// Windows Credential Manager, and back.
//
// Target name: "tresor:" SERVICE "/" NAME, where in both parts '%', '/' and
// '*' are written as "%25", "%2F" and "%2A" and every other character stays
// as it is, so the Credential Manager window shows "tresor:github/alice".
// '/' separates the parts; '*' is CredEnumerateW's wildcard, escaped so a
// listing of one service ("tresor:SERVICE/*") never matches another.
// Portable C++ on UTF-8 text: the plugin converts to UTF-16 at the API; the
// escaping is plugins/common/key_text.hpp's.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace tresor::wincred {

inline constexpr std::string_view kTargetPrefix = "tresor:";

[[nodiscard]] std::string target_name(std::string_view service, std::string_view name);

// The CredEnumerateW filter for one service, or for every tresor entry.
[[nodiscard]] std::string service_filter(std::string_view service);
[[nodiscard]] std::string all_filter();

// (service, name) of a target written by target_name; empty for any other.
[[nodiscard]] std::optional<std::pair<std::string, std::string>> parse_target_name(
    std::string_view target);

}  // namespace tresor::wincred
