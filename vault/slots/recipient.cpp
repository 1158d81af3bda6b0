#include "vault/slots/recipient.hpp"

#include "vault/slots/host_key.hpp"

namespace tresor::vault::detail {
namespace {

constexpr std::string_view kRecipientKekLabel = "tresor/v1/kek/recipient";

// age binds the KEK to both public values the same way: a share replayed
// against another recipient derives another key.
SecureBytes kek_from(std::span<const std::uint8_t> shared, const Slot& slot) {
    Bytes salt = slot.ephemeral_share;
    salt.insert(salt.end(), slot.recipient_public_key.begin(), slot.recipient_public_key.end());
    return hkdf_sha256(shared, salt, kRecipientKekLabel);
}

}  // namespace

SecureBytes new_recipient_kek(Slot& slot) {
    return recipient_kek_with_ephemeral(slot, random_key());
}

SecureBytes recipient_kek_with_ephemeral(Slot& slot, std::span<const std::uint8_t> ephemeral) {
    const auto shared = x25519(ephemeral, slot.recipient_public_key);
    if (!shared) {
        throw Error(ErrorCode::invalid_argument,
                    "the host public key is not usable (a low-order X25519 point)");
    }
    slot.ephemeral_share = host_public_key(ephemeral);
    return kek_from(*shared, slot);
}

SecureBytes recipient_kek(const Slot& slot, std::span<const std::uint8_t> host_private_key) {
    const auto shared = x25519(host_private_key, slot.ephemeral_share);
    if (!shared) {
        throw Error(ErrorCode::corrupt, "recipient slot " + std::to_string(slot.id) +
                                            " has an invalid ephemeral share");
    }
    return kek_from(*shared, slot);
}

}  // namespace tresor::vault::detail
