// vault/slots/recipient.hpp — the recipient slot: the vault key wrapped to a
// host's X25519 public key, as age wraps a file key to an X25519 recipient.
//
//   ephemeral share  = X25519(e, base point)       e: 32 fresh random bytes
//   shared secret    = X25519(e, recipient)        = X25519(host key, share)
//   KEK              = HKDF(shared secret, salt = share || recipient,
//                           info = "tresor/v1/kek/recipient")
//
// Wrapping needs only the recipient's public key, so an administrator can
// add a host, and rotation can re-wrap a new vault key to every recipient,
// without any host's private key. Every wrap draws a new ephemeral key; it
// is wiped at once and never stored. The slot's bytes and AAD are in
// vault/detail/header.hpp (docs/VAULT-FORMAT.md, "Recipient slots").
#pragma once

#include "vault/detail/header.hpp"

namespace tresor::vault::detail {

// A fresh ephemeral key for slot.recipient_public_key: stores its share in
// the slot and returns the KEK. Throws Error{invalid_argument} for a
// low-order public key (the shared secret would be all zero, known to all).
[[nodiscard]] SecureBytes new_recipient_kek(Slot& slot);

// The same with a given ephemeral private key: for the worked example only.
[[nodiscard]] SecureBytes recipient_kek_with_ephemeral(Slot& slot,
                                                       std::span<const std::uint8_t> ephemeral);

// The KEK the host private key derives for slot (whose recipient the caller
// has matched to the key's public key). Throws Error{corrupt} for an
// ephemeral share of low order: no honest writer makes one.
[[nodiscard]] SecureBytes recipient_kek(const Slot& slot,
                                        std::span<const std::uint8_t> host_private_key);

}  // namespace tresor::vault::detail
