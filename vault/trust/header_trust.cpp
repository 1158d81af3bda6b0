#include "vault/trust/header_trust.hpp"

#include <algorithm>

#include "vault/detail/crypto.hpp"
#include "vault/detail/record_codec.hpp"
#include "vault/trust/admin_key.hpp"

namespace tresor::vault::detail {
namespace {

std::string numbers(const AnchorState& s) {
    return "key epoch " + std::to_string(s.key_epoch) + ", generation " +
           std::to_string(s.generation);
}

}  // namespace

Bytes key_commitment(std::span<const std::uint8_t> vault_key,
                     std::span<const std::uint8_t> vault_id) {
    const SecureBytes commitment = hkdf_sha256(vault_key, vault_id, "tresor/v1/key-commitment");
    return {commitment.begin(), commitment.end()};
}

void sign_header(Header& header, const AdminKeyPair& key, std::span<const std::uint8_t> vault_key,
                 std::uint64_t key_epoch) {
    AdminBlock block;
    if (header.admin) {
        block.handover = header.admin->handover;
    }
    block.key_epoch = key_epoch;
    block.key_commitment = key_commitment(vault_key, header.vault_id);
    block.admin_public_key = key.public_key;
    header.admin = std::move(block);
    header.admin->signature = admin_sign(key, signed_message(header));
}

Handover make_handover(const Header& header, const AdminKeyPair& previous,
                       std::span<const std::uint8_t> next) {
    return {previous.public_key,
            admin_sign(previous, handover_message(header.vault_id, previous.public_key, next))};
}

HeaderTrust::HeaderTrust(Trust trust, std::string where)
    : trust_(std::move(trust)), where_(std::move(where)) {
    if (!trust_.anchor.empty()) {
        anchor_.emplace(trust_.anchor);
    }
}

void HeaderTrust::refuse(ErrorCode code, const std::string& why) const {
    throw Error(code, "refusing " + where_ + ": " + why);
}

AnchorState HeaderTrust::state_of(const Header& h) const {
    return {h.admin ? h.admin->key_epoch : 0, h.generation,
            h.admin ? h.admin->admin_public_key : std::vector<std::uint8_t>(), trust_.admin};
}

// The identity this host follows: the signer of the newest header it took
// under its current pin (the pin itself, or where a hand-over from it led;
// for a host without a pin, the first signer it saw), else the pin.
std::vector<std::uint8_t> HeaderTrust::trusted_admin() const {
    for (const std::optional<AnchorState>* known : {&seen_, &stored_}) {
        if (known->has_value() && !(*known)->admin.empty() && (*known)->pin == trust_.admin) {
            return (*known)->admin;
        }
    }
    return trust_.admin;
}

void HeaderTrust::check(const Header& h) {
    if (vault_id_.empty()) {
        vault_id_ = to_hex(h.vault_id);
        if (anchor_) {
            stored_ = anchor_->load(vault_id_);
        }
    }
    if (h.admin) {
        Bytes message = signed_message(h);
        if (message != verified_) {
            if (!admin_signature_verifies(h.admin->admin_public_key, message, h.admin->signature)) {
                refuse(ErrorCode::auth_failed,
                       "its admin signature does not verify: its key slots or keys were changed "
                       "by someone without the admin key (someone with write access to the "
                       "store: a DBA, a host)");
            }
            if (h.admin->handover &&
                !admin_signature_verifies(
                    h.admin->handover->previous_admin,
                    handover_message(h.vault_id, h.admin->handover->previous_admin,
                                     h.admin->admin_public_key),
                    h.admin->handover->signature)) {
                refuse(ErrorCode::auth_failed,
                       "the hand-over to its admin identity does not verify (forged)");
            }
            verified_ = std::move(message);
        }
    }
    const std::vector<std::uint8_t> trusted = trusted_admin();
    if (!trusted.empty()) {
        const std::string expected = admin_identity_text(trusted);
        if (!h.admin) {
            refuse(ErrorCode::auth_failed,
                   "it is not signed by an admin identity, and this host trusts only vaults "
                   "signed by " +
                       expected +
                       ": someone with write access to the store replaced its header, or the "
                       "admin has not signed it yet (`tresor vault sign`)");
        }
        const bool handed_over = h.admin->handover && h.admin->handover->previous_admin == trusted;
        if (h.admin->admin_public_key != trusted && !handed_over) {
            refuse(ErrorCode::auth_failed,
                   "it is signed by " + admin_identity_text(h.admin->admin_public_key) +
                       ", not by " + expected +
                       ", which this host trusts: it may be a vault made by someone with "
                       "access to the store. If your admin replaced the identity, check the "
                       "new one with them and set admin = \"" +
                       admin_identity_text(h.admin->admin_public_key) + "\" in this host's config");
        }
    }
    const AnchorState found = state_of(h);
    for (const std::optional<AnchorState>* known : {&seen_, &stored_}) {
        // An admin accepting a restore opens what the anchor would refuse.
        const bool waived = known == &stored_ && trust_.accept_older;
        if (known->has_value() && !waived && older_than(found, **known)) {
            refuse(ErrorCode::corrupt,
                   "it is older than what this host has seen of it (" + numbers(**known) +
                       " seen here; " + numbers(found) +
                       " in the store): a whole vault put back from an older backup, or rolled "
                       "back by someone with access to the store. If an admin restored it on "
                       "purpose: `tresor vault accept-restore`");
        }
    }
}

void HeaderTrust::accept(const Header& h, std::span<const std::uint8_t> vault_key) {
    if (h.admin &&
        !equal_in_constant_time(key_commitment(vault_key, h.vault_id), h.admin->key_commitment)) {
        refuse(ErrorCode::auth_failed,
               "the vault key this host's key slot holds is not the one its admin signed for: "
               "the slot was forged");
    }
    const AnchorState found = state_of(h);
    if (!seen_ || !older_than(found, *seen_)) {
        seen_ = found;
    }
}

void HeaderTrust::wrote(const Header& h) {
    seen_ = state_of(h);
}

void HeaderTrust::persist() {
    if (anchor_ && seen_ && seen_ != persisted_) {
        anchor_->raise(vault_id_, *seen_);
        persisted_ = seen_;
    }
}

void HeaderTrust::reset_anchor(const Header& h) {
    const AnchorState state = state_of(h);
    if (anchor_) {
        anchor_->reset(to_hex(h.vault_id), state);
    }
    stored_ = persisted_ = seen_ = state;
}

std::uint64_t HeaderTrust::highest_key_epoch() const {
    std::uint64_t epoch = 0;
    for (const std::optional<AnchorState>* known : {&seen_, &stored_}) {
        if (*known) {
            epoch = std::max(epoch, (*known)->key_epoch);
        }
    }
    return epoch;
}

}  // namespace tresor::vault::detail
