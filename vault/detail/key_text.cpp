#include "vault/detail/key_text.hpp"

#include <sodium.h>

#include <algorithm>

#include "tresor/error.hpp"
#include "vault/detail/crypto.hpp"

namespace tresor::vault::detail {
namespace {

constexpr std::size_t kCheckBytes = 4;
constexpr std::size_t kHexBytes = 2 * (kTextKeyBytes + kCheckBytes);

template <typename Out>
Out encode(std::string_view prefix, std::span<const std::uint8_t> key) {
    const Bytes digest = sha256(key);
    SecureBytes body(key.begin(), key.end());
    body.insert(body.end(), digest.begin(), digest.begin() + kCheckBytes);
    Out out(prefix.begin(), prefix.end());
    static constexpr char kDigits[] = "0123456789abcdef";
    for (const std::uint8_t b : body) {
        out.push_back(static_cast<typename Out::value_type>(kDigits[b >> 4]));
        out.push_back(static_cast<typename Out::value_type>(kDigits[b & 0x0f]));
    }
    return out;
}

}  // namespace

std::string key_text(std::string_view prefix, std::span<const std::uint8_t> key) {
    return encode<std::string>(prefix, key);
}

SecureBytes secret_key_text(std::string_view prefix, std::span<const std::uint8_t> key) {
    return encode<SecureBytes>(prefix, key);
}

std::optional<SecureBytes> parse_key_text(std::string_view prefix,
                                          std::span<const std::uint8_t> text) {
    if (text.size() != prefix.size() + kHexBytes ||
        !std::equal(prefix.begin(), prefix.end(), text.begin())) {
        return std::nullopt;
    }
    const auto hex = text.subspan(prefix.size());
    const bool lower_hex = std::all_of(hex.begin(), hex.end(), [](std::uint8_t c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
    if (!lower_hex) {
        return std::nullopt;
    }
    SecureBytes body(kTextKeyBytes + kCheckBytes);
    std::size_t decoded_bytes = 0;
    if (sodium_hex2bin(body.data(), body.size(), reinterpret_cast<const char*>(hex.data()),
                       hex.size(), nullptr, &decoded_bytes, nullptr) != 0 ||
        decoded_bytes != body.size()) {
        return std::nullopt;
    }
    SecureBytes key(body.begin(), body.begin() + kTextKeyBytes);
    const Bytes digest = sha256(key);
    if (!equal_in_constant_time({digest.data(), kCheckBytes},
                                {body.data() + kTextKeyBytes, kCheckBytes})) {
        return std::nullopt;
    }
    return key;
}

std::vector<std::uint8_t> parse_public_key_text(std::string_view prefix, std::string_view text,
                                                std::string_view what,
                                                std::string_view printed_by) {
    const auto key =
        parse_key_text(prefix, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    if (!key) {
        throw Error(ErrorCode::invalid_argument,
                    "'" + std::string(text) + "' is not " + std::string(what) + " (" +
                        std::string(prefix) + " and " + std::to_string(kHexBytes) +
                        " hex digits, as printed by " + std::string(printed_by) + ")");
    }
    return {key->begin(), key->end()};
}

}  // namespace tresor::vault::detail
