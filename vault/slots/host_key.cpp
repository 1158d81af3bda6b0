#include "vault/slots/host_key.hpp"

#include <sodium.h>

#include "vault/detail/crypto.hpp"
#include "vault/detail/key_text.hpp"

namespace tresor::vault {
namespace {

constexpr std::string_view kPublicPrefix = "tresor-pub-";
constexpr std::string_view kPrivatePrefix = "tresor-key-";
static_assert(kHostKeyBytes == crypto_scalarmult_curve25519_BYTES);
static_assert(kHostKeyBytes == detail::kTextKeyBytes);

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
    return detail::key_text(kPublicPrefix, public_key);
}

SecureBytes private_key_text(std::span<const std::uint8_t> private_key) {
    return detail::secret_key_text(kPrivatePrefix, private_key);
}

std::vector<std::uint8_t> parse_public_key(std::string_view text) {
    return detail::parse_public_key_text(kPublicPrefix, text, "a tresor host public key",
                                         "`tresor vault keygen`");
}

SecureBytes parse_private_key(std::span<const std::uint8_t> text, const std::string& where) {
    if (!text.empty() && text.back() == '\n') {
        text = text.first(text.size() - 1);
    }
    auto key = detail::parse_key_text(kPrivatePrefix, text);
    if (!key) {
        throw Error(ErrorCode::invalid_argument,
                    where +
                        " is not a tresor host key (tresor-key- and 72 hex digits, as written "
                        "by `tresor vault keygen`)");
    }
    return std::move(*key);
}

}  // namespace tresor::vault
