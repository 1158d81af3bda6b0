// vault/trust/admin_key.hpp — a fleet vault's admin identity: an Ed25519
// key pair (libsodium's crypto_sign) whose secret half signs every change of
// who can unlock the vault (vault/trust/header_trust.hpp), and whose public
// half hosts pin (docs/FLEET.md, "The admin identity").
//
// Text form of the public key, the identity a host pins and an admin reads
// out to compare:
//   "tresor-admin-" || hex(public key (32) || first 4 bytes of SHA-256(it))
// The check bytes make a mistyped or truncated identity an error.
//
// The secret key lives in a file of the admin's, sealed by the credential
// the admin unlocks the vault with (a password or a key file): a copy of
// the file alone signs nothing. The file (docs/VAULT-FORMAT.md, "The admin
// key file") is one line:
//   "tresor-admin-key-" || hex(blob) || "\n", where blob =
//   public key (32) || u8 kind (1 password, 2 key file) || u8 kdf ||
//   u32 memory_kib || u32 iterations || u8 parallelism || salt (32) ||
//   nonce (24) || sealed seed (32 + 16)
// and the seed is sealed with XChaCha20-Poly1305 under
//   HKDF(KEK, salt = public key, "tresor/v1/admin-key")
// where KEK is what a vault key slot of that kind derives from the
// credential, with the public key in the vault id's place; the AAD is
// "tresor/v1/admin-key" || every blob byte before the nonce.
//
// Errors: Error{invalid_argument} for a malformed identity text,
// Error{auth_failed} when the credential does not open the file,
// Error{corrupt} for a damaged file, what platform/file.hpp says for a file
// others could read or write. Secrets are SecureBytes; no message quotes
// a secret.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vault/vault.hpp"

namespace tresor::vault {

constexpr std::size_t kAdminSeedBytes = 32;

// AdminKeyPair is in vault/vault.hpp: the engine signs with it.

[[nodiscard]] AdminKeyPair generate_admin_key();
// The pair of a given 32-byte seed: for the worked example.
[[nodiscard]] AdminKeyPair admin_key_from_seed(std::span<const std::uint8_t> seed);

[[nodiscard]] std::vector<std::uint8_t> admin_sign(const AdminKeyPair& key,
                                                   std::span<const std::uint8_t> message);
[[nodiscard]] bool admin_signature_verifies(std::span<const std::uint8_t> public_key,
                                            std::span<const std::uint8_t> message,
                                            std::span<const std::uint8_t> signature);

[[nodiscard]] std::string admin_identity_text(std::span<const std::uint8_t> public_key);
// Throws Error{invalid_argument} for anything but the exact text form.
[[nodiscard]] std::vector<std::uint8_t> parse_admin_identity(std::string_view text);

// The file's contents for `key`, sealed by `credential` (a password slot's
// Argon2id with `policy`, or a key file).
[[nodiscard]] SecureBytes seal_admin_key(const AdminKeyPair& key, const Credential& credential,
                                         const KdfPolicy& policy);
// The pair from a file's contents. The KDF parameters in the file must be
// within `limits` (checked before the KDF runs).
[[nodiscard]] AdminKeyPair open_admin_key(std::span<const std::uint8_t> file,
                                          const Credential& credential, const KdfLimits& limits,
                                          const std::string& where);

// Where an admin key is kept unless the config says (admin_key = PATH):
// $XDG_DATA_HOME/tresor/admin/<hex public key>.key, else
// ~/.local/share/tresor/admin/... Throws Error{invalid_argument} when
// neither variable is set.
[[nodiscard]] std::filesystem::path default_admin_key_path(
    std::span<const std::uint8_t> public_key);

// Reads the file at path: a regular file of this user's, mode 0600 or
// stricter, in trusted folders (platform/file.hpp), at most 4 KiB.
[[nodiscard]] SecureBytes read_admin_key_file(const std::filesystem::path& path);
// Writes a new file (0700 folders made when missing, 0600, never over an
// existing file), or replaces an existing one atomically (`replace`).
void write_admin_key_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                          bool replace);

}  // namespace tresor::vault
