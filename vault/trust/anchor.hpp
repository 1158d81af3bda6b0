// vault/trust/anchor.hpp — the rollback anchor: what this host remembers of
// each vault it opened, outside the store, so that a whole vault put back
// from an older backup (header and records together, which nothing in the
// store can tell from the real one) is noticed (docs/FLEET.md, "Rollback").
//
// One private file per vault id in a folder of the user's
// ($XDG_STATE_HOME/tresor/anchors, else ~/.local/state/tresor/anchors;
// 0700), holding one line:
//   "tresor-anchor-v1 KEY_EPOCH GENERATION ADMIN PIN\n"
// (decimal numbers; ADMIN and PIN 64 hex digits of an Ed25519 public key,
// or "-" for none). A state is older than another when its key epoch is
// lower, or equal with a lower generation: an admin's new epoch (a slot
// change, `tresor vault accept-restore`) supersedes any generation.
//
// Files are judged on their descriptors (this user's, 0600, in trusted
// folders) and replaced atomically under a lock on the folder, so several
// processes raising one anchor never lower it. Errors: tresor::Error, corrupt
// for a damaged file (naming it), as platform/file.hpp says otherwise.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tresor::vault {

struct AnchorState {
    std::uint64_t key_epoch = 0;  // 0: an unsigned header
    std::uint64_t generation = 0;
    // Who signed the header this state was seen in (empty: nobody), and the
    // pin this host had then (empty: none): a hand-over moves the admin.
    std::vector<std::uint8_t> admin;
    std::vector<std::uint8_t> pin;

    bool operator==(const AnchorState&) const = default;
};

// True when `a` is an older state than `b` (see above).
[[nodiscard]] bool older_than(const AnchorState& a, const AnchorState& b);

// The file's line for a state, and back; decode throws Error{corrupt} for
// anything but that exact line.
[[nodiscard]] std::string encode_anchor(const AnchorState& state);
[[nodiscard]] AnchorState decode_anchor(std::string_view text);

// Throws Error{invalid_argument} when neither XDG_STATE_HOME nor HOME is set.
[[nodiscard]] std::filesystem::path default_anchor_folder();

class RollbackAnchor {
  public:
    explicit RollbackAnchor(std::filesystem::path folder) : folder_(std::move(folder)) {}

    // What was stored for the vault (id in hex), if anything.
    [[nodiscard]] std::optional<AnchorState> load(const std::string& vault_id) const;
    // Stores `seen` unless the stored state is newer or the same.
    void raise(const std::string& vault_id, const AnchorState& seen) const;
    // Stores `state` whatever is stored: an admin accepted a restore.
    void reset(const std::string& vault_id, const AnchorState& state) const;

    [[nodiscard]] std::filesystem::path file(const std::string& vault_id) const;

  private:
    std::filesystem::path folder_;
};

}  // namespace tresor::vault
