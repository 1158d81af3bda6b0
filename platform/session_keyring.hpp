// platform/session_keyring.hpp — small secrets kept by the kernel for this
// login session, with a timeout (Linux: the session keyring, keyrings(7)).
//
// Every key lives in one keyring of tresor's, linked into the session
// keyring, whose permissions are its owner's only (possessor: none, user:
// view, write, search; no link, so that the same user in another session
// cannot link it into its own session keyring and possess it, and no
// setattr to give itself link back): a process reaches a key only by
// searching from the session keyring
// through it, so it must both belong to this session (possess the session
// keyring) and run as the key's uid. A key itself is possessor read-only. A
// process of another uid that inherited the session keyring (a daemon that
// dropped privileges) cannot search tresor's keyring; a process of the same
// uid in another session does not possess the key (docs/SECURITY.md).
//
// Errors: Error{unavailable} with the kernel's reason where the keyring
// system calls are refused (seccomp in containers: EPERM or ENOSYS) or the
// keyring is not tresor's (owned by another uid); Error{io} otherwise.
// Thread safety: reentrant. Payload bytes pass through the caller's buffers
// only; nothing here copies a payload.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

namespace tresor::platform {

// Adds (or replaces) the key `description`, readable for `timeout`.
void keep_session_key(const std::string& description, std::span<const std::uint8_t> payload,
                      std::chrono::seconds timeout);

// Fills `out` with the key's payload and returns true when the key exists,
// has not expired and holds exactly out.size() bytes; false otherwise.
[[nodiscard]] bool read_session_key(const std::string& description, std::span<std::uint8_t> out);

// Invalidates the key at once (the kernel unlinks it from every keyring and
// frees it); returns whether there was one.
bool drop_session_key(const std::string& description);

}  // namespace tresor::platform
