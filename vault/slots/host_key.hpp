// vault/slots/host_key.hpp — a host's X25519 key pair and its text forms.
//
// A host key lets a machine unlock a vault without a password: the vault key
// is wrapped to the host's public key in a recipient slot
// (vault/slots/recipient.hpp). The private key never leaves the host; an
// administrator adds the host with its public key alone.
//
// Text forms (docs/VAULT-FORMAT.md, "Host keys"):
//   public:  "tresor-pub-" || hex(public key (32) || check (4))
//   private: "tresor-key-" || hex(private key (32) || check (4))
// where check is the first 4 bytes of SHA-256(key): a mistyped or truncated
// key is refused instead of enrolling a slot nobody can open.
//
// Private keys are SecureBytes (wiped on release); parse errors never quote
// the private text. Thread safety: free functions, reentrant.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vault/vault.hpp"

namespace tresor::vault {

constexpr std::size_t kHostKeyBytes = 32;

struct HostKeyPair {
    SecureBytes private_key;               // kHostKeyBytes, an X25519 scalar
    std::vector<std::uint8_t> public_key;  // kHostKeyBytes
};

[[nodiscard]] HostKeyPair generate_host_key();

// X25519(private_key, base point).
[[nodiscard]] std::vector<std::uint8_t> host_public_key(std::span<const std::uint8_t> private_key);

// X25519(private_key, public_key), or empty when the result is all zero: a
// low-order public key, which would make the shared secret public.
[[nodiscard]] std::optional<SecureBytes> x25519(std::span<const std::uint8_t> private_key,
                                                std::span<const std::uint8_t> public_key);

[[nodiscard]] std::string public_key_text(std::span<const std::uint8_t> public_key);
// The private key file's content, without a line end.
[[nodiscard]] SecureBytes private_key_text(std::span<const std::uint8_t> private_key);

// Throw Error{invalid_argument} for anything but the exact text forms above
// (one trailing LF is allowed in a private key file); `where` names the
// source in the message.
[[nodiscard]] std::vector<std::uint8_t> parse_public_key(std::string_view text);
[[nodiscard]] SecureBytes parse_private_key(std::span<const std::uint8_t> text,
                                            const std::string& where);

}  // namespace tresor::vault
