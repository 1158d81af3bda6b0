// age/bech32.hpp — Bech32 (BIP 173) as age uses it: no length limit on the
// data part, and all lowercase or all uppercase (the checksum is always over
// the lowercase text). age's recipients are "age1…", its X25519 identities
// "AGE-SECRET-KEY-1…" (c2sp.org/age).
//
// The decoder reads untrusted text (a recipient on the command line, an
// identity file): it never reads past its input, refuses mixed case, a bad
// checksum and non-zero padding bits, and returns nothing rather than an
// error so that a caller's message never quotes an identity. Decoded data
// is SecureBytes (an identity's data is a private key). Thread safety: free
// functions, reentrant.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tresor/secret.hpp"

namespace tresor::age {

struct Bech32 {
    std::string hrp;   // as written: "age", "AGE-SECRET-KEY-"
    SecureBytes data;  // 8-bit bytes
};

// The text of `data` under `hrp` (1 to 83 printable ASCII characters, one
// case), uppercase when `hrp` is. Throws Error{invalid_argument} for an
// invalid hrp.
[[nodiscard]] SecureBytes bech32_encode(std::string_view hrp, std::span<const std::uint8_t> data);

// Empty unless `text` is exactly one valid Bech32 string.
[[nodiscard]] std::optional<Bech32> bech32_decode(std::span<const std::uint8_t> text);

}  // namespace tresor::age
