#include "vault/detail/header.hpp"

#include <algorithm>

namespace tresor::vault::detail {
namespace {

constexpr std::string_view kMagic = "TRSV";
constexpr std::string_view kSlotLabel = "tresor/v1/slot";
constexpr std::string_view kSignatureLabel = "tresor/v1/admin-signature";
constexpr std::string_view kHandoverLabel = "tresor/v1/admin-handover";

[[noreturn]] void refuse(const std::string& why) {
    throw Error(ErrorCode::corrupt, "vault header refused: " + why);
}

void check_bounds(const Slot& slot) {
    if (slot.kind == SlotKind::recipient) {
        if (!is_valid_slot_label(slot.label)) {
            refuse("recipient slot " + std::to_string(slot.id) + " has a label with control bytes");
        }
        return;
    }
    if (slot.kind == SlotKind::keyfile) {
        if (slot.kdf != kKdfNone || slot.params.memory_kib != 0 || slot.params.iterations != 0 ||
            slot.params.parallelism != 0) {
            refuse("key-file slot with KDF parameters");
        }
        return;
    }
    if (slot.kdf != kKdfArgon2id13 && slot.kdf != kKdfArgon2id13OneLane) {
        refuse("unknown KDF " + std::to_string(slot.kdf) + " (only Argon2id v0x13: 1 and 2)");
    }
    const auto& p = slot.params;
    if (slot.kdf == kKdfArgon2id13OneLane &&
        (p.parallelism != 1 || std::any_of(slot.salt.begin() + kOneLaneSaltBytes, slot.salt.end(),
                                           [](std::uint8_t b) { return b != 0; }))) {
        refuse("KDF 2 needs parallelism 1 and a 16-byte salt followed by 16 zero bytes");
    }
    if (p.parallelism < 1 || p.parallelism > kMaxReadParallelism) {
        refuse("Argon2id parallelism " + std::to_string(p.parallelism) + " outside 1.." +
               std::to_string(kMaxReadParallelism));
    }
    if (p.memory_kib < kMinReadMemoryKib || p.memory_kib > kMaxReadMemoryKib ||
        p.memory_kib < 8 * p.parallelism) {
        refuse("Argon2id memory " + std::to_string(p.memory_kib) + " KiB outside " +
               std::to_string(kMinReadMemoryKib) + ".." + std::to_string(kMaxReadMemoryKib));
    }
    if (p.iterations < 1 || p.iterations > kMaxReadIterations) {
        refuse("Argon2id iterations " + std::to_string(p.iterations) + " outside 1.." +
               std::to_string(kMaxReadIterations));
    }
}

// A slot's fields before its nonce: stored in the header and authenticated
// by the slot's wrap, in the same order.
void write_slot_parameters(Writer<Bytes>& w, const Slot& s) {
    w.u8(static_cast<std::uint8_t>(s.kind));
    w.u8(s.id);
    if (s.kind == SlotKind::recipient) {
        w.raw(s.ephemeral_share);
        w.raw(s.recipient_public_key);
        w.u8(static_cast<std::uint8_t>(s.label.size()));
        w.raw(std::string_view(s.label));
        return;
    }
    w.u8(s.kdf);
    w.u32(s.params.memory_kib);
    w.u32(s.params.iterations);
    w.u8(static_cast<std::uint8_t>(s.params.parallelism));
    w.raw(s.salt);
}

Bytes take(Reader& r, std::size_t n) {
    const auto bytes = r.raw(n);
    return {bytes.begin(), bytes.end()};
}

void write_admin_block(Writer<Bytes>& w, const AdminBlock& a) {
    w.u64(a.key_epoch);
    w.raw(a.key_commitment);
    w.raw(a.admin_public_key);
    w.u8(a.handover ? 1 : 0);
    if (a.handover) {
        w.raw(a.handover->previous_admin);
        w.raw(a.handover->signature);
    }
    w.raw(a.signature);
}

AdminBlock read_admin_block(Reader& r) {
    AdminBlock a;
    a.key_epoch = r.u64();
    if (a.key_epoch == 0) {
        refuse("key epoch 0 in a signed header");
    }
    a.key_commitment = take(r, kMacBytes);
    a.admin_public_key = take(r, kAdminPublicKeyBytes);
    const std::uint8_t handover = r.u8();
    if (handover > 1) {
        refuse("hand-over flag " + std::to_string(handover));
    }
    if (handover == 1) {
        a.handover = Handover{take(r, kAdminPublicKeyBytes), take(r, kSignatureBytes)};
    }
    a.signature = take(r, kSignatureBytes);
    return a;
}

Slot read_slot(Reader& r, std::uint16_t version) {
    Slot s;
    const std::uint8_t kind = r.u8();
    s.kind = static_cast<SlotKind>(kind);
    s.id = r.u8();
    switch (s.kind) {
        case SlotKind::password:
        case SlotKind::keyfile:
            s.kdf = r.u8();
            s.params.memory_kib = r.u32();
            s.params.iterations = r.u32();
            s.params.parallelism = r.u8();
            s.salt = take(r, kSaltBytes);
            break;
        case SlotKind::recipient: {
            if (version < kFormatVersionWithRecipients) {
                refuse("recipient slot in a format " + std::to_string(version) + " header");
            }
            s.ephemeral_share = take(r, kPublicKeyBytes);
            s.recipient_public_key = take(r, kPublicKeyBytes);
            const std::uint8_t label_bytes = r.u8();
            if (label_bytes > kMaxLabelBytes) {
                refuse("slot label of " + std::to_string(label_bytes) + " bytes");
            }
            const auto label = r.raw(label_bytes);
            s.label.assign(label.begin(), label.end());
            break;
        }
        default:
            // The layout of an unknown kind is unknown too: nothing after it
            // can be read, so the whole header is refused.
            refuse("unknown slot kind " + std::to_string(kind));
    }
    s.nonce = take(r, kNonceBytes);
    s.wrapped_vault_key = take(r, kWrappedKeyBytes);
    check_bounds(s);
    return s;
}

}  // namespace

std::uint16_t format_version(const Header& h) {
    if (h.admin) {
        return kFormatVersionSigned;
    }
    const bool recipients = std::any_of(h.slots.begin(), h.slots.end(), [](const Slot& s) {
        return s.kind == SlotKind::recipient;
    });
    return recipients ? kFormatVersionWithRecipients : kFormatVersion;
}

bool is_valid_slot_label(std::string_view label) {
    return label.size() <= kMaxLabelBytes && std::none_of(label.begin(), label.end(), [](char c) {
               const auto b = static_cast<unsigned char>(c);
               return b < 0x20 || b == 0x7f;
           });
}

Bytes encode_header_body(const Header& h) {
    Bytes out;
    Writer w(out);
    w.raw(kMagic);
    w.u16(format_version(h));
    w.raw(h.vault_id);
    w.u64(h.generation);
    w.u64(h.record_count);
    w.raw(h.manifest);
    w.u8(static_cast<std::uint8_t>(h.slots.size()));
    w.raw(encode_slots(h));
    if (h.admin) {
        write_admin_block(w, *h.admin);
    }
    return out;
}

Bytes signed_message(const Header& h) {
    Bytes out;
    Writer w(out);
    w.raw(kSignatureLabel);
    w.u16(kFormatVersionSigned);
    w.raw(h.vault_id);
    w.u64(h.admin->key_epoch);
    w.raw(h.admin->key_commitment);
    w.raw(h.admin->admin_public_key);
    w.u8(static_cast<std::uint8_t>(h.slots.size()));
    w.raw(encode_slots(h));
    return out;
}

Bytes handover_message(std::span<const std::uint8_t> vault_id,
                       std::span<const std::uint8_t> previous_admin,
                       std::span<const std::uint8_t> next_admin) {
    Bytes out;
    Writer w(out);
    w.raw(kHandoverLabel);
    w.raw(vault_id);
    w.raw(previous_admin);
    w.raw(next_admin);
    return out;
}

Bytes encode_slots(const Header& h) {
    Bytes out;
    Writer w(out);
    for (const Slot& s : h.slots) {
        write_slot_parameters(w, s);
        w.raw(s.nonce);
        w.raw(s.wrapped_vault_key);
    }
    return out;
}

Bytes encode_header(const Header& h) {
    Bytes out = encode_header_body(h);
    out.insert(out.end(), h.mac.begin(), h.mac.end());
    return out;
}

Header decode_header(std::span<const std::uint8_t> blob) {
    Reader r(blob, "vault header");
    const auto magic = r.raw(kMagic.size());
    if (!std::equal(magic.begin(), magic.end(), kMagic.begin())) {
        throw Error(ErrorCode::corrupt, "not a tresor vault (bad magic)");
    }
    const std::uint16_t version = r.u16();
    if (version != kFormatVersion && version != kFormatVersionWithRecipients &&
        version != kFormatVersionSigned) {
        throw Error(ErrorCode::corrupt, "vault format version " + std::to_string(version) +
                                            " is not supported (this tresor reads versions " +
                                            std::to_string(kFormatVersion) + " to " +
                                            std::to_string(kFormatVersionSigned) + ")");
    }
    Header h;
    h.vault_id = take(r, kVaultIdBytes);
    h.generation = r.u64();
    h.record_count = r.u64();
    h.manifest = take(r, kMacBytes);
    const std::uint8_t slot_count = r.u8();
    const std::size_t most = version == kFormatVersion ? kMaxSlots : kMaxSlotsWithRecipients;
    if (slot_count == 0 || slot_count > most) {
        refuse(std::to_string(slot_count) + " key slots");
    }
    for (std::uint8_t i = 0; i < slot_count; ++i) {
        h.slots.push_back(read_slot(r, version));
    }
    if (version == kFormatVersionSigned) {
        h.admin = read_admin_block(r);
    }
    // One encoding per header: format 2 only when a recipient slot needs it.
    if (version != format_version(h)) {
        refuse("format version " + std::to_string(version) + " without a recipient slot");
    }
    h.mac = take(r, kMacBytes);
    r.expect_end();
    return h;
}

Bytes slot_associated_data(const Header& h, const Slot& s) {
    Bytes out;
    Writer w(out);
    w.raw(kSlotLabel);
    w.u16(kFormatVersion);
    w.raw(h.vault_id);
    write_slot_parameters(w, s);
    return out;
}

}  // namespace tresor::vault::detail
