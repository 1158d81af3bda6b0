#include "vault/audit/chain.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>

#include "vault/audit/codec.hpp"
#include "vault/detail/bytes.hpp"
#include "vault/detail/crypto.hpp"
#include "vault/detail/record_codec.hpp"

namespace tresor::vault::audit {
namespace {

using detail::Bytes;

constexpr std::string_view kBlockLabel = "tresor/v1/audit";
constexpr std::string_view kHeadLabel = "tresor/v1/audit-head";
constexpr std::uint16_t kAadVersion = 1;
constexpr std::string_view kThrough = "through=";
constexpr std::string_view kLink = " link=";

Bytes zero_link() {
    return Bytes(kLinkBytes, 0);
}

std::optional<SecureBytes> open_block(const Keys& keys, std::span<const std::uint8_t> vault_id,
                                      const StoredAuditBlock& row) {
    return detail::aead_open(keys.seal, row.block, block_associated_data(vault_id, row.seq));
}

// The prune event's "through=N link=HEX", parsed; nothing for other text.
std::optional<std::pair<std::uint64_t, Bytes>> parse_prune(std::string_view detail) {
    if (!detail.starts_with(kThrough)) {
        return std::nullopt;
    }
    detail.remove_prefix(kThrough.size());
    std::uint64_t through = 0;
    const auto [end, ec] = std::from_chars(detail.data(), detail.data() + detail.size(), through);
    const std::string_view rest(end, static_cast<std::size_t>(detail.data() + detail.size() - end));
    if (ec != std::errc() || !rest.starts_with(kLink) ||
        rest.size() != kLink.size() + 2 * kLinkBytes) {
        return std::nullopt;
    }
    Bytes link(kLinkBytes);
    std::size_t decoded = 0;
    if (sodium_hex2bin(link.data(), link.size(), rest.data() + kLink.size(), 2 * kLinkBytes,
                       nullptr, &decoded, nullptr) != 0 ||
        decoded != kLinkBytes) {
        return std::nullopt;
    }
    return std::pair{through, std::move(link)};
}

std::string describe_block(std::uint64_t seq) {
    return "audit block " + std::to_string(seq);
}

// HMAC-SHA256 under the link key of first || u64 seq || last: a block's link
// (the previous link, the block's digest) and the head entry (the head
// label, the newest link) are both made so.
template <typename First>
Bytes link_mac(const Keys& keys, const First& first, std::uint64_t seq,
               std::span<const std::uint8_t> last) {
    Bytes message;
    detail::Writer w(message);
    w.raw(first);
    w.u64(seq);
    w.raw(last);
    return detail::hmac_sha256(keys.link, message);
}

// What read_chain keeps of each block for the link pass.
struct Seen {
    std::uint64_t seq;
    Bytes digest;  // SHA256 of the stored block
    Bytes stored_link;
};

}  // namespace

Keys derive_keys(std::span<const std::uint8_t> vault_key, std::span<const std::uint8_t> vault_id) {
    return {detail::hkdf_sha256(vault_key, vault_id, "tresor/v1/audit"),
            detail::hkdf_sha256(vault_key, vault_id, "tresor/v1/audit-link")};
}

std::vector<std::uint8_t> block_associated_data(std::span<const std::uint8_t> vault_id,
                                                std::uint64_t seq) {
    Bytes out;
    detail::Writer w(out);
    w.raw(kBlockLabel);
    w.u16(kAadVersion);
    w.raw(vault_id);
    w.u64(seq);
    return out;
}

std::vector<std::uint8_t> block_link(const Keys& keys, std::span<const std::uint8_t> previous,
                                     std::uint64_t seq, std::span<const std::uint8_t> block) {
    return link_mac(keys, previous, seq, detail::sha256(block));
}

std::vector<std::uint8_t> head_entry(const Keys& keys, std::uint64_t seq,
                                     std::span<const std::uint8_t> link) {
    return link_mac(keys, kHeadLabel, seq, link);
}

std::size_t append_blocks(RecordStore& store, const Keys& keys,
                          std::span<const std::uint8_t> vault_id,
                          std::vector<std::uint8_t>& manifest,
                          std::span<const std::vector<std::uint8_t>> plaintexts) {
    if (plaintexts.empty()) {
        return 0;
    }
    const std::optional<StoredAuditBlock> last = store.last_audit_block();
    std::uint64_t seq = last ? last->seq : 0;
    Bytes link = last ? last->link : zero_link();
    if (last) {
        detail::xor_into(manifest, head_entry(keys, seq, link));
    }
    for (const std::vector<std::uint8_t>& plaintext : plaintexts) {
        StoredAuditBlock row;
        row.seq = ++seq;
        row.block =
            detail::aead_seal(keys.seal, plaintext, block_associated_data(vault_id, row.seq));
        row.link = block_link(keys, link, row.seq, row.block);
        link = row.link;
        store.put_audit_block(row);
    }
    detail::xor_into(manifest, head_entry(keys, seq, link));
    return plaintexts.size();
}

ChainReport read_chain(RecordStore& store, const Keys& keys, std::span<const std::uint8_t> vault_id,
                       const std::function<void(std::uint64_t, const Event&)>& sink) {
    ChainReport report;
    std::vector<Seen> seen;
    std::optional<std::pair<std::uint64_t, Bytes>> base;  // the latest prune event's
    store.scan_audit([&](const StoredAuditBlock& row) {
        if (report.blocks == 0) {
            report.first_seq = row.seq;
        } else if (row.seq != report.last_seq + 1) {
            report.problems.push_back(row.seq <= report.last_seq
                                          ? describe_block(row.seq) + " is out of order"
                                          : "audit blocks " + std::to_string(report.last_seq + 1) +
                                                " to " + std::to_string(row.seq - 1) +
                                                " are missing");
        }
        ++report.blocks;
        report.last_seq = row.seq;
        seen.push_back({row.seq, detail::sha256(row.block), row.link});
        const auto plaintext = open_block(keys, vault_id, row);
        if (!plaintext) {
            report.problems.push_back(describe_block(row.seq) +
                                      " failed authentication (edited, moved or from another "
                                      "vault)");
            return true;
        }
        try {
            for (const Event& event : decode_block(*plaintext)) {
                ++report.events;
                if (event.operation == Operation::prune) {
                    base = parse_prune(event.detail);
                }
                sink(row.seq, event);
            }
        } catch (const Error& e) {
            report.problems.push_back(describe_block(row.seq) + ": " + e.what());
        }
        return true;
    });
    if (seen.empty()) {
        return report;
    }
    Bytes link = zero_link();
    if (report.first_seq != 1) {
        if (!base || base->first + 1 != report.first_seq) {
            report.problems.push_back("audit blocks 1 to " + std::to_string(report.first_seq - 1) +
                                      " are missing, and no prune event says they were pruned");
        } else {
            link = base->second;
        }
    }
    for (const Seen& block : seen) {
        Bytes expected = link_mac(keys, link, block.seq, block.digest);
        if (!detail::equal_in_constant_time(expected, block.stored_link)) {
            report.problems.push_back(describe_block(block.seq) +
                                      " does not follow the block before it (its link differs)");
            expected = block.stored_link;  // one problem per break, not one per later block
        }
        link = std::move(expected);
    }
    report.head = head_entry(keys, report.last_seq, link);
    return report;
}

void reseal_chain(RecordStore& store, const Keys& current, const Keys& next,
                  std::span<const std::uint8_t> vault_id, std::vector<std::uint8_t>& manifest) {
    std::vector<std::pair<std::uint64_t, SecureBytes>> plaintexts;
    std::optional<Bytes> base;
    store.scan_audit([&](const StoredAuditBlock& row) {
        auto plaintext = open_block(current, vault_id, row);
        if (!plaintext) {
            throw Error(ErrorCode::corrupt,
                        describe_block(row.seq) + " failed authentication; nothing rotated");
        }
        for (const Event& event : decode_block(*plaintext)) {
            if (event.operation == Operation::prune) {
                if (auto prune = parse_prune(event.detail)) {
                    base = std::move(prune->second);
                }
            }
        }
        plaintexts.emplace_back(row.seq, std::move(*plaintext));
        return true;
    });
    if (plaintexts.empty()) {
        return;
    }
    Bytes link = plaintexts.front().first == 1 || !base ? zero_link() : *base;
    for (const auto& [seq, plaintext] : plaintexts) {
        StoredAuditBlock row;
        row.seq = seq;
        row.block = detail::aead_seal(next.seal, plaintext, block_associated_data(vault_id, seq));
        row.link = block_link(next, link, seq, row.block);
        link = row.link;
        store.put_audit_block(row);
    }
    detail::xor_into(manifest, head_entry(next, plaintexts.back().first, link));
}

std::optional<Pruned> prune_blocks(RecordStore& store, const Keys& keys,
                                   std::span<const std::uint8_t> vault_id, std::int64_t before_ms) {
    // Block numbers and whether each is old enough: only a prefix goes.
    std::vector<std::pair<std::uint64_t, bool>> old;
    const ChainReport report =
        read_chain(store, keys, vault_id, [&](std::uint64_t seq, const Event& event) {
            if (old.empty() || old.back().first != seq) {
                old.emplace_back(seq, true);
            }
            old.back().second = old.back().second && event.time_ms < before_ms;
        });
    if (!report.problems.empty()) {
        throw Error(ErrorCode::corrupt, "the audit log has problems (" + report.problems.front() +
                                            "); nothing pruned: see `tresor audit verify`");
    }
    std::uint64_t through = 0;
    for (std::size_t i = 0; i + 1 < old.size() && old[i].second; ++i) {
        through = old[i].first;
    }
    if (through == 0) {
        return std::nullopt;
    }
    std::optional<Bytes> link;
    store.scan_audit([&](const StoredAuditBlock& row) {
        if (row.seq == through) {
            link = row.link;
        }
        return row.seq < through;
    });
    store.erase_audit_through(through);
    return Pruned{through - report.first_seq + 1, std::string(kThrough) + std::to_string(through) +
                                                      std::string(kLink) + detail::to_hex(*link)};
}

}  // namespace tresor::vault::audit
