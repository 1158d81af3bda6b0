#include "vault/slots/host_key.hpp"

#include <sodium.h>

#include <algorithm>

#include "vault/detail/crypto.hpp"

namespace tresor::vault {
namespace {

constexpr std::string_view kPublicPrefix = "tresor-pub-";
constexpr std::string_view kPrivatePrefix = "tresor-key-";
constexpr std::size_t kCheckBytes = 4;
constexpr std::size_t kHexBytes = 2 * (kHostKeyBytes + kCheckBytes);
static_assert(kHostKeyBytes == crypto_scalarmult_curve25519_BYTES);

template <typename Out>
Out encode(std::string_view prefix, std::span<const std::uint8_t> key) {
    const detail::Bytes digest = detail::sha256(key);
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

// The key bytes of `text` (prefix, 72 lowercase hex digits), or empty when
// the text is not exactly that or its check bytes differ.
std::optional<SecureBytes> decode(std::string_view prefix, std::span<const std::uint8_t> text) {
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
    SecureBytes body(kHostKeyBytes + kCheckBytes);
    std::size_t decoded_bytes = 0;
    if (sodium_hex2bin(body.data(), body.size(), reinterpret_cast<const char*>(hex.data()),
                       hex.size(), nullptr, &decoded_bytes, nullptr) != 0 ||
        decoded_bytes != body.size()) {
        return std::nullopt;
    }
    SecureBytes key(body.begin(), body.begin() + kHostKeyBytes);
    const detail::Bytes digest = detail::sha256(key);
    if (!detail::equal_in_constant_time({digest.data(), kCheckBytes},
                                        {body.data() + kHostKeyBytes, kCheckBytes})) {
        return std::nullopt;
    }
    return key;
}

}  // namespace

HostKeyPair generate_host_key() {
    HostKeyPair pair{detail::random_key(), {}};
    pair.public_key = host_public_key(pair.private_key);
    return pair;
}

std::vector<std::uint8_t> host_public_key(std::span<const std::uint8_t> private_key) {
    if (private_key.size() != kHostKeyBytes) {
        throw Error(ErrorCode::invalid_argument, "a host private key is 32 bytes");
    }
    detail::initialize_sodium();
    std::vector<std::uint8_t> out(kHostKeyBytes);
    // -1 would mean an all-zero result, which no clamped scalar gives.
    if (crypto_scalarmult_curve25519_base(out.data(), private_key.data()) != 0) {
        throw Error(ErrorCode::invalid_argument, "a host private key gives no public key");
    }
    return out;
}

std::optional<SecureBytes> x25519(std::span<const std::uint8_t> private_key,
                                  std::span<const std::uint8_t> public_key) {
    if (private_key.size() != kHostKeyBytes || public_key.size() != kHostKeyBytes) {
        throw Error(ErrorCode::invalid_argument, "X25519 keys are 32 bytes");
    }
    detail::initialize_sodium();
    SecureBytes shared(kHostKeyBytes);
    // libsodium refuses a low-order public key (-1), and checks in constant
    // time that the result is not all zero; the refused output, wiped with
    // `shared`, is never used.
    if (crypto_scalarmult_curve25519(shared.data(), private_key.data(), public_key.data()) != 0) {
        return std::nullopt;
    }
    return shared;
}

std::string public_key_text(std::span<const std::uint8_t> public_key) {
    return encode<std::string>(kPublicPrefix, public_key);
}

SecureBytes private_key_text(std::span<const std::uint8_t> private_key) {
    return encode<SecureBytes>(kPrivatePrefix, private_key);
}

std::vector<std::uint8_t> parse_public_key(std::string_view text) {
    auto key =
        decode(kPublicPrefix, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    if (!key) {
        throw Error(ErrorCode::invalid_argument,
                    "'" + std::string(text) +
                        "' is not a tresor host public key (tresor-pub- and 72 hex digits, as "
                        "printed by `tresor vault keygen`)");
    }
    return {key->begin(), key->end()};
}

SecureBytes parse_private_key(std::span<const std::uint8_t> text, const std::string& where) {
    if (!text.empty() && text.back() == '\n') {
        text = text.first(text.size() - 1);
    }
    auto key = decode(kPrivatePrefix, text);
    if (!key) {
        throw Error(ErrorCode::invalid_argument,
                    where +
                        " is not a tresor host key (tresor-key- and 72 hex digits, as written "
                        "by `tresor vault keygen`)");
    }
    return std::move(*key);
}

}  // namespace tresor::vault
