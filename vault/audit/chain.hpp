// vault/audit/chain.hpp — the audit log as a chain of sealed blocks in the
// record store (docs/VAULT-FORMAT.md, "Audit log"):
//
//   seal key   = HKDF(VK, vault_id, "tresor/v1/audit")
//   link key   = HKDF(VK, vault_id, "tresor/v1/audit-link")
//   block(seq) = Seal(seal key, nonce, encode_block(events),
//                     "tresor/v1/audit" || u16 1 || vault_id || u64 seq)
//   link(seq)  = HMAC(link key, link(seq - 1) || u64 seq || SHA256(block(seq)))
//   head entry = HMAC(link key, "tresor/v1/audit-head" || u64 seq || link(seq))
//
// Blocks are numbered 1, 2, ... without gaps; link(0) is 32 zero bytes, or,
// once older blocks were pruned, the link the latest prune event names. The
// head entry of the last block is XORed into the header's manifest, which
// the header MAC authenticates: a removed last block, or a log rolled back
// with its records kept, no longer matches the manifest.
//
// Every function works inside the caller's store transaction (appends,
// reseal and prune in a write transaction) and never writes the header: the
// caller stores the manifest it was handed. Thread safety: as the store's.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tresor/secret.hpp"
#include "vault/audit/event.hpp"
#include "vault/record_store.hpp"

namespace tresor::vault::audit {

constexpr std::size_t kLinkBytes = 32;

struct Keys {
    SecureBytes seal;
    SecureBytes link;
};

[[nodiscard]] Keys derive_keys(std::span<const std::uint8_t> vault_key,
                               std::span<const std::uint8_t> vault_id);

[[nodiscard]] std::vector<std::uint8_t> block_associated_data(
    std::span<const std::uint8_t> vault_id, std::uint64_t seq);
[[nodiscard]] std::vector<std::uint8_t> block_link(const Keys& keys,
                                                   std::span<const std::uint8_t> previous,
                                                   std::uint64_t seq,
                                                   std::span<const std::uint8_t> block);
[[nodiscard]] std::vector<std::uint8_t> head_entry(const Keys& keys, std::uint64_t seq,
                                                   std::span<const std::uint8_t> link);

// Seals each plaintext (codec.hpp's blocks) as a block after the store's
// last one, and moves the head entry in `manifest` from the old last block
// to the new one. Nothing for none. Returns the blocks written.
std::size_t append_blocks(RecordStore& store, const Keys& keys,
                          std::span<const std::uint8_t> vault_id,
                          std::vector<std::uint8_t>& manifest,
                          std::span<const std::vector<std::uint8_t>> plaintexts);

// What reading the whole chain found.
struct ChainReport {
    std::uint64_t blocks = 0;
    std::uint64_t events = 0;
    std::uint64_t first_seq = 0;  // 0: no block
    std::uint64_t last_seq = 0;
    std::vector<std::string> problems;  // empty: the chain holds together
    // The manifest's share for this log: zero bytes for none, else the head
    // entry of its last block (from the links as recomputed).
    std::vector<std::uint8_t> head;
};

// Reads every block in order: each block must open under its sequence
// number, follow its predecessor without a gap, and carry the link its
// predecessor and bytes give; a log that starts after block 1 must start
// where its latest prune event says. Each event of a block that opens goes
// to `sink` with its block's number. Problems are reported, never thrown.
[[nodiscard]] ChainReport read_chain(
    RecordStore& store, const Keys& keys, std::span<const std::uint8_t> vault_id,
    const std::function<void(std::uint64_t seq, const Event& event)>& sink);

// For a rotation: every block re-sealed under `next` (same events; new
// nonces and links from the same base), and the new head entry XORed into
// `manifest`. Throws Error{corrupt} when a block does not open: nothing
// should be re-sealed on top of a damaged log.
void reseal_chain(RecordStore& store, const Keys& current, const Keys& next,
                  std::span<const std::uint8_t> vault_id, std::vector<std::uint8_t>& manifest);

struct Pruned {
    std::uint64_t blocks = 0;  // how many were removed
    std::string detail;        // the prune event's: "through=N link=HEX"
};

// Removes the oldest blocks whose every event is older than before_ms, never
// the last block, after checking the whole chain (Error{corrupt} when it has
// a problem: a prune must not hide one). Returns what the prune event must
// say (the link a reader starts the chain from), or nothing when no block
// was old enough. The caller appends the prune event.
[[nodiscard]] std::optional<Pruned> prune_blocks(RecordStore& store, const Keys& keys,
                                                 std::span<const std::uint8_t> vault_id,
                                                 std::int64_t before_ms);

}  // namespace tresor::vault::audit
