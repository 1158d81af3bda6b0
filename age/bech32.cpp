#include "age/bech32.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "tresor/error.hpp"

namespace tresor::age {
namespace {

constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::size_t kChecksumChars = 6;
constexpr std::size_t kMaxHrpChars = 83;  // BIP 173

// Each character's value in kCharset, -1 for none (both cases).
constexpr std::array<std::int8_t, 128> kValues = [] {
    std::array<std::int8_t, 128> values{};
    values.fill(-1);
    for (std::size_t i = 0; i < kCharset.size(); ++i) {
        const char c = kCharset[i];
        values[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(i);
        if (c >= 'a' && c <= 'z') {
            values[static_cast<std::size_t>(c - 'a' + 'A')] = static_cast<std::int8_t>(i);
        }
    }
    return values;
}();

std::uint8_t lower(std::uint8_t c) {
    return c >= 'A' && c <= 'Z' ? static_cast<std::uint8_t>(c - 'A' + 'a') : c;
}

// BIP 173's checksum state over 5-bit values.
class Polymod {
  public:
    void add(std::uint8_t value) {
        static constexpr std::uint32_t kGenerator[] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
                                                       0x3d4233dd, 0x2a1462b3};
        const std::uint32_t top = state_ >> 25;
        state_ = ((state_ & 0x1ffffff) << 5) ^ value;
        for (int i = 0; i < 5; ++i) {
            if (((top >> i) & 1) != 0) {
                state_ ^= kGenerator[i];
            }
        }
    }
    // The hrp, expanded: high bits of each character, 0, low bits; lowercase.
    void add_hrp(std::span<const std::uint8_t> hrp) {
        for (const std::uint8_t c : hrp) {
            add(lower(c) >> 5);
        }
        add(0);
        for (const std::uint8_t c : hrp) {
            add(lower(c) & 31);
        }
    }
    [[nodiscard]] std::uint32_t value() const { return state_; }

  private:
    std::uint32_t state_ = 1;
};

bool valid_hrp(std::span<const std::uint8_t> hrp) {
    return !hrp.empty() && hrp.size() <= kMaxHrpChars &&
           std::all_of(hrp.begin(), hrp.end(), [](std::uint8_t c) { return c >= 33 && c <= 126; });
}

}  // namespace

SecureBytes bech32_encode(std::string_view hrp_text, std::span<const std::uint8_t> data) {
    const std::span<const std::uint8_t> hrp(reinterpret_cast<const std::uint8_t*>(hrp_text.data()),
                                            hrp_text.size());
    const bool upper =
        std::any_of(hrp.begin(), hrp.end(), [](auto c) { return c >= 'A' && c <= 'Z'; });
    const bool has_lower =
        std::any_of(hrp.begin(), hrp.end(), [](auto c) { return c >= 'a' && c <= 'z'; });
    if (!valid_hrp(hrp) || (upper && has_lower)) {
        throw Error(ErrorCode::invalid_argument, "Bech32: invalid human-readable part");
    }
    // 8-bit bytes to 5-bit groups, the last one padded with zero bits.
    SecureBytes values;
    values.reserve((data.size() * 8 + 4) / 5 + kChecksumChars);
    std::uint32_t bits = 0;
    int bit_count = 0;
    for (const std::uint8_t byte : data) {
        bits = (bits << 8) | byte;
        bit_count += 8;
        while (bit_count >= 5) {
            bit_count -= 5;
            values.push_back(static_cast<std::uint8_t>((bits >> bit_count) & 31));
        }
    }
    if (bit_count > 0) {
        values.push_back(static_cast<std::uint8_t>((bits << (5 - bit_count)) & 31));
    }
    Polymod checksum;
    checksum.add_hrp(hrp);
    for (const std::uint8_t v : values) {
        checksum.add(v);
    }
    for (std::size_t i = 0; i < kChecksumChars; ++i) {
        checksum.add(0);
    }
    const std::uint32_t mod = checksum.value() ^ 1;
    for (std::size_t i = 0; i < kChecksumChars; ++i) {
        values.push_back(static_cast<std::uint8_t>((mod >> (5 * (5 - i))) & 31));
    }
    SecureBytes out(hrp.begin(), hrp.end());
    out.reserve(hrp.size() + 1 + values.size());
    out.push_back('1');
    for (const std::uint8_t v : values) {
        const char c = kCharset[v];
        out.push_back(static_cast<std::uint8_t>(upper && c >= 'a' ? c - 'a' + 'A' : c));
    }
    return out;
}

std::optional<Bech32> bech32_decode(std::span<const std::uint8_t> text) {
    const bool has_upper =
        std::any_of(text.begin(), text.end(), [](auto c) { return c >= 'A' && c <= 'Z'; });
    const bool has_lower =
        std::any_of(text.begin(), text.end(), [](auto c) { return c >= 'a' && c <= 'z'; });
    const auto separator = std::find(text.rbegin(), text.rend(), std::uint8_t{'1'});
    if ((has_upper && has_lower) || separator == text.rend()) {
        return std::nullopt;
    }
    const std::size_t hrp_size = static_cast<std::size_t>(text.rend() - separator) - 1;
    const auto hrp = text.first(hrp_size);
    const auto data_part = text.subspan(hrp_size + 1);
    if (!valid_hrp(hrp) || data_part.size() < kChecksumChars) {
        return std::nullopt;
    }
    Polymod checksum;
    checksum.add_hrp(hrp);
    Bech32 out{std::string(hrp.begin(), hrp.end()), {}};
    out.data.reserve(data_part.size() * 5 / 8);
    std::uint32_t bits = 0;
    int bit_count = 0;
    const std::size_t payload_chars = data_part.size() - kChecksumChars;
    for (std::size_t i = 0; i < data_part.size(); ++i) {
        const std::uint8_t c = data_part[i];
        const int v = c < kValues.size() ? kValues[c] : -1;
        if (v < 0) {
            return std::nullopt;
        }
        checksum.add(static_cast<std::uint8_t>(v));
        if (i < payload_chars) {
            bits = ((bits << 5) | static_cast<std::uint32_t>(v)) & 0xfff;
            bit_count += 5;
            if (bit_count >= 8) {
                bit_count -= 8;
                out.data.push_back(static_cast<std::uint8_t>((bits >> bit_count) & 0xff));
            }
        }
    }
    // At most 4 padding bits, all zero (BIP 173's convertbits without pad).
    if (checksum.value() != 1 || bit_count >= 5 || (bits & ((1u << bit_count) - 1)) != 0) {
        return std::nullopt;
    }
    return out;
}

}  // namespace tresor::age
