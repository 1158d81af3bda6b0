// vault/unlock.hpp — where a vault's password or key file comes from.
//
// An unlock spec is a comma-separated list tried in order; the first source
// that yields a credential is used:
//   env:VAR        the environment variable, if set and not empty
//   file:PATH      the file's contents (one trailing newline dropped)
//   fd:N           everything readable from file descriptor N (ditto)
//   systemd:NAME   $CREDENTIALS_DIRECTORY/NAME (systemd LoadCredential=)
//   keyfile:PATH   a key file (at least 32 bytes) instead of a password
//   hostkey:PATH   a host's private key (tresor vault keygen), which opens
//                  the recipient slots wrapped to its public key; the file
//                  must not be readable by group or others
//   prompt         ask on the terminal, through the caller's prompt
// The default is "env:TRESOR_VAULT_PASSWORD,prompt". When nothing yields, the
// error is Error{locked} "vault locked: no unlock source ..." at once.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vault/vault.hpp"

namespace tresor::vault {

constexpr const char* kDefaultUnlockSpec = "env:TRESOR_VAULT_PASSWORD,prompt";

struct UnlockSource {
    enum class Kind { env, file, fd, systemd, keyfile, hostkey, prompt };
    Kind kind;
    std::string argument;
};

// Throws Error{invalid_argument} naming the bad entry.
[[nodiscard]] std::vector<UnlockSource> parse_unlock_spec(std::string_view spec);

// Asks for a password without echo; empty with `reason` set when it cannot
// (no terminal, prompting not allowed).
using PasswordPrompt =
    std::function<std::optional<SecureBytes>(const std::string& prompt, std::string& reason)>;

enum class Purpose { unlock, create };

// For Purpose::create a prompted password is asked twice and must match.
[[nodiscard]] Credential obtain_credential(const std::vector<UnlockSource>& sources,
                                           const PasswordPrompt& prompt, Purpose purpose,
                                           const std::filesystem::path& vault_path);

}  // namespace tresor::vault
