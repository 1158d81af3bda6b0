#include "serve/session_tokens.hpp"

#include <sodium.h>

#include <algorithm>
#include <span>

#include "core/clock.hpp"

namespace tresor::serve {
namespace {

constexpr std::string_view kPrefix = "tresor_sess_";
constexpr std::size_t kIdBytes = 8;
constexpr std::size_t kSecretBytes = 32;

// libsodium's SHA-256, random bytes and hex need no sodium_init(): the RNG
// opens itself on first use.
SecureBytes sha256(std::string_view text) {
    SecureBytes digest(crypto_hash_sha256_BYTES);
    crypto_hash_sha256(digest.data(), reinterpret_cast<const std::uint8_t*>(text.data()),
                       text.size());
    return digest;
}

// Lowercase hex of `bytes`, appended to `out` (a std::string or SecureBytes).
template <typename Out>
void append_hex(Out& out, std::span<const std::uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    for (const std::uint8_t b : bytes) {
        out.push_back(static_cast<typename Out::value_type>(kDigits[b >> 4]));
        out.push_back(static_cast<typename Out::value_type>(kDigits[b & 0x0f]));
    }
}

bool is_hex(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::vector<std::string> split_scopes(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        out.emplace_back(text.substr(0, comma));
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return out;
}

}  // namespace

std::vector<std::string> parse_api_scopes(std::string_view comma_separated) {
    std::vector<std::string> scopes = split_scopes(comma_separated);
    if (scopes.empty()) {
        throw Error(ErrorCode::invalid_argument, "a token needs at least one scope");
    }
    for (const std::string& scope : scopes) {
        if (scope != kScopeStore && scope != kScopeRead && scope != kScopeUse) {
            throw Error(ErrorCode::invalid_argument,
                        "unknown scope '" + scope +
                            "' (known: credentials:store, credentials:read, credentials:use)");
        }
    }
    std::sort(scopes.begin(), scopes.end());
    scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
    return scopes;
}

Secret create_token(Store& store, const std::vector<std::string>& scopes,
                    std::optional<std::chrono::seconds> lifetime) {
    std::uint8_t id_bytes[kIdBytes];
    randombytes_buf(id_bytes, sizeof(id_bytes));
    std::string id;
    append_hex(id, id_bytes);
    SecureBytes secret_bytes(kSecretBytes);
    randombytes_buf(secret_bytes.data(), secret_bytes.size());
    // The whole token is built in wiped memory: no copy of the secret is
    // left behind in a std::string.
    Secret token;
    SecureBytes& text = token.storage();
    text.assign(kPrefix.begin(), kPrefix.end());
    text.insert(text.end(), id.begin(), id.end());
    text.push_back('_');
    const std::size_t secret_at = text.size();
    append_hex(text, secret_bytes);
    const std::string_view secret = token.view().substr(secret_at);
    SetOptions options;
    for (const std::string& scope : scopes) {
        options.label += (options.label.empty() ? "" : ",") + scope;
    }
    options.description = "session token for tresor serve";
    if (lifetime) {
        options.expires_at = core::now() + *lifetime;
    }
    store.set({std::string(kSessionService), id}, Secret(sha256(secret)), options);
    return token;
}

namespace {

struct Bearer {
    std::string_view id;
    std::string_view secret;
};

// The id and secret of "Bearer tresor_sess_<id>_<secret>"; empty for any
// other text.
std::optional<Bearer> parse_bearer(std::string_view authorization) {
    constexpr std::string_view kBearer = "Bearer ";
    if (!authorization.starts_with(kBearer)) {
        return std::nullopt;
    }
    std::string_view token = authorization.substr(kBearer.size());
    if (!token.starts_with(kPrefix) ||
        token.size() != kPrefix.size() + 2 * kIdBytes + 1 + 2 * kSecretBytes) {
        return std::nullopt;
    }
    token.remove_prefix(kPrefix.size());
    const Bearer bearer{token.substr(0, 2 * kIdBytes), token.substr(2 * kIdBytes + 1)};
    if (token[2 * kIdBytes] != '_' || !is_hex(bearer.id) || !is_hex(bearer.secret)) {
        return std::nullopt;
    }
    return bearer;
}

bool expired(const std::optional<Timestamp>& expires_at) {
    return expires_at && *expires_at <= core::now();
}

}  // namespace

std::optional<std::vector<std::string>> TokenCache::check(std::string_view authorization,
                                                          std::string* id_out) {
    const std::optional<Bearer> bearer = parse_bearer(authorization);
    if (!bearer) {
        return std::nullopt;
    }
    const SecureBytes hash = sha256(bearer->secret);
    const auto now = std::chrono::steady_clock::now();
    {
        const std::lock_guard lock(mutex_);
        const auto it = known_.find(bearer->id);
        if (it != known_.end() && now - it->second.checked < kRecheckAfter) {
            const Known& known = it->second;
            if (hash.size() != known.hash.size() ||
                sodium_memcmp(hash.data(), known.hash.data(), hash.size()) != 0 ||
                expired(known.expires_at)) {
                return std::nullopt;
            }
            if (id_out != nullptr) {
                *id_out = bearer->id;
            }
            return known.scopes;
        }
    }
    // Unknown here, or due for a check: the store decides, outside the lock.
    const Key key{std::string(kSessionService), std::string(bearer->id)};
    const std::optional<Secret> stored = store_.get(key);
    const std::optional<Entry> entry = stored ? store_.entry(key) : std::nullopt;
    const std::lock_guard lock(mutex_);
    if (!entry || !stored->equals(hash)) {
        known_.erase(std::string(bearer->id));
        return std::nullopt;
    }
    const std::vector<std::string> scopes = split_scopes(entry->label);
    known_.insert_or_assign(std::string(bearer->id), Known{hash, scopes, entry->expires_at, now});
    if (id_out != nullptr) {
        *id_out = bearer->id;
    }
    return scopes;
}

}  // namespace tresor::serve
