#include "serve/session_tokens.hpp"

#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/system_rng.h>

#include <algorithm>

namespace tresor::serve {
namespace {

constexpr std::string_view kPrefix = "tresor_sess_";
constexpr std::size_t kIdBytes = 8;
constexpr std::size_t kSecretBytes = 32;

SecureBytes sha256(std::string_view text) {
    auto hash = Botan::HashFunction::create_or_throw("SHA-256");
    hash->update(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    const auto digest = hash->final();
    return SecureBytes(digest.begin(), digest.end());
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
    Botan::System_RNG rng;
    const std::string id = Botan::hex_encode(rng.random_vec(kIdBytes), false);
    const Botan::secure_vector<std::uint8_t> secret_bytes = rng.random_vec(kSecretBytes);
    std::string secret = Botan::hex_encode(secret_bytes.data(), secret_bytes.size(), false);
    SetOptions options;
    for (const std::string& scope : scopes) {
        options.label += (options.label.empty() ? "" : ",") + scope;
    }
    options.description = "session token for tresor serve";
    if (lifetime) {
        options.expires_at =
            std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + *lifetime;
    }
    store.set({std::string(kSessionService), id}, Secret(sha256(secret)), options);
    Secret token(std::string(kPrefix) + id + "_" + secret);
    std::fill(secret.begin(), secret.end(), '\0');
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
