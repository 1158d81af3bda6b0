// plugins/wincred/credential_meta.hpp — tresor's metadata in a credential's
// attributes (the Credential Manager keeps up to 64 per credential, each a
// keyword and at most 256 bytes):
//   "tresor:meta"         21 bytes: u8 format (1), u32 type, i64 created_at,
//                         i64 expires_at, integers little-endian, Unix seconds
//   "tresor:description"  the description, UTF-8, at most 256 bytes (absent
//                         when empty)
// The label is the credential's Comment (shown in the Credential Manager
// window) and updated_at its LastWritten time. Portable C++.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tresor::wincred {

inline constexpr std::string_view kMetaKeyword = "tresor:meta";
inline constexpr std::string_view kDescriptionKeyword = "tresor:description";
inline constexpr std::size_t kMaxAttributeBytes = 256;  // CRED_MAX_VALUE_SIZE

struct Meta {
    std::uint32_t type = 0;
    std::int64_t created_at = 0;
    std::int64_t expires_at = 0;
};

[[nodiscard]] std::vector<std::uint8_t> encode_meta(const Meta& meta);

// Empty for bytes encode_meta did not write (another format, another program).
[[nodiscard]] std::optional<Meta> decode_meta(std::span<const std::uint8_t> bytes);

}  // namespace tresor::wincred
