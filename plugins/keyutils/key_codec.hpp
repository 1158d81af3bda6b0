// plugins/keyutils/key_codec.hpp — how an entry becomes a kernel `user` key.
//
// Description: "tresor:" + escape(service) + ":" + escape(name), where
// escape() writes '%', ':' and bytes outside printable ASCII as %XX, so the
// separator is unambiguous and descriptions stay readable in `keyctl show`.
//
// Payload: "TRK1" || u32 type || i64 created_at || i64 updated_at ||
// i64 expires_at || u32 len || label || u32 len || description || value.
// A user key holds at most 32767 bytes in all.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "plugins/common/plugin_kit.hpp"

namespace tresor::keyutils {

constexpr std::size_t kMaxPayloadBytes = 32767;
constexpr std::string_view kDescriptionPrefix = "tresor:";

// An entry as a key holds it: a payload keeps its type, label, description,
// created_at, updated_at and expires_at; the description its service and name.
using Record = tresor::plugin::Entry;

[[nodiscard]] std::string describe(std::string_view service, std::string_view name);
// Service and name from a description; empty for keys that are not tresor's.
[[nodiscard]] std::optional<std::pair<std::string, std::string>> parse_description(
    std::string_view description);

[[nodiscard]] std::size_t header_size(const Record& record);
// Appends the payload header; the value follows it.
void encode_header(const Record& record, std::vector<std::uint8_t>& out);
// The record's metadata and the offset of the value; empty when malformed.
[[nodiscard]] std::optional<std::size_t> decode_header(std::span<const std::uint8_t> payload,
                                                       Record& record);

}  // namespace tresor::keyutils
