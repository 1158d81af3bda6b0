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
        if (scope != kScopeStore && scope != kScopeRead) {
            throw Error(
                ErrorCode::invalid_argument,
                "unknown scope '" + scope + "' (known: credentials:store, credentials:read)");
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

std::optional<std::vector<std::string>> check_token(Store& store, std::string_view authorization) {
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
    const std::string_view id = token.substr(0, 2 * kIdBytes);
    const std::string_view secret = token.substr(2 * kIdBytes + 1);
    if (token[2 * kIdBytes] != '_' || !is_hex(id) || !is_hex(secret)) {
        return std::nullopt;
    }
    const Key key{std::string(kSessionService), std::string(id)};
    const std::optional<Secret> stored = store.get(key);
    const std::optional<Entry> entry = stored ? store.entry(key) : std::nullopt;
    if (!entry || !stored->equals(sha256(secret))) {
        return std::nullopt;
    }
    return split_scopes(entry->label);
}

}  // namespace tresor::serve
