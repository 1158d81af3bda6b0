// vault/trust/header_trust.hpp — whether a Vault may believe the header it
// finds in its store, beyond its MAC: which admin signed its key slots
// (the pin), whether the vault key it unwrapped is the one that admin
// committed to, and whether it is older than what this host has seen (the
// rollback anchor). One per Vault; vault_state.cpp asks it about every header it
// reads and tells it about every header it writes (docs/FLEET.md, "What a
// host trusts").
//
// Cost: a signature is verified once per distinct signed part (the bytes
// are compared on later reads), never per record; the commitment is one
// HKDF per header read by a write.
//
// Errors: Error{auth_failed} for a header not signed as this host trusts,
// a bad signature or hand-over, a key that does not match its commitment;
// Error{corrupt} for a vault older than the anchor, naming both states.
// Every message names the vault and what to do.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "vault/detail/header.hpp"
#include "vault/trust/anchor.hpp"
#include "vault/vault.hpp"

namespace tresor::vault::detail {

// HKDF(vault key, salt = vault id, "tresor/v1/key-commitment"): what an
// admin block commits to, revealing nothing of the key.
[[nodiscard]] Bytes key_commitment(std::span<const std::uint8_t> vault_key,
                                   std::span<const std::uint8_t> vault_id);

// Fills header.admin (keeping a hand-over record) for `key` at `key_epoch`
// with the commitment to vault_key, and signs it.
void sign_header(Header& header, const AdminKeyPair& key, std::span<const std::uint8_t> vault_key,
                 std::uint64_t key_epoch);

// The hand-over record by which `previous` names `next` for this vault.
[[nodiscard]] Handover make_handover(const Header& header, const AdminKeyPair& previous,
                                     std::span<const std::uint8_t> next);

class HeaderTrust {
  public:
    HeaderTrust(Trust trust, std::string where);

    // Before any KDF runs and before the MAC can be checked: refuses a
    // header whose signature, signer or hand-over is not as this host
    // trusts, or whose numbers are older than the anchor or than what this
    // Vault has seen. It believes nothing of the header yet.
    void check(const Header& header);
    // Once the header's MAC verified under vault_key: refuses a key that is
    // not the committed one, then takes the header as seen.
    void accept(const Header& header, std::span<const std::uint8_t> vault_key);
    // A header this Vault wrote, once its transaction committed (a failed
    // commit is no state the store holds).
    void wrote(const Header& header);
    // Stores what was seen in the anchor, when it is newer than what was
    // stored (at open, on slot changes, when the Vault closes).
    void persist();
    // Stores the header's state in the anchor, older or not.
    void reset_anchor(const Header& header);

    // The highest key epoch this host knows of for the vault.
    [[nodiscard]] std::uint64_t highest_key_epoch() const;
    [[nodiscard]] bool pinned() const { return !trust_.admin.empty(); }

  private:
    [[nodiscard]] AnchorState state_of(const Header& header) const;
    [[nodiscard]] std::vector<std::uint8_t> trusted_admin() const;
    [[noreturn]] void refuse(ErrorCode code, const std::string& why) const;

    Trust trust_;
    std::string where_;
    std::optional<RollbackAnchor> anchor_;
    std::string vault_id_;               // hex, once a header was checked
    std::optional<AnchorState> stored_;  // the anchor's state at the first check
    std::optional<AnchorState> seen_;    // the newest header this Vault took
    std::optional<AnchorState> persisted_;
    Bytes verified_;  // the signed part last verified
};

}  // namespace tresor::vault::detail
