// cli/json.hpp — JSON read and written by the CLI and the credential helpers,
// through nlohmann-json.
//
// Every string, object and array of a Json lives in wiped memory (the
// allocator of tresor::Secret): a document may hold a registry password or
// an AWS secret key, and the parser's copies must not outlive it in the heap.
//
// Text that is not UTF-8 cannot be a JSON string. put_text() writes such
// bytes as base64 and adds a sibling member "<member>_encoding": "base64";
// members without that sibling are UTF-8 text (docs/INTEGRATIONS.md).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tresor/secret.hpp"

namespace tresor::cli {

using SecureString = std::basic_string<char, std::char_traits<char>, detail::WipingAllocator<char>>;
using Json = nlohmann::basic_json<nlohmann::ordered_map, std::vector, SecureString, bool,
                                  std::int64_t, std::uint64_t, double, detail::WipingAllocator>;

// Text as a Json string (UTF-8 expected; see put_text otherwise).
[[nodiscard]] SecureString json_text(std::string_view text);

// Parses a whole document; throws Error{invalid_argument} naming `what` and
// the byte offset, never quoting the input (it may hold a secret).
[[nodiscard]] Json parse_json(std::span<const std::uint8_t> bytes, std::string_view what);

// One line of ASCII JSON: every non-ASCII character and every control
// character escaped as \uXXXX, so the text is safe on a terminal too.
[[nodiscard]] SecureString dump_json(const Json& value);

// object[member] = bytes, as UTF-8 text or as base64 with
// "<member>_encoding": "base64".
void put_text(Json& object, std::string_view member, std::string_view bytes);

// object[member] as a string; nullopt when absent or null; Error{invalid_argument}
// naming `what` when it is some other type.
[[nodiscard]] std::optional<SecureString> get_text(const Json& object, std::string_view member,
                                                   std::string_view what);

}  // namespace tresor::cli
