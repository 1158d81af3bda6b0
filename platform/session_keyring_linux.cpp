// The session keyring through libkeyutils (keyrings(7), keyctl(2)).
#include <keyutils.h>
#include <strings.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "platform/session_keyring.hpp"
#include "tresor/error.hpp"

namespace tresor::platform {
namespace {

constexpr const char* kKeyringName = "tresor:unlock-cache";

// EPERM and ENOSYS are what container seccomp profiles return for the
// keyring system calls (Docker's default forbids them); EACCES a keyring
// this process may not use.
[[noreturn]] void fail(const std::string& doing, int error) {
    const bool refused =
        error == EPERM || error == ENOSYS || error == EACCES || error == EOPNOTSUPP;
    throw Error(refused ? ErrorCode::unavailable : ErrorCode::io,
                "the kernel keyring refused " + doing + ": " + std::strerror(error));
}

bool is_missing(int error) {
    return error == ENOKEY || error == EKEYEXPIRED || error == EKEYREVOKED;
}

// What the owner may do with tresor's keyring, and nobody else: see it
// (describe), search it, and add and invalidate keys in it. Not link: a
// process of this uid in another session could link the keyring into its
// own session keyring, and would then possess it and every key under it
// (`keyctl link RING @s; keyctl pipe KEY`). Not setattr, which would let it
// give itself link again; not read, which only lists the keys.
constexpr key_perm_t kKeyringPerm = KEY_USR_VIEW | KEY_USR_WRITE | KEY_USR_SEARCH;

// The uid and permission fields of "type;uid;gid;perm;description".
struct Description {
    long uid = -1;
    key_perm_t perm = 0;
};

Description describe(key_serial_t key) {
    std::array<char, 256> text{};
    const long n = keyctl_describe(key, text.data(), text.size() - 1);
    if (n < 0) {
        fail("describing tresor's keyring", errno);
    }
    const char* end = text.data() + std::strlen(text.data());
    Description out;
    const char* uid = std::strchr(text.data(), ';');
    const char* gid = uid != nullptr ? std::strchr(uid + 1, ';') : nullptr;
    const char* perm = gid != nullptr ? std::strchr(gid + 1, ';') : nullptr;
    if (uid != nullptr) {
        std::from_chars(uid + 1, end, out.uid);
    }
    if (perm != nullptr) {
        std::from_chars(perm + 1, end, out.perm, 16);
    }
    return out;
}

// tresor's keyring in the session keyring, made on first use; 0 when there
// is none and `create` is false.
key_serial_t tresor_keyring(bool create) {
    // Without a session keyring, the kernel installs the user's session
    // keyring here (shared by the user's processes that have none), rather
    // than a new one that would end with this process.
    const long session = keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
    if (session < 0) {
        fail("finding the session keyring", errno);
    }
    long ring = keyctl_search(static_cast<key_serial_t>(session), "keyring", kKeyringName, 0);
    if (ring < 0 && errno == ENOKEY && create) {
        ring = add_key("keyring", kKeyringName, nullptr, 0, static_cast<key_serial_t>(session));
        // Owner only: possession of the session keyring is not enough to
        // search it (possessor permissions would be granted to any uid).
        if (ring >= 0 && keyctl_setperm(static_cast<key_serial_t>(ring), kKeyringPerm) < 0) {
            const int error = errno;
            keyctl_invalidate(static_cast<key_serial_t>(ring));
            fail("limiting tresor's keyring to its owner", error);
        }
    }
    if (ring < 0) {
        if (is_missing(errno)) {
            return 0;
        }
        fail("searching the session keyring", errno);
    }
    // Only root or this uid can link a keyring into our session keyring;
    // one of root's must not receive our keys.
    const Description found = describe(static_cast<key_serial_t>(ring));
    if (found.uid != static_cast<long>(::geteuid())) {
        throw Error(ErrorCode::unavailable,
                    "the session keyring's tresor:unlock-cache keyring is not owned by uid " +
                        std::to_string(::geteuid()) + ": not using it");
    }
    // A keyring made by an earlier tresor (owner: all) is narrowed once; one
    // that cannot be narrowed must not receive our keys.
    if (found.perm != kKeyringPerm &&
        keyctl_setperm(static_cast<key_serial_t>(ring), kKeyringPerm) < 0) {
        fail("limiting tresor's keyring to its owner", errno);
    }
    return static_cast<key_serial_t>(ring);
}

key_serial_t find(const std::string& description) {
    const key_serial_t ring = tresor_keyring(false);
    if (ring == 0) {
        return 0;
    }
    const long key = keyctl_search(ring, "user", description.c_str(), 0);
    if (key < 0) {
        if (is_missing(errno)) {
            return 0;
        }
        fail("searching tresor's keyring", errno);
    }
    return static_cast<key_serial_t>(key);
}

}  // namespace

void keep_session_key(const std::string& description, std::span<const std::uint8_t> payload,
                      std::chrono::seconds timeout) {
    const key_serial_t ring = tresor_keyring(true);
    const key_serial_t key =
        add_key("user", description.c_str(), payload.data(), payload.size(), ring);
    if (key < 0) {
        fail("adding a key", errno);
    }
    // Possessor only, no user, group or other bits; write and setattr let
    // the next unlock replace it and set its timeout.
    const key_perm_t possessor_only =
        KEY_POS_VIEW | KEY_POS_READ | KEY_POS_WRITE | KEY_POS_SEARCH | KEY_POS_SETATTR;
    if (keyctl_set_timeout(key, static_cast<unsigned>(timeout.count())) < 0 ||
        keyctl_setperm(key, possessor_only) < 0) {
        const int error = errno;
        keyctl_invalidate(key);
        fail("setting the key's timeout and permissions", error);
    }
}

bool read_session_key(const std::string& description, std::span<std::uint8_t> out) {
    const key_serial_t key = find(description);
    if (key == 0) {
        return false;
    }
    const long n = keyctl_read(key, reinterpret_cast<char*>(out.data()), out.size());
    if (n < 0) {
        if (is_missing(errno)) {
            return false;
        }
        fail("reading a key", errno);
    }
    if (static_cast<std::size_t>(n) != out.size()) {
        ::explicit_bzero(out.data(), out.size());
        return false;
    }
    return true;
}

bool drop_session_key(const std::string& description) {
    const key_serial_t key = find(description);
    if (key == 0) {
        return false;
    }
    if (keyctl_invalidate(key) < 0 && !is_missing(errno)) {
        fail("invalidating a key", errno);
    }
    return true;
}

}  // namespace tresor::platform
