#include "age/stanzas.hpp"

#include <sodium.h>

#include <algorithm>
#include <string>

#include "age/aead.hpp"
#include "core/base64.hpp"
#include "tresor/error.hpp"
#include "vault/detail/crypto.hpp"
#include "vault/slots/host_key.hpp"

namespace tresor::age {
namespace {

constexpr std::string_view kX25519Type = "X25519";
constexpr std::string_view kX25519Label = "age-encryption.org/v1/X25519";
constexpr std::string_view kScryptType = "scrypt";
constexpr std::string_view kScryptSaltLabel = "age-encryption.org/v1/scrypt";
constexpr std::size_t kScryptSaltBytes = 16;
constexpr std::size_t kWrappedKeyBytes = kFileKeyBytes + kAeadTagBytes;
constexpr std::uint8_t kZeroNonce[kAeadNonceBytes] = {};
static_assert(kX25519KeyBytes == vault::kHostKeyBytes);

[[noreturn]] void refuse(std::string_view type, const std::string& why) {
    throw Error(ErrorCode::corrupt, "age header: " + std::string(type) + " stanza " + why);
}

std::string base64(std::span<const std::uint8_t> bytes) {
    std::string out;
    core::append_base64(out, bytes, core::Base64Padding::unpadded);
    return out;
}

// The argument as exactly `size` bytes of canonical unpadded base64.
std::vector<std::uint8_t> decode_argument(std::string_view type, const std::string& text,
                                          std::size_t size, const char* what) {
    std::vector<std::uint8_t> out;
    if (!core::decode_base64(out, text, core::Base64Padding::unpadded) || out.size() != size) {
        refuse(type, std::string("has a ") + what + " that is not " + std::to_string(size) +
                         " bytes of canonical base64");
    }
    return out;
}

void check_body(std::string_view type, const Stanza& stanza) {
    if (stanza.body.size() != kWrappedKeyBytes) {
        refuse(type, "has a body of " + std::to_string(stanza.body.size()) + " bytes, not 32");
    }
}

Stanza wrap(std::vector<std::string> arguments, std::span<const std::uint8_t> wrap_key,
            std::span<const std::uint8_t> file_key) {
    if (file_key.size() != kFileKeyBytes) {
        throw Error(ErrorCode::invalid_argument, "an age file key is 16 bytes");
    }
    Stanza stanza{std::move(arguments), {}};
    chacha20poly1305_seal(stanza.body, wrap_key, kZeroNonce, file_key);
    return stanza;
}

std::optional<SecureBytes> unwrap(const Stanza& stanza, std::span<const std::uint8_t> wrap_key) {
    SecureBytes file_key;
    if (!chacha20poly1305_open(file_key, wrap_key, kZeroNonce, stanza.body)) {
        return std::nullopt;
    }
    return file_key;
}

SecureBytes x25519_wrap_key(std::span<const std::uint8_t> shared,
                            std::span<const std::uint8_t> share,
                            std::span<const std::uint8_t> recipient) {
    std::vector<std::uint8_t> salt(share.begin(), share.end());
    salt.insert(salt.end(), recipient.begin(), recipient.end());
    return vault::detail::hkdf_sha256(shared, salt, kX25519Label);
}

SecureBytes scrypt_wrap_key(std::span<const std::uint8_t> passphrase,
                            std::span<const std::uint8_t> salt, int work_factor) {
    vault::detail::initialize_sodium();
    std::vector<std::uint8_t> full_salt(kScryptSaltLabel.begin(), kScryptSaltLabel.end());
    full_salt.insert(full_salt.end(), salt.begin(), salt.end());
    SecureBytes key(kAeadKeyBytes);
    // The passphrase pointer must not be null, even for an empty one.
    static const std::uint8_t kEmpty = 0;
    if (crypto_pwhash_scryptsalsa208sha256_ll(
            passphrase.empty() ? &kEmpty : passphrase.data(), passphrase.size(), full_salt.data(),
            full_salt.size(), std::uint64_t{1} << work_factor, 8, 1, key.data(), key.size()) != 0) {
        throw Error(ErrorCode::io, "scrypt with work factor " + std::to_string(work_factor) +
                                       " failed (out of memory?)");
    }
    return key;
}

// Whether the stanza is of this type (its first argument); one of it with
// other than `count` arguments after the type is refused.
bool is_stanza_of(std::string_view type, std::size_t count, std::string_view count_in_words,
                  const Stanza& stanza) {
    if (stanza.arguments.empty() || stanza.arguments[0] != type) {
        return false;
    }
    if (stanza.arguments.size() != count + 1) {
        refuse(type, "has " + std::to_string(stanza.arguments.size() - 1) + " arguments, not " +
                         std::string(count_in_words));
    }
    return true;
}

// %x31-39 *DIGIT, at most max_work_factor.
int parse_work_factor(const std::string& text, int max_work_factor) {
    const bool decimal =
        !text.empty() && text[0] >= '1' && text[0] <= '9' &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!decimal) {
        refuse(kScryptType, "has a work factor that is not a decimal number without leading zeros");
    }
    if (text.size() > 2 || std::stoi(text) > max_work_factor) {
        refuse(kScryptType, "asks for work factor " +
                                (text.size() > 2 ? text.substr(0, 2) + "…" : text) +
                                " (2^N × 1 KiB of memory); this reader's limit is " +
                                std::to_string(max_work_factor));
    }
    return std::stoi(text);
}

}  // namespace

Stanza x25519_stanza(std::span<const std::uint8_t> file_key,
                     std::span<const std::uint8_t> recipient_public_key) {
    if (recipient_public_key.size() != kX25519KeyBytes) {
        throw Error(ErrorCode::invalid_argument, "an X25519 recipient is 32 bytes");
    }
    const SecureBytes ephemeral = vault::detail::random_key();
    const std::vector<std::uint8_t> share = vault::host_public_key(ephemeral);
    const auto shared = vault::x25519(ephemeral, recipient_public_key);
    if (!shared) {
        throw Error(ErrorCode::invalid_argument, "the X25519 recipient is a low-order point");
    }
    return wrap({std::string(kX25519Type), base64(share)},
                x25519_wrap_key(*shared, share, recipient_public_key), file_key);
}

std::optional<SecureBytes> unwrap_x25519(const Stanza& stanza,
                                         std::span<const std::uint8_t> identity) {
    if (!is_stanza_of(kX25519Type, 1, "one", stanza)) {
        return std::nullopt;
    }
    const std::vector<std::uint8_t> share =
        decode_argument(kX25519Type, stanza.arguments[1], kX25519KeyBytes, "share");
    check_body(kX25519Type, stanza);
    const auto shared = vault::x25519(identity, share);
    if (!shared) {
        refuse(kX25519Type, "has a low-order share (an all-zero shared secret)");
    }
    return unwrap(stanza, x25519_wrap_key(*shared, share, vault::host_public_key(identity)));
}

Stanza scrypt_stanza(std::span<const std::uint8_t> file_key,
                     std::span<const std::uint8_t> passphrase, int work_factor) {
    if (work_factor < 1 || work_factor > 30) {
        throw Error(ErrorCode::invalid_argument, "an scrypt work factor is 1 to 30");
    }
    const std::vector<std::uint8_t> salt = vault::detail::random_bytes(kScryptSaltBytes);
    return wrap({std::string(kScryptType), base64(salt), std::to_string(work_factor)},
                scrypt_wrap_key(passphrase, salt, work_factor), file_key);
}

std::optional<SecureBytes> unwrap_scrypt(const Stanza& stanza,
                                         std::span<const std::uint8_t> passphrase,
                                         int max_work_factor) {
    if (!is_stanza_of(kScryptType, 2, "two", stanza)) {
        return std::nullopt;
    }
    const std::vector<std::uint8_t> salt =
        decode_argument(kScryptType, stanza.arguments[1], kScryptSaltBytes, "salt");
    const int work_factor = parse_work_factor(stanza.arguments[2], max_work_factor);
    check_body(kScryptType, stanza);
    return unwrap(stanza, scrypt_wrap_key(passphrase, salt, work_factor));
}

}  // namespace tresor::age
