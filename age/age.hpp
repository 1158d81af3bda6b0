// age/age.hpp — the one door of tresor's age-encryption.org/v1 writer and
// reader (c2sp.org/age): what `tresor export` writes and `tresor import
// --age` reads, and what Debian's `age` opens and makes.
//
// Two recipient types: X25519 (age1… recipients, AGE-SECRET-KEY-1…
// identities, as age-keygen writes them) and scrypt (a passphrase, alone in
// its header, as `age -p` writes it). No armor, no plugins, no post-quantum
// keys: a file using only those is "no identity matches".
//
// Files are whole byte strings in memory (an export of secrets is small):
// decrypt returns all the plaintext or throws, never a prefix. Errors are
// tresor::Error: invalid_argument for a malformed recipient or identity
// (never quoting an identity), corrupt for a file that is not a well-formed
// age file, whose header MAC does not verify or whose payload fails,
// auth_failed when no identity given opens it (another recipient, a wrong
// passphrase). Identities, passphrases, file keys and plaintexts are
// SecureBytes. Thread safety: free functions, reentrant.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "age/header.hpp"
#include "age/stanzas.hpp"
#include "tresor/secret.hpp"

namespace tresor::age {

// The X25519 public key of an "age1…" recipient.
[[nodiscard]] std::vector<std::uint8_t> parse_recipient(std::string_view text);
// "age1…" for a public key, and for the public key of an identity.
[[nodiscard]] std::string recipient_text(std::span<const std::uint8_t> public_key);
[[nodiscard]] std::string recipient_of_identity(std::span<const std::uint8_t> identity);

// The X25519 private keys of an identity file as age-keygen writes it: one
// AGE-SECRET-KEY-1… per line; empty lines and lines starting with '#' are
// skipped; one CR before a LF is allowed. `where` names the file in
// messages. At least one identity.
[[nodiscard]] std::vector<SecureBytes> parse_identity_file(std::span<const std::uint8_t> text,
                                                           const std::string& where);

// Who may open a file: X25519 identities, a passphrase, or both.
struct Identities {
    std::vector<SecureBytes> x25519;
    std::optional<SecureBytes> passphrase;
    int max_work_factor = kScryptMaxWorkFactor;
};

[[nodiscard]] std::vector<std::uint8_t> encrypt_to_recipients(
    std::span<const std::uint8_t> plaintext,
    std::span<const std::vector<std::uint8_t>> recipient_public_keys);
[[nodiscard]] std::vector<std::uint8_t> encrypt_with_passphrase(
    std::span<const std::uint8_t> plaintext, std::span<const std::uint8_t> passphrase,
    int work_factor = kScryptWriteWorkFactor);

[[nodiscard]] SecureBytes decrypt(std::span<const std::uint8_t> file, const Identities& identities);

// The steps of decrypt, in its order, for callers that tell the failures
// apart (the tests against age's own vectors): parse_header
// (age/header.hpp); unwrap_file_key, empty when no identity matches, throws
// Error{corrupt} for an scrypt stanza beside another stanza and for a
// malformed stanza of a known type; header_mac_matches; open_payload
// (age/stream.hpp) on the bytes from header.payload_offset.
[[nodiscard]] std::optional<SecureBytes> unwrap_file_key(const Header& header,
                                                         const Identities& identities);
[[nodiscard]] bool header_mac_matches(std::span<const std::uint8_t> file, const Header& header,
                                      std::span<const std::uint8_t> file_key);

}  // namespace tresor::age
