// vault/vault.hpp — the one door of the encrypted vault engine.
//
// A vault is a header and records encrypted under a random 32-byte vault
// key; passwords, key files and host keys only wrap that key, in key slots.
// docs/VAULT-FORMAT.md specifies every byte. Where the bytes live is a
// record store (vault/record_store.hpp): one SQLite file today.
//
// Thread safety: a Vault object is used by one thread at a time (the plugin
// host serializes calls). Several processes may use one store at once: every
// write is one exclusive store transaction that re-reads and re-authenticates
// the header. When another process rotated the vault key, a Vault unlocks
// again with the key slot it was opened with (no KDF) and carries on; a
// change of the key slots (password, key file, recipient, removal, rotation)
// is a compare-and-swap against the slots this Vault last saw.
//
// Errors are tresor::Error: auth_failed for a wrong password or a tampered
// header (one message for both), corrupt for damaged records, a schema that
// is not exactly tresor's (planted triggers, views, tables) or hostile or
// over-limit KDF parameters, locked when another process's rotation removed
// the key slot this Vault was opened with, io when another process changed
// the key slots between open and a slot change (nothing is written) and for
// other failures of the file, permission_denied for a file others can read.
// Messages never contain a secret, a password or a key.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tresor/secret.hpp"
#include "vault/audit/chain.hpp"
#include "vault/audit/event.hpp"
#include "vault/record_store.hpp"

namespace tresor::vault {

// Wiped memory for passwords, keys and values (tresor/secret.hpp).
using SecureBytes = tresor::SecureBytes;

// Argon2id parameters used when writing a slot (new vault, new password).
struct KdfPolicy {
    std::uint32_t memory_kib = 64 * 1024;  // RFC 9106's second recommendation
    std::uint32_t iterations = 3;
    std::uint32_t parallelism = 1;
};

// The floor for writing, from OWASP's minimum (19 MiB, t = 2).
constexpr std::uint32_t kMinWriteMemoryKib = 19 * 1024;
constexpr std::uint32_t kMinWriteIterations = 2;

// Throws Error{invalid_argument} for parameters below the floor or outside
// what the format accepts when reading.
void check_kdf_policy(const KdfPolicy& policy);

// Runs one Argon2id derivation with these parameters (a random password and
// salt) and returns how long it took: what unlocking a slot costs here.
[[nodiscard]] std::chrono::nanoseconds time_kdf(const KdfPolicy& policy);

// What a reader will spend on the KDFs of one unlock, checked against the
// header before any KDF runs: the format accepts up to 4 GiB and 64 passes
// per slot, which a hostile file would make us allocate and compute before
// "wrong password". tresor writes at most one password slot, so the default
// work budget is one slot at the memory ceiling with RFC 9106's 3 passes;
// RFC 9106's first recommendation (2 GiB, 1 pass) needs max_memory_kib raised.
//
// Lanes cost a reader threads, not work (memory x passes is the same however
// it is split; the reader runs at most as many threads as it has CPUs), so
// by default every lane count the format allows is opened; max_lanes lowers
// that.
struct KdfLimits {
    std::uint32_t max_memory_kib = 1024 * 1024;  // per slot: 1 GiB
    // Sum of memory_kib × iterations over the slots an unlock would try.
    std::uint64_t max_work_kib_passes = 3ull * 1024 * 1024;
    std::uint32_t max_lanes = 16;  // per slot: the format's bound
};

// Throws Error{invalid_argument} when a slot written with `policy` would be
// above `limits`: a vault nobody with these limits could open.
void check_kdf_policy_readable(const KdfPolicy& policy, const KdfLimits& limits);

struct Credential {
    // hostkey: the 32-byte X25519 private key of a host (vault/slots/host_key.hpp),
    // which opens the recipient slots wrapped to its public key.
    enum class Kind { password, keyfile, hostkey };
    Kind kind = Kind::password;
    SecureBytes bytes;
};

// A fleet vault's admin identity (vault/trust/admin_key.hpp): an Ed25519
// key pair whose secret half signs every change of the key slots.
struct AdminKeyPair {
    SecureBytes secret_key;                // 64 bytes: libsodium's seed || public key
    std::vector<std::uint8_t> public_key;  // 32 bytes
};

// What a host believes about a vault beyond its credential (docs/FLEET.md,
// "What a host trusts"); the defaults trust any header, as before.
struct Trust {
    // The pinned admin identity (an Ed25519 public key): a header not signed
    // by it (or by a successor it handed over to) is refused. Empty: any.
    std::vector<std::uint8_t> admin;
    // The rollback anchor's folder (vault/trust/anchor.hpp): a vault older
    // than this host has seen is refused. Empty: no anchor.
    std::filesystem::path anchor;
    // Opens a vault older than the anchor (tresor vault accept-restore).
    bool accept_older = false;
};

struct Metadata {
    std::string service;
    std::string name;
    std::uint32_t type = 0;  // tresor_secret_type
    std::string label;
    std::string description;
    std::int64_t created_at = 0;  // Unix seconds
    std::int64_t updated_at = 0;
    std::int64_t expires_at = 0;  // 0: never
    // The latest recorded read of the value (record_uses); 0: never. Coarse
    // by design: see record_uses.
    std::int64_t last_used_at = 0;
    std::string record_id;  // hex
    // A typed credential's non-secret fields, as the host encodes them
    // (tresor_entry.attributes); empty for none.
    std::string attributes;
};

struct SlotInfo {
    std::string kind;  // "password", "keyfile" or "recipient"
    int id = 0;
    KdfPolicy kdf;          // zero for key files and recipients
    std::string label;      // recipients: what add_recipient was given
    std::string recipient;  // recipients: the host's public key, as text (tresor-pub-...)
};

struct Info {
    int format_version = 0;  // 1, 2 with a recipient slot, 3 signed
    std::string vault_id;    // hex
    std::uint64_t generation = 0;
    // Signed vaults: the admin identity (tresor-admin-...), the key epoch,
    // and the identity that handed over to it, if any. Empty and 0 otherwise.
    std::string admin;
    std::uint64_t key_epoch = 0;
    std::string handed_over_from;
    bool admin_pinned = false;  // this Vault was opened with a pin
    std::uint64_t record_count = 0;
    std::vector<SlotInfo> slots;
    std::uintmax_t file_bytes = 0;  // what the store occupies
    std::string location;           // the store's path or database
    StoreTraits store;
};

struct VerifyReport {
    std::uint64_t records_checked = 0;
    std::vector<std::string> problems;  // empty when the vault is intact
    // The audit log (vault/audit/): its blocks and events, what is wrong
    // with its chain, and whether the manifest, which covers the records and
    // the log's last block, matched (a mismatch is also in problems).
    std::uint64_t audit_blocks_checked = 0;
    std::uint64_t audit_events_checked = 0;
    std::vector<std::string> audit_problems;
    bool manifest_matches = true;
};

// The vault id (hex) of the vault in `store`, from its header, unverified:
// to name its entry in the unlock cache without unlocking it.
[[nodiscard]] std::string read_vault_id(RecordStore& store);

class Vault {
  public:
    // Creates a new vault in the store that create_store makes from the
    // first header, atomically: a crash leaves either no vault or a whole
    // one. Refuses (invalid_argument) a policy that `limits` would not open.
    // With `admin`, the vault is signed by it from the start (key epoch 1).
    [[nodiscard]] static Vault create(const StoreCreator& create_store,
                                      const Credential& credential, const KdfPolicy& policy,
                                      const KdfLimits& limits = {},
                                      const AdminKeyPair* admin = nullptr, const Trust& trust = {});
    // Opens and unlocks the vault in `store`; the header is authenticated
    // before any record is read. Only slots of the credential's kind are
    // tried, and none when their KDF cost is above limits. `trust` is
    // checked before any KDF runs (signature, pin, anchor) and once the key
    // is unwrapped (its commitment): vault/trust/header_trust.hpp.
    [[nodiscard]] static Vault open(std::unique_ptr<RecordStore> store,
                                    const Credential& credential, const KdfLimits& limits = {},
                                    const Trust& trust = {});
    // The same, trying first a vault key kept from an earlier unlock
    // (vault/unlock_cache.hpp): `cached` is asked with the vault id (hex),
    // and a key it returns is used only when the header's MAC verifies under
    // it (a key from before a rotation elsewhere is ignored). Otherwise
    // `credential` is asked for a credential and the vault unlocks as above.
    using CachedKey = std::function<std::optional<SecureBytes>(const std::string& vault_id)>;
    [[nodiscard]] static Vault open(std::unique_ptr<RecordStore> store, const CachedKey& cached,
                                    const std::function<Credential()>& credential,
                                    const KdfLimits& limits = {}, const Trust& trust = {});

    // The same for the SQLite file at path (vault/stores/sqlite_store.hpp):
    // a 0700 folder and a 0600 file, checked against other local users.
    [[nodiscard]] static Vault create(const std::filesystem::path& path,
                                      const Credential& credential, const KdfPolicy& policy,
                                      const KdfLimits& limits = {});
    [[nodiscard]] static Vault open(const std::filesystem::path& path, const Credential& credential,
                                    const KdfLimits& limits = {});

    Vault(Vault&&) noexcept;
    Vault& operator=(Vault&&) noexcept;
    ~Vault();

    // One indexed SELECT, one HMAC, one AEAD open. Expired entries read as
    // missing.
    [[nodiscard]] std::optional<SecureBytes> get(std::string_view service, std::string_view name);
    // Creates or replaces; keeps created_at of an existing entry.
    void set(std::string_view service, std::string_view name, std::span<const std::uint8_t> value,
             const Metadata& metadata);
    // Creates or replaces many entries in one transaction (all or none): an
    // import pays for one commit, not one per entry.
    struct NewEntry {
        std::string_view service;
        std::string_view name;
        std::span<const std::uint8_t> value;
        Metadata metadata;  // service, name and times are filled in
    };
    void set_many(std::span<const NewEntry> entries);
    bool remove(std::string_view service, std::string_view name);
    // Metadata only; never decrypts a value. service == nullptr: all. The
    // header and every row are read each time; a row whose sealed bytes
    // this Vault has opened before is not decrypted again.
    void list(const std::string* service, const std::function<void(const Metadata&)>& sink);
    [[nodiscard]] std::optional<Metadata> stat(std::string_view service, std::string_view name);

    // last_used_at without a durable write per read: note_use only keeps the
    // use in memory; record_uses writes the noted uses in one transaction
    // and forgets them. A record whose stored last_used_at is less than
    // `coarseness` seconds before its use (or not before it) is not
    // rewritten, so each entry costs at most one write per `coarseness`.
    // The rewrite re-seals only the metadata, at the same version: the
    // value, updated_at and version stay as they are (the manifest and the
    // header's generation change, as for every write). Returns how many
    // records were written; no noted use that needs writing, no transaction.
    void note_use(std::string_view service, std::string_view name, std::int64_t when);
    std::size_t record_uses(std::int64_t coarseness);

    // The audit log (vault/audit/, docs/VAULT-FORMAT.md "Audit log"). After
    // enable_audit, every write seals its own events (set, remove, a slot
    // change) in its own transaction, together with the reads noted so far;
    // note_read keeps a read's event in memory until then or flush_audit
    // (audit_due says when a batch is due: the caller flushes, as for
    // record_uses). Audit on or not, rotate() re-seals the log a store has
    // and verify() checks it.
    void enable_audit();
    // Who the next operations are for: "" this process, "token:<id>" a
    // tresor serve session.
    void set_audit_actor(std::string_view actor);
    // operation: get or use; detail: what failed, for Outcome::failed.
    void note_read(audit::Operation operation, audit::Outcome outcome, std::string_view service,
                   std::string_view name, std::string_view detail = {});
    [[nodiscard]] bool audit_due() const;
    // The noted events (and failed unlocks the store holds unsealed) in one
    // write transaction; false when nothing was noted. Throws as a write does.
    bool flush_audit();
    // Every event of the log in order, with its block's number, checked as
    // it is read (problems are in the report, never thrown).
    [[nodiscard]] audit::ChainReport read_audit(
        const std::function<void(std::uint64_t seq, const audit::Event& event)>& sink);
    // Failed unlocks that wait unsealed in the store (not yet in the chain).
    [[nodiscard]] std::vector<audit::Event> unsealed_audit_notes();
    // Removes the log's oldest blocks whose every event is older than
    // before_ms (never the newest block) and seals a prune event saying so,
    // in one transaction; refuses (corrupt) a log with problems. Returns how
    // many blocks went.
    std::uint64_t prune_audit(std::int64_t before_ms);

    // Each of the next three fails with Error{io} and changes nothing when
    // another process changed the key slots since this Vault saw them.
    // Replaces every password slot with one for the new password; refuses
    // (invalid_argument) a policy above the limits this Vault was opened with.
    void change_password(const Credential& new_password, const KdfPolicy& policy);
    // Adds a slot for a key file (at least 32 bytes).
    void add_keyfile(std::span<const std::uint8_t> keyfile);
    // Adds a recipient slot: the vault key wrapped to a host's public key
    // (text form, tresor-pub-...), which only that host's private key opens.
    // Refuses (invalid_argument) a malformed or already enrolled key and a
    // label over 64 bytes or with control characters. Returns the slot id.
    int add_recipient(std::string_view public_key, std::string_view label);
    // Removes every slot with this id. Refuses (invalid_argument) an id that
    // no slot has, and the slot this Vault was unlocked with (so a vault
    // always keeps a slot its caller can open). A removed recipient may
    // still hold the vault key: rotate() afterwards locks it out.
    void remove_slot(int id);
    // A new vault key; every record re-encrypted, in one transaction. The
    // slot used to unlock and every recipient slot are re-wrapped and kept
    // (a recipient needs only its public key); other password and key-file
    // slots are dropped (their secrets are not at hand to re-wrap). Returns
    // how many were dropped. Refuses (invalid_argument) a Vault unlocked
    // from the cache: it holds no slot's KEK to re-wrap.
    int rotate();
    // A signed vault's key slots change only with its admin key: every
    // change above needs use_admin_key first, else fails with
    // Error{permission_denied} (a host that can write rows cannot add a
    // slot). Refuses (invalid_argument) a key that does not sign this vault.
    void use_admin_key(AdminKeyPair key);
    // Signs a vault made before signing existed (key epoch 1), so that hosts
    // can pin `key`. Refuses (invalid_argument) a vault already signed.
    void sign(AdminKeyPair key);
    // Replaces the admin identity: the vault is signed by `next` from now
    // on, with a hand-over record signed by the current key (use_admin_key),
    // so that hosts pinned to it follow (docs/FLEET.md, "Replacing the admin
    // identity").
    void hand_over(AdminKeyPair next);
    // The vault as it is now becomes what this host's anchor remembers,
    // older or not (open with Trust::accept_older). With the admin key the
    // vault is also signed again at a key epoch above any this host knows,
    // so that every host's anchor takes it as newer. Returns whether it was
    // signed again.
    bool accept_restore();

    // The vault id (hex), the vault key (for the unlock cache only: who
    // holds it reads every record) and whether it came from that cache.
    [[nodiscard]] const std::string& id() const;
    [[nodiscard]] std::span<const std::uint8_t> vault_key() const;
    [[nodiscard]] bool unlocked_from_cache() const;
    // Checks the header, every record's tags and identities and the manifest.
    [[nodiscard]] VerifyReport verify();
    [[nodiscard]] Info info();

    struct State;

  private:
    explicit Vault(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace tresor::vault
