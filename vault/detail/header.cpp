#include "vault/detail/header.hpp"

namespace tresor::vault::detail {
namespace {

constexpr std::string_view kMagic = "TRSV";
constexpr std::string_view kSlotLabel = "tresor/v1/slot";

void check_bounds(const Slot& slot) {
    const auto refuse = [](const std::string& why) {
        throw Error(ErrorCode::corrupt, "vault header refused: " + why);
    };
    if (slot.kind == SlotKind::keyfile) {
        if (slot.kdf != kKdfNone || slot.params.memory_kib != 0 || slot.params.iterations != 0 ||
            slot.params.parallelism != 0) {
            refuse("key-file slot with KDF parameters");
        }
        return;
    }
    if (slot.kind != SlotKind::password) {
        refuse("unknown slot kind " + std::to_string(static_cast<int>(slot.kind)));
    }
    if (slot.kdf != kKdfArgon2id13) {
        refuse("unknown KDF " + std::to_string(slot.kdf) + " (only Argon2id v0x13)");
    }
    const auto& p = slot.params;
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

// A slot's fields up to its salt: stored in the header and authenticated by
// the slot's wrap, in the same order.
void write_slot_parameters(Writer<Bytes>& w, const Slot& s) {
    w.u8(static_cast<std::uint8_t>(s.kind));
    w.u8(s.id);
    w.u8(s.kdf);
    w.u32(s.params.memory_kib);
    w.u32(s.params.iterations);
    w.u8(static_cast<std::uint8_t>(s.params.parallelism));
    w.raw(s.salt);
}

}  // namespace

Bytes encode_header_body(const Header& h) {
    Bytes out;
    Writer w(out);
    w.raw(kMagic);
    w.u16(h.format_version);
    w.raw(h.vault_id);
    w.u64(h.generation);
    w.u64(h.record_count);
    w.raw(h.manifest);
    w.u8(static_cast<std::uint8_t>(h.slots.size()));
    w.raw(encode_slots(h));
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
    Header h;
    h.format_version = r.u16();
    if (h.format_version != kFormatVersion) {
        throw Error(ErrorCode::corrupt, "vault format version " + std::to_string(h.format_version) +
                                            " is not supported (this tresor reads version " +
                                            std::to_string(kFormatVersion) + ")");
    }
    auto take = [&r](std::size_t n) {
        auto bytes = r.raw(n);
        return Bytes(bytes.begin(), bytes.end());
    };
    h.vault_id = take(kVaultIdBytes);
    h.generation = r.u64();
    h.record_count = r.u64();
    h.manifest = take(kMacBytes);
    const std::uint8_t slot_count = r.u8();
    if (slot_count == 0 || slot_count > kMaxSlots) {
        throw Error(ErrorCode::corrupt,
                    "vault header refused: " + std::to_string(slot_count) + " key slots");
    }
    for (std::uint8_t i = 0; i < slot_count; ++i) {
        Slot s;
        s.kind = static_cast<SlotKind>(r.u8());
        s.id = r.u8();
        s.kdf = r.u8();
        s.params.memory_kib = r.u32();
        s.params.iterations = r.u32();
        s.params.parallelism = r.u8();
        s.salt = take(kSaltBytes);
        s.nonce = take(kNonceBytes);
        s.wrapped_vault_key = take(kWrappedKeyBytes);
        check_bounds(s);
        h.slots.push_back(std::move(s));
    }
    h.mac = take(kMacBytes);
    r.expect_end();
    return h;
}

Bytes slot_associated_data(const Header& h, const Slot& s) {
    Bytes out;
    Writer w(out);
    w.raw(kSlotLabel);
    w.u16(h.format_version);
    w.raw(h.vault_id);
    write_slot_parameters(w, s);
    return out;
}

}  // namespace tresor::vault::detail
