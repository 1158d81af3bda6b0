#include "vault/trust/admin_key.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>

#include "platform/file.hpp"
#include "vault/detail/files.hpp"
#include "vault/detail/header.hpp"
#include "vault/detail/key_text.hpp"
#include "vault/detail/keys.hpp"
#include "vault/detail/record_codec.hpp"

namespace tresor::vault {
namespace {

using namespace detail;

constexpr std::string_view kIdentityPrefix = "tresor-admin-";
constexpr std::string_view kFilePrefix = "tresor-admin-key-";
constexpr std::string_view kSealLabel = "tresor/v1/admin-key";
constexpr std::uint64_t kMaxFileBytes = 4096;
// public key, kind, kdf, memory, iterations, parallelism, salt
constexpr std::size_t kParameterBytes = kAdminPublicKeyBytes + 1 + 1 + 4 + 4 + 1 + kSaltBytes;
constexpr std::size_t kBlobBytes = kParameterBytes + kNonceBytes + kAdminSeedBytes + kTagBytes;
static_assert(crypto_sign_PUBLICKEYBYTES == kAdminPublicKeyBytes);
static_assert(crypto_sign_BYTES == kSignatureBytes);
static_assert(crypto_sign_SEEDBYTES == kAdminSeedBytes);

Bytes encode_parameters(std::span<const std::uint8_t> public_key, const Slot& slot) {
    Bytes out;
    Writer w(out);
    w.raw(public_key);
    w.u8(static_cast<std::uint8_t>(slot.kind));
    w.u8(slot.kdf);
    w.u32(slot.params.memory_kib);
    w.u32(slot.params.iterations);
    w.u8(static_cast<std::uint8_t>(slot.params.parallelism));
    w.raw(slot.salt);
    return out;
}

// The seal's key and AAD for these parameters (the seal binds them all).
SecureBytes seal_key(const Slot& slot, std::span<const std::uint8_t> public_key,
                     const Credential& credential) {
    return hkdf_sha256(slot_kek(slot, public_key, credential), public_key, kSealLabel);
}

Bytes seal_associated_data(std::span<const std::uint8_t> parameters) {
    Bytes out(kSealLabel.begin(), kSealLabel.end());
    out.insert(out.end(), parameters.begin(), parameters.end());
    return out;
}

[[noreturn]] void damaged(const std::string& where, const std::string& why) {
    throw Error(ErrorCode::corrupt, "admin key file " + where + " is damaged: " + why);
}

}  // namespace

AdminKeyPair admin_key_from_seed(std::span<const std::uint8_t> seed) {
    if (seed.size() != kAdminSeedBytes) {
        throw Error(ErrorCode::invalid_argument, "an admin key seed is 32 bytes");
    }
    initialize_sodium();
    AdminKeyPair pair{SecureBytes(crypto_sign_SECRETKEYBYTES),
                      std::vector<std::uint8_t>(crypto_sign_PUBLICKEYBYTES)};
    crypto_sign_seed_keypair(pair.public_key.data(), pair.secret_key.data(), seed.data());
    return pair;
}

AdminKeyPair generate_admin_key() {
    return admin_key_from_seed(random_key());
}

std::vector<std::uint8_t> admin_sign(const AdminKeyPair& key,
                                     std::span<const std::uint8_t> message) {
    initialize_sodium();
    std::vector<std::uint8_t> signature(crypto_sign_BYTES);
    crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                         key.secret_key.data());
    return signature;
}

bool admin_signature_verifies(std::span<const std::uint8_t> public_key,
                              std::span<const std::uint8_t> message,
                              std::span<const std::uint8_t> signature) {
    initialize_sodium();
    return public_key.size() == crypto_sign_PUBLICKEYBYTES &&
           signature.size() == crypto_sign_BYTES &&
           crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                       public_key.data()) == 0;
}

std::string admin_identity_text(std::span<const std::uint8_t> public_key) {
    return key_text(kIdentityPrefix, public_key);
}

std::vector<std::uint8_t> parse_admin_identity(std::string_view text) {
    return parse_public_key_text(kIdentityPrefix, text, "a tresor admin identity",
                                 "`tresor vault init` and `tresor vault info`");
}

SecureBytes seal_admin_key(const AdminKeyPair& key, const Credential& credential,
                           const KdfPolicy& policy) {
    if (credential.kind == Credential::Kind::hostkey) {
        throw Error(ErrorCode::invalid_argument,
                    "an admin key is sealed by a password or a key file, not a host key");
    }
    const Slot slot = new_slot_parameters(0, credential, policy);
    const Bytes parameters = encode_parameters(key.public_key, slot);
    const Bytes sealed = aead_seal(seal_key(slot, key.public_key, credential),
                                   std::span(key.secret_key).first(kAdminSeedBytes),
                                   seal_associated_data(parameters));
    Bytes blob = parameters;
    blob.insert(blob.end(), sealed.begin(), sealed.end());
    // Nothing secret left in the text: the seed is sealed.
    const std::string text = std::string(kFilePrefix) + to_hex(blob) + "\n";
    return SecureBytes(text.begin(), text.end());
}

AdminKeyPair open_admin_key(std::span<const std::uint8_t> file, const Credential& credential,
                            const KdfLimits& limits, const std::string& where) {
    if (!file.empty() && file.back() == '\n') {
        file = file.first(file.size() - 1);
    }
    if (file.size() != kFilePrefix.size() + 2 * kBlobBytes ||
        !std::equal(kFilePrefix.begin(), kFilePrefix.end(), file.begin())) {
        damaged(where,
                "not tresor-admin-key- and " + std::to_string(2 * kBlobBytes) + " hex digits");
    }
    Bytes blob(kBlobBytes);
    std::size_t decoded = 0;
    const auto hex = file.subspan(kFilePrefix.size());
    if (sodium_hex2bin(blob.data(), blob.size(), reinterpret_cast<const char*>(hex.data()),
                       hex.size(), nullptr, &decoded, nullptr) != 0 ||
        decoded != blob.size()) {
        damaged(where, "not hex");
    }
    Reader r(blob, "admin key file");
    const auto public_key = r.raw(kAdminPublicKeyBytes);
    Slot slot;
    slot.kind = static_cast<SlotKind>(r.u8());
    slot.kdf = r.u8();
    slot.params.memory_kib = r.u32();
    slot.params.iterations = r.u32();
    slot.params.parallelism = r.u8();
    const auto salt = r.raw(kSaltBytes);
    slot.salt.assign(salt.begin(), salt.end());
    const bool password = slot.kind == SlotKind::password &&
                          (slot.kdf == kKdfArgon2id13 || slot.kdf == kKdfArgon2id13OneLane);
    const bool keyfile = slot.kind == SlotKind::keyfile && slot.kdf == kKdfNone &&
                         slot.params.memory_kib == 0 && slot.params.iterations == 0 &&
                         slot.params.parallelism == 0;
    if (!password && !keyfile) {
        damaged(where, "unknown seal kind");
    }
    const bool wants_password = credential.kind == Credential::Kind::password;
    if (credential.kind == Credential::Kind::hostkey || wants_password != password) {
        throw Error(ErrorCode::auth_failed,
                    "admin key file " + where + " is sealed by " +
                        (password ? "a password" : "a key file") +
                        ": unlock with the credential it was made with (`tresor vault passwd` "
                        "re-seals it with the new password)");
    }
    if (password) {
        // Before the KDF runs: the parameters are the file's.
        const KdfPolicy policy{slot.params.memory_kib, slot.params.iterations,
                               slot.params.parallelism};
        check_kdf_policy(policy);
        check_kdf_policy_readable(policy, limits);
        if (slot.kdf == kKdfArgon2id13OneLane &&
            (policy.parallelism != 1 ||
             std::any_of(slot.salt.begin() + kOneLaneSaltBytes, slot.salt.end(),
                         [](std::uint8_t b) { return b != 0; }))) {
            damaged(where, "KDF 2 with more than one lane or a 32-byte salt");
        }
    }
    const auto parameters = std::span(blob).first(kParameterBytes);
    const auto sealed = std::span(blob).subspan(kParameterBytes);
    const auto seed =
        aead_open(seal_key(slot, public_key, credential), sealed, seal_associated_data(parameters));
    if (!seed || seed->size() != kAdminSeedBytes) {
        throw Error(ErrorCode::auth_failed,
                    "admin key file " + where + " does not open with this " +
                        (password ? "password" : "key file") + " (or it was tampered with)");
    }
    AdminKeyPair pair = admin_key_from_seed(*seed);
    if (!std::equal(pair.public_key.begin(), pair.public_key.end(), public_key.begin())) {
        damaged(where, "its seed does not give its public key");
    }
    return pair;
}

std::filesystem::path default_admin_key_path(std::span<const std::uint8_t> public_key) {
    std::filesystem::path base;
    if (const char* data = std::getenv("XDG_DATA_HOME"); data != nullptr && *data == '/') {
        base = data;
    } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        base = std::filesystem::path(home) / ".local" / "share";
    } else {
        throw Error(ErrorCode::invalid_argument,
                    "HOME is not set: give the admin key's place with admin_key = PATH");
    }
    return base / "tresor" / "admin" / (to_hex(public_key) + ".key");
}

SecureBytes read_admin_key_file(const std::filesystem::path& path) {
    const platform::FileDescriptor fd =
        platform::open_trusted_file(path, {.what = "admin key file",
                                           .owner = platform::Owner::self,
                                           .forbidden_mode = 077,
                                           .max_bytes = kMaxFileBytes});
    SecureBytes bytes;
    platform::read_bounded(fd.get(), kMaxFileBytes, "admin key file " + path.string(),
                           [&](std::span<const std::uint8_t> chunk) {
                               bytes.insert(bytes.end(), chunk.begin(), chunk.end());
                           });
    return bytes;
}

void write_admin_key_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                          bool replace) {
    make_private_dirs(path.parent_path());
    if (replace) {
        replace_private_file(path, bytes, "admin key file");
    } else {
        platform::write_private_file(path, bytes, "admin key file");
    }
}

}  // namespace tresor::vault
