#include "vault/unlock_cache.hpp"

#include <atomic>
#include <charconv>
#include <iostream>

#include "platform/session_keyring.hpp"
#include "tresor/error.hpp"
#include "vault/detail/crypto.hpp"

namespace tresor::vault {
namespace {

constexpr std::chrono::seconds kLongestCache = std::chrono::hours(24 * 7);

std::string entry_name(const std::string& vault_id) {
    return "tresor:vault:" + vault_id;
}

// Once per process: a script reading ten secrets gets one line, not ten.
void say_unavailable(const Error& refusal) {
    static std::atomic<bool> said{false};
    if (!said.exchange(true)) {
        std::cerr << "tresor: no unlock cache (" << refusal.what()
                  << "); unlocking the vault without it\n";
    }
}

}  // namespace

std::chrono::seconds parse_cache_duration(std::string_view text, std::string_view what) {
    std::uint64_t count = 0;
    const char* end = text.data() + text.size();
    auto [unit, ec] = std::from_chars(text.data(), end, count);
    std::uint64_t scale = 0;
    if (ec == std::errc() && unit + 1 == end) {
        scale = *unit == 's' ? 1 : *unit == 'm' ? 60 : *unit == 'h' ? 3600 : 0;
    }
    const std::chrono::seconds duration(scale != 0 && count <= kLongestCache.count() ? count * scale
                                                                                     : 0);
    if (duration.count() < 1 || duration > kLongestCache) {
        throw Error(ErrorCode::invalid_argument,
                    std::string(what) +
                        " must be a duration from 1s to 168h such as 90s, 15m or "
                        "2h, not '" +
                        std::string(text) + "'");
    }
    return duration;
}

std::optional<SecureBytes> find_cached_vault_key(const std::string& vault_id, bool asked) {
    SecureBytes key(detail::kKeyBytes);
    try {
        if (platform::read_session_key(entry_name(vault_id), key)) {
            return key;
        }
    } catch (const Error& e) {
        if (e.code() != ErrorCode::unavailable) {
            throw;
        }
        if (asked) {
            say_unavailable(e);
        }
    }
    return std::nullopt;
}

void cache_vault_key(const std::string& vault_id, std::span<const std::uint8_t> vault_key,
                     std::chrono::seconds duration) {
    platform::keep_session_key(entry_name(vault_id), vault_key, duration);
}

void cache_vault_key_if_possible(const std::string& vault_id,
                                 std::span<const std::uint8_t> vault_key,
                                 std::chrono::seconds duration) {
    try {
        cache_vault_key(vault_id, vault_key, duration);
    } catch (const Error& e) {
        if (e.code() != ErrorCode::unavailable) {
            throw;
        }
        say_unavailable(e);
    }
}

bool drop_cached_vault_key(const std::string& vault_id) {
    try {
        return platform::drop_session_key(entry_name(vault_id));
    } catch (const Error& e) {
        if (e.code() != ErrorCode::unavailable) {
            throw;
        }
        return false;
    }
}

}  // namespace tresor::vault
