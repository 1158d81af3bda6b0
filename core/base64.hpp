// core/base64.hpp — base64 (RFC 4648): the standard alphabet, padded, and
// base64url without padding (JWS compact serialization, RFC 7515). Written here rather
// than taken from Botan, which the Windows build does not have; header-only
// so the CLI's parsers, which link no core, share the one encoder. Appends
// to any byte container, so a secret (a Basic auth pair) can be encoded
// straight into wiped memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace tresor::core {

namespace detail {

template <class Bytes>
void append_base64_with(Bytes& out, std::span<const std::uint8_t> bytes, const char* alphabet,
                        bool pad) {
    using Byte = typename Bytes::value_type;
    out.reserve(out.size() + (bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t left = bytes.size() - i;
        const std::uint32_t group = (std::uint32_t{bytes[i]} << 16) |
                                    (left > 1 ? std::uint32_t{bytes[i + 1]} << 8 : 0) |
                                    (left > 2 ? std::uint32_t{bytes[i + 2]} : 0);
        out.push_back(static_cast<Byte>(alphabet[(group >> 18) & 63]));
        out.push_back(static_cast<Byte>(alphabet[(group >> 12) & 63]));
        if (left > 1) {
            out.push_back(static_cast<Byte>(alphabet[(group >> 6) & 63]));
        } else if (pad) {
            out.push_back(static_cast<Byte>('='));
        }
        if (left > 2) {
            out.push_back(static_cast<Byte>(alphabet[group & 63]));
        } else if (pad) {
            out.push_back(static_cast<Byte>('='));
        }
    }
}

}  // namespace detail

template <class Bytes>
void append_base64(Bytes& out, std::span<const std::uint8_t> bytes) {
    detail::append_base64_with(
        out, bytes, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", true);
}

template <class Bytes>
void append_base64url(Bytes& out, std::span<const std::uint8_t> bytes) {
    detail::append_base64_with(
        out, bytes, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false);
}

}  // namespace tresor::core
