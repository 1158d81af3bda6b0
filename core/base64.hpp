// core/base64.hpp — base64 (RFC 4648): the standard alphabet, padded or not
// (age's unpadded form, c2sp.org/age), and base64url without padding (JWS
// compact serialization, RFC 7515). Written here rather than taken from
// Botan, which the Windows build does not have; header-only so the CLI's
// parsers, which link no core, share the one encoder and decoder. Both append
// to any byte container, so a secret (a Basic auth pair, an exported value)
// is encoded or decoded straight into wiped memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tresor::core {

enum class Base64Padding { padded, unpadded };

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
void append_base64(Bytes& out, std::span<const std::uint8_t> bytes,
                   Base64Padding padding = Base64Padding::padded) {
    detail::append_base64_with(out, bytes,
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                               padding == Base64Padding::padded);
}

template <class Bytes>
void append_base64url(Bytes& out, std::span<const std::uint8_t> bytes) {
    detail::append_base64_with(
        out, bytes, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false);
}

// Decodes `text` and appends the bytes to `out`; false for anything but the
// canonical encoding (RFC 4648 section 3.5: the bits a last character does not
// use are zero), so that one byte string has exactly one accepted text:
// padded, a multiple of 4 characters with exactly the '=' needed; unpadded, no
// '=' at all and no length of 4k+1. No whitespace is skipped. On false, `out`
// holds a partial result the caller discards.
template <class Bytes>
[[nodiscard]] bool decode_base64(Bytes& out, std::string_view text, Base64Padding padding) {
    using Byte = typename Bytes::value_type;
    if (padding == Base64Padding::padded) {
        if (text.size() % 4 != 0) {
            return false;
        }
        // At most two '=', only at the end.
        const std::size_t pads = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
        text.remove_suffix(pads);
    } else if (text.size() % 4 == 1) {
        return false;
    }
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z')
            return c - 'A';
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 26;
        if (c >= '0' && c <= '9')
            return c - '0' + 52;
        if (c == '+')
            return 62;
        if (c == '/')
            return 63;
        return -1;
    };
    std::uint32_t bits = 0;
    int bit_count = 0;
    for (const char c : text) {
        const int v = value(c);
        if (v < 0) {
            return false;
        }
        bits = (bits << 6) | static_cast<std::uint32_t>(v);
        bit_count += 6;
        if (bit_count >= 8) {
            bit_count -= 8;
            out.push_back(static_cast<Byte>((bits >> bit_count) & 0xff));
        }
    }
    // 2 or 4 bits left over from the last character must be zero.
    return (bits & ((1u << bit_count) - 1)) == 0;
}

}  // namespace tresor::core
