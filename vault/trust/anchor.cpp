#include "vault/trust/anchor.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "platform/file.hpp"
#include "tresor/error.hpp"
#include "vault/detail/files.hpp"
#include "vault/detail/key_text.hpp"
#include "vault/detail/record_codec.hpp"

namespace tresor::vault {
namespace {

constexpr std::string_view kMagic = "tresor-anchor-v1";
constexpr std::uint64_t kMaxFileBytes = 512;

std::string key_or_dash(const std::vector<std::uint8_t>& key) {
    return key.empty() ? "-" : detail::to_hex(key);
}

[[noreturn]] void damaged() {
    throw Error(ErrorCode::corrupt, "not a tresor anchor line");
}

std::uint64_t number(std::string_view word) {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
    // One encoding: no sign, no leading zero.
    if (ec != std::errc() || end != word.data() + word.size() ||
        (word.size() > 1 && word[0] == '0')) {
        damaged();
    }
    return value;
}

std::vector<std::uint8_t> key(std::string_view word) {
    if (word == "-") {
        return {};
    }
    const bool lower_hex = word.size() == 2 * detail::kTextKeyBytes &&
                           std::all_of(word.begin(), word.end(), [](char c) {
                               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                           });
    if (!lower_hex) {
        damaged();
    }
    std::vector<std::uint8_t> out(detail::kTextKeyBytes);
    for (std::size_t i = 0; i < out.size(); ++i) {
        std::from_chars(word.data() + 2 * i, word.data() + 2 * i + 2, out[i], 16);
    }
    return out;
}

}  // namespace

bool older_than(const AnchorState& a, const AnchorState& b) {
    return a.key_epoch < b.key_epoch || (a.key_epoch == b.key_epoch && a.generation < b.generation);
}

std::string encode_anchor(const AnchorState& s) {
    return std::string(kMagic) + " " + std::to_string(s.key_epoch) + " " +
           std::to_string(s.generation) + " " + key_or_dash(s.admin) + " " + key_or_dash(s.pin) +
           "\n";
}

AnchorState decode_anchor(std::string_view text) {
    if (text.empty() || text.back() != '\n') {
        damaged();
    }
    text.remove_suffix(1);
    // Exactly five words, one space between each.
    std::vector<std::string_view> words;
    for (std::size_t start = 0;;) {
        const std::size_t space = text.find(' ', start);
        words.push_back(text.substr(start, space - start));
        if (space == std::string_view::npos) {
            break;
        }
        start = space + 1;
    }
    if (words.size() != 5 || words[0] != kMagic) {
        damaged();
    }
    return {number(words[1]), number(words[2]), key(words[3]), key(words[4])};
}

std::filesystem::path default_anchor_folder() {
    if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && *state == '/') {
        return std::filesystem::path(state) / "tresor" / "anchors";
    }
    const char* home = std::getenv("HOME");
    if (home == nullptr || *home == '\0') {
        throw Error(ErrorCode::invalid_argument,
                    "HOME is not set: the rollback anchor has no folder (set XDG_STATE_HOME or "
                    "HOME, or anchor = false)");
    }
    return std::filesystem::path(home) / ".local" / "state" / "tresor" / "anchors";
}

std::filesystem::path RollbackAnchor::file(const std::string& vault_id) const {
    return folder_ / vault_id;
}

std::optional<AnchorState> RollbackAnchor::load(const std::string& vault_id) const {
    const std::filesystem::path path = file(vault_id);
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
        return std::nullopt;
    }
    const platform::FileDescriptor fd =
        platform::open_trusted_file(path, {.what = "rollback anchor",
                                           .owner = platform::Owner::self,
                                           .forbidden_mode = 077,
                                           .max_bytes = kMaxFileBytes});
    std::string text;
    platform::read_bounded(
        fd.get(), kMaxFileBytes, "rollback anchor " + path.string(),
        [&](std::span<const std::uint8_t> chunk) { text.append(chunk.begin(), chunk.end()); });
    try {
        return decode_anchor(text);
    } catch (const Error&) {
        throw Error(ErrorCode::corrupt,
                    "rollback anchor " + path.string() +
                        " is damaged; remove it to trust the vault as it is now");
    }
}

void RollbackAnchor::raise(const std::string& vault_id, const AnchorState& seen) const {
    detail::make_private_dirs(folder_);
    const detail::FolderLock lock(folder_, "rollback anchor " + file(vault_id).string());
    const std::optional<AnchorState> stored = load(vault_id);
    if (stored && (*stored == seen || older_than(seen, *stored))) {
        return;
    }
    const std::string line = encode_anchor(seen);
    detail::replace_private_file(file(vault_id),
                                 {reinterpret_cast<const std::uint8_t*>(line.data()), line.size()},
                                 "rollback anchor");
}

void RollbackAnchor::reset(const std::string& vault_id, const AnchorState& state) const {
    detail::make_private_dirs(folder_);
    const detail::FolderLock lock(folder_, "rollback anchor " + file(vault_id).string());
    const std::string line = encode_anchor(state);
    detail::replace_private_file(file(vault_id),
                                 {reinterpret_cast<const std::uint8_t*>(line.data()), line.size()},
                                 "rollback anchor");
}

}  // namespace tresor::vault
