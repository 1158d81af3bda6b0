// The vault engine's door: a Vault created or opened and unlocked (from the
// unlock cache, a password, a key file or a host key), the header's MAC
// checked before any record is read. The operations live beside it:
// vault_records.cpp (entries), vault_slots.cpp (key slots and the admin
// key), vault_audit.cpp, vault_inspect.cpp (verify, info), on the shared
// steps of vault_state.hpp; where the bytes live is the store's business
// (vault/record_store.hpp).
#include "vault/stores/sqlite_store.hpp"
#include "vault/vault_state.hpp"

namespace tresor::vault {

Vault::Vault(std::unique_ptr<State> state) : state_(std::move(state)) {}
Vault::Vault(Vault&&) noexcept = default;
Vault& Vault::operator=(Vault&&) noexcept = default;
Vault::~Vault() = default;

Vault Vault::create(const std::filesystem::path& path, const Credential& credential,
                    const KdfPolicy& policy, const KdfLimits& limits) {
    return create(
        [&path](std::span<const std::uint8_t> header) { return create_sqlite_store(path, header); },
        credential, policy, limits);
}

Vault Vault::create(const StoreCreator& create_store, const Credential& credential,
                    const KdfPolicy& policy, const KdfLimits& limits, const AdminKeyPair* admin,
                    const Trust& trust) {
    if (credential.kind == Credential::Kind::password && credential.bytes.empty()) {
        throw Error(ErrorCode::invalid_argument, "a vault password must not be empty");
    }
    check_kdf_policy_readable(policy, limits);
    Header header;
    header.vault_id = random_bytes(kVaultIdBytes);
    header.manifest = Bytes(kMacBytes, 0);
    SecureBytes vault_key = random_key();
    auto [slot, kek] = make_slot(header, 1, credential, policy, vault_key);
    header.slots.push_back(std::move(slot));
    if (admin != nullptr) {
        sign_header(header, *admin, vault_key, 1);
    }
    header.mac = header_mac(derive_subkeys(vault_key, header.vault_id), header);
    Vault vault = open(create_store(encode_header(header)), credential, limits, trust);
    if (admin != nullptr) {
        vault.state_->admin_key = *admin;
    }
    return vault;
}

Vault Vault::open(const std::filesystem::path& path, const Credential& credential,
                  const KdfLimits& limits) {
    return open(open_sqlite_store(path), credential, limits);
}

std::string read_vault_id(RecordStore& store) {
    return to_hex(decode_header(store.read_header()).vault_id);
}

Vault Vault::open(std::unique_ptr<RecordStore> store, const Credential& credential,
                  const KdfLimits& limits, const Trust& trust) {
    return open(
        std::move(store), [](const std::string&) { return std::optional<SecureBytes>(); },
        [&credential] { return credential; }, limits, trust);
}

Vault Vault::open(std::unique_ptr<RecordStore> store, const CachedKey& cached,
                  const std::function<Credential()>& obtain_credential, const KdfLimits& limits,
                  const Trust& trust) {
    auto state = std::make_unique<State>(std::move(store), trust);
    state->limits = limits;
    const Header header = state->load_header_unverified();
    state->vault_id = header.vault_id;
    state->id_hex = to_hex(header.vault_id);
    // Before any KDF runs: a substitute or an older vault costs nothing.
    state->trust.check(header);
    if (auto key = cached(state->id_hex); key && key->size() == kKeyBytes) {
        state->adopt_keys(std::move(*key));
        if (state->mac_verifies(header)) {
            state->trust.accept(header, state->vault_key);
            state->trust.persist();
            state->unlocked_from_cache = true;
            state->slots_seen = encode_slots(header);
            return Vault(std::move(state));
        }
    }
    const Credential credential = obtain_credential();
    const SlotKind wanted = slot_kind_for(credential);
    check_unlock_cost(header, wanted, limits);
    // A host key tries only the slots wrapped to its own public key: the
    // others would fail anyway, and this way the error can say so.
    std::vector<std::uint8_t> host_key;
    if (wanted == SlotKind::recipient) {
        host_key = host_public_key(credential.bytes);
        state->unlock_host_key = credential.bytes;
    }
    bool tried = false;
    for (const Slot& slot : header.slots) {
        if (slot.kind != wanted ||
            (wanted == SlotKind::recipient && slot.recipient_public_key != host_key)) {
            continue;
        }
        tried = true;
        SecureBytes kek = slot_kek(slot, header.vault_id, credential);
        if (auto key = unwrap_slot(header, slot, kek)) {
            state->adopt_keys(std::move(*key));
            state->unlock_slot = slot.id;
            state->unlock_kind = slot.kind;
            state->unlock_kek = std::move(kek);
            // The header MAC, checked before any record is read.
            state->slots_seen = encode_slots(state->load_header());
            state->trust.persist();
            return Vault(std::move(state));
        }
    }
    if (wanted == SlotKind::recipient && !tried) {
        throw Error(ErrorCode::auth_failed,
                    "no key slot of this vault is for host key " + public_key_text(host_key) +
                        " (an administrator adds it with `tresor vault add-recipient`)");
    }
    throw Error(ErrorCode::auth_failed, wanted == SlotKind::recipient
                                            ? "the host key's slot did not unwrap: damaged vault"
                                            : kWrongPassword);
}

const std::string& Vault::id() const {
    return state_->id_hex;
}

std::span<const std::uint8_t> Vault::vault_key() const {
    return state_->vault_key;
}

bool Vault::unlocked_from_cache() const {
    return state_->unlocked_from_cache;
}

}  // namespace tresor::vault
