// vault/detail/key_text.hpp — the text form of a 32-byte key that people
// copy between machines (host keys, admin identities):
//   prefix || hex(key (32) || first 4 bytes of SHA-256(key))
// in lowercase; the check bytes make a mistyped or truncated key an error
// instead of a key nobody holds.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vault/detail/bytes.hpp"

namespace tresor::vault::detail {

constexpr std::size_t kTextKeyBytes = 32;

[[nodiscard]] std::string key_text(std::string_view prefix, std::span<const std::uint8_t> key);
// The same in wiped memory, for a private key.
[[nodiscard]] SecureBytes secret_key_text(std::string_view prefix,
                                          std::span<const std::uint8_t> key);
// The key of `text`, or empty when it is not exactly prefix and 72
// lowercase hex digits with matching check bytes.
[[nodiscard]] std::optional<SecureBytes> parse_key_text(std::string_view prefix,
                                                        std::span<const std::uint8_t> text);
// A public key's text parsed; else throws Error{invalid_argument} quoting it:
// "'TEXT' is not WHAT (PREFIX and 72 hex digits, as printed by PRINTED_BY)".
[[nodiscard]] std::vector<std::uint8_t> parse_public_key_text(std::string_view prefix,
                                                              std::string_view text,
                                                              std::string_view what,
                                                              std::string_view printed_by);

}  // namespace tresor::vault::detail
