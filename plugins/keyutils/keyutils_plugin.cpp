// plugins/keyutils — the Linux kernel keyring: `user` keys (key_codec.hpp
// has their description and payload format).
//
// Honest capabilities: keys survive the process, not a reboot (no
// TRESOR_CAP_PERSISTENT). expires_at becomes the key's kernel timeout.
//
// Parameters:
//   keyring   "user" (default: shared by the user's processes), "session"
//             (the caller's session keyring: a login session, `keyctl
//             session`, a systemd service; without one, the user's session
//             keyring), or "persistent" (the user's persistent keyring, kept
//             across logins until unused for days, where the kernel has it)
#include <keyutils.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "plugins/common/plugin_support.hpp"
#include "plugins/keyutils/key_codec.hpp"

namespace {

using tresor::keyutils::Record;
using namespace tresor::plugin;  // the kit: Entry, NewEntry, SecretOut, fail...
namespace codec = tresor::keyutils;

[[noreturn]] void fail_errno(const std::string& doing) {
    const int error = errno;
    switch (error) {
        case EDQUOT:
            fail(TRESOR_IO, "kernel keyring quota exceeded while " + doing +
                                " (see /proc/sys/kernel/keys/maxkeys and maxbytes)");
        case EACCES:
        case EPERM:
            fail(TRESOR_PERMISSION_DENIED,
                 "kernel keyring refused " + doing + ": " + std::strerror(error));
        case ENOSYS:
            fail(TRESOR_UNAVAILABLE, "the kernel has no keyring support (" + doing + ")");
        case EOPNOTSUPP:
            fail(TRESOR_UNAVAILABLE, "the kernel does not support " + doing);
        default:
            fail(TRESOR_IO, "kernel keyring error while " + doing + ": " + std::strerror(error));
    }
}

// A buffer from keyctl_read_alloc, wiped before it is freed.
class KeyBuffer {
  public:
    KeyBuffer(void* data, int length) : data_(data), length_(length > 0 ? length : 0) {}
    ~KeyBuffer() {
        if (data_ != nullptr) {
            ::explicit_bzero(data_, static_cast<std::size_t>(length_));
            std::free(data_);
        }
    }
    KeyBuffer(KeyBuffer&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)), length_(other.length_) {}
    KeyBuffer(const KeyBuffer&) = delete;
    KeyBuffer& operator=(const KeyBuffer&) = delete;
    KeyBuffer& operator=(KeyBuffer&&) = delete;
    [[nodiscard]] std::span<const std::uint8_t> bytes() const {
        return {static_cast<const std::uint8_t*>(data_), static_cast<std::size_t>(length_)};
    }

  private:
    void* data_;
    int length_;
};

// Finds the configured keyring and makes sure this process possesses it. The
// kernel lets only a possessor read a `user` key (its permission is
// "possessor: all, user: view"), and a key reached through its numeric id is
// possessed only if a keyring of the process leads to it.
key_serial_t attach_keyring(const std::string& name) {
    long id = -1;
    if (name == "user") {
        // A session keyring made by `keyctl session`, by systemd
        // (KeyringMode=private) or by a container runtime does not link the
        // user keyring: link it into the process keyring, which lives and
        // dies with this process.
        if (keyctl_link(KEY_SPEC_USER_KEYRING, KEY_SPEC_PROCESS_KEYRING) == 0) {
            id = keyctl_get_keyring_ID(KEY_SPEC_USER_KEYRING, 0);
        }
    } else if (name == "session") {
        // No "create": a process without a session keyring then joins the
        // user's session keyring instead of a new anonymous one that would
        // vanish, with every secret set, when the process exits.
        id = keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0);
    } else if (name == "persistent") {
        id = keyctl_get_persistent(static_cast<uid_t>(-1), KEY_SPEC_PROCESS_KEYRING);
    } else {
        fail(TRESOR_INVALID_ARGUMENT,
             "parameter 'keyring' must be user, session or persistent, not '" + name + "'");
    }
    if (id < 0) {
        fail_errno("attaching the " + name + " keyring");
    }
    return static_cast<key_serial_t>(id);
}

// Reads a key's payload; empty when it vanished (expired) meanwhile.
std::optional<KeyBuffer> read(key_serial_t id) {
    void* data = nullptr;
    const int length = keyctl_read_alloc(id, &data);
    if (length < 0) {
        if (errno == EKEYEXPIRED || errno == EKEYREVOKED || errno == ENOKEY) {
            return std::nullopt;
        }
        fail_errno("reading a key");
    }
    return std::optional<KeyBuffer>(std::in_place, data, length);
}

struct Loaded {
    KeyBuffer payload;
    std::size_t value_offset;
};

// Reads key id's payload into record. Empty when the key expired or vanished
// meanwhile, or when its payload is not tresor's (then *foreign is set).
std::optional<Loaded> read_record(key_serial_t id, Record& record, bool* foreign) {
    auto payload = read(id);
    if (!payload) {
        return std::nullopt;
    }
    const auto offset = codec::decode_header(payload->bytes(), record);
    *foreign = !offset.has_value();
    if (!offset || (record.expires_at != 0 && unix_now() >= record.expires_at)) {
        return std::nullopt;
    }
    return Loaded{std::move(*payload), *offset};
}

// The position of a key description's last field: "type;uid;gid;perm;description".
std::optional<std::string_view> description_field(std::string_view described) {
    std::size_t at = 0;
    for (int field = 0; field < 4; ++field) {
        at = described.find(';', at == 0 ? 0 : at + 1);
        if (at == std::string_view::npos) {
            return std::nullopt;
        }
    }
    return described.substr(at + 1);
}

class Keyutils {
  public:
    static constexpr Info info{
        .name = "keyutils",
        .summary = "Linux kernel keyring (survives processes, not reboots; 32767 bytes per key)",
        .capabilities = TRESOR_CAP_SHARED | TRESOR_CAP_LIST | TRESOR_CAP_METADATA |
                        TRESOR_CAP_BINARY | TRESOR_CAP_EXPIRY,
    };

    static void probe(Params& params) {
        try {
            (void)keyring_of(params);
        } catch (const tresor::plugin::Failure& failure) {
            // A sandbox that forbids keyctl (seccomp: EPERM) means "not
            // here", so the chain moves on; a bad parameter stays an error.
            if (failure.status() == TRESOR_INVALID_ARGUMENT) {
                throw;
            }
            fail(TRESOR_UNAVAILABLE, failure.what());
        }
    }

    explicit Keyutils(Params& params) : keyring_(keyring_of(params)) {}

    bool get(const tresor_key& key, SecretOut& out) {
        Record record;
        auto loaded = load(key, record);
        if (!loaded) {
            return false;
        }
        out.give(loaded->payload.bytes().subspan(loaded->value_offset));
        return true;
    }

    void set(const tresor_key& key, Bytes value, const NewEntry& meta) {
        Record record;
        record.type = meta.type;
        record.label = meta.label;
        record.description = meta.description;
        record.expires_at = meta.expires_at;
        record.updated_at = unix_now();
        Record old;
        record.created_at = load(key, old) ? old.created_at : record.updated_at;
        const std::size_t total = codec::header_size(record) + value.size();
        if (total > codec::kMaxPayloadBytes) {
            fail(TRESOR_INVALID_ARGUMENT,
                 "value too large for the kernel keyring: a key holds at most " +
                     std::to_string(codec::kMaxPayloadBytes - codec::header_size(record)) +
                     " bytes of value with this metadata");
        }
        std::vector<std::uint8_t> payload;
        payload.reserve(total);
        codec::encode_header(record, payload);
        payload.insert(payload.end(), value.begin(), value.end());
        const key_serial_t id = add_key("user", codec::describe(key.service, key.name).c_str(),
                                        payload.data(), payload.size(), keyring_);
        ::explicit_bzero(payload.data(), payload.size());
        if (id < 0) {
            fail_errno("adding a key");
        }
        // add_key updates an existing key in place and keeps its timeout:
        // set it every time, 0 clearing an expiry the entry no longer has.
        const std::int64_t left =
            record.expires_at == 0 ? 0 : std::max<std::int64_t>(1, record.expires_at - unix_now());
        if (keyctl_set_timeout(
                id, static_cast<unsigned>(std::min<std::int64_t>(left, UINT32_MAX))) < 0) {
            fail_errno("setting a key's timeout");
        }
    }

    bool remove(const tresor_key& key) {
        const key_serial_t id = find(key);
        if (id == 0) {
            return false;
        }
        if (keyctl_invalidate(id) < 0) {
            fail_errno("removing a key");
        }
        return true;
    }

    void list(std::optional<std::string_view> service, EntryOut& out) {
        void* ids = nullptr;
        const int bytes = keyctl_read_alloc(keyring_, &ids);
        if (bytes < 0) {
            fail_errno("listing the keyring");
        }
        const KeyBuffer list(ids, bytes);
        const auto* serials = reinterpret_cast<const key_serial_t*>(list.bytes().data());
        for (std::size_t i = 0; i < list.bytes().size() / sizeof(key_serial_t); ++i) {
            char* text = nullptr;
            if (keyctl_describe_alloc(serials[i], &text) < 0) {
                continue;  // expired or not ours to see
            }
            const std::string described(text);
            std::free(text);
            const auto field =
                described.starts_with("user;") ? description_field(described) : std::nullopt;
            const auto names = field ? codec::parse_description(*field) : std::nullopt;
            if (!names || (service && names->first != *service)) {
                continue;
            }
            // A key another program named like ours is skipped here; get
            // reports it as corrupt.
            Record record;
            bool foreign = false;
            if (!read_record(serials[i], record, &foreign)) {
                continue;
            }
            record.service = names->first;
            record.name = names->second;
            if (!out.add(record)) {
                break;
            }
        }
    }

    std::optional<Entry> stat(const tresor_key& key) {
        Record record;
        return load(key, record) ? std::optional<Entry>(std::move(record)) : std::nullopt;
    }

  private:
    static key_serial_t keyring_of(Params& p) {
        const std::string name = p.take_or("keyring", "user");
        p.reject_unknown(info.name);
        return attach_keyring(name);
    }

    // The key of an entry, or 0 when there is none.
    [[nodiscard]] key_serial_t find(const tresor_key& key) const {
        const long id =
            keyctl_search(keyring_, "user", codec::describe(key.service, key.name).c_str(), 0);
        if (id < 0) {
            if (errno == ENOKEY || errno == EKEYEXPIRED || errno == EKEYREVOKED) {
                return 0;
            }
            fail_errno("searching");
        }
        return static_cast<key_serial_t>(id);
    }

    // The entry's record and payload, or empty when there is none.
    std::optional<Loaded> load(const tresor_key& key, Record& record) const {
        const key_serial_t id = find(key);
        if (id == 0) {
            return std::nullopt;
        }
        bool foreign = false;
        auto loaded = read_record(id, record, &foreign);
        if (foreign) {
            fail(TRESOR_CORRUPT, "the kernel key for " + std::string(key.service) + "/" + key.name +
                                     " was not written by tresor");
        }
        record.service = key.service;
        record.name = key.name;
        return loaded;
    }

    key_serial_t keyring_;
};

}  // namespace

TRESOR_PLUGIN_KIT(keyutils, Keyutils)
