#include "plugins/wincred/credential_meta.hpp"

namespace tresor::wincred {
namespace {

constexpr std::uint8_t kFormat = 1;
constexpr std::size_t kEncodedSize = 1 + 4 + 8 + 8;

void put(std::vector<std::uint8_t>& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) {
        out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
}

std::uint64_t get(std::span<const std::uint8_t> bytes, std::size_t at, int count) {
    std::uint64_t value = 0;
    for (int i = 0; i < count; ++i) {
        value |= std::uint64_t{bytes[at + static_cast<std::size_t>(i)]} << (8 * i);
    }
    return value;
}

}  // namespace

std::vector<std::uint8_t> encode_meta(const Meta& meta) {
    std::vector<std::uint8_t> out;
    out.reserve(kEncodedSize);
    out.push_back(kFormat);
    put(out, meta.type, 4);
    put(out, static_cast<std::uint64_t>(meta.created_at), 8);
    put(out, static_cast<std::uint64_t>(meta.expires_at), 8);
    return out;
}

std::optional<Meta> decode_meta(std::span<const std::uint8_t> bytes) {
    if (bytes.size() != kEncodedSize || bytes[0] != kFormat) {
        return std::nullopt;
    }
    Meta meta;
    meta.type = static_cast<std::uint32_t>(get(bytes, 1, 4));
    meta.created_at = static_cast<std::int64_t>(get(bytes, 5, 8));
    meta.expires_at = static_cast<std::int64_t>(get(bytes, 13, 8));
    return meta;
}

}  // namespace tresor::wincred
