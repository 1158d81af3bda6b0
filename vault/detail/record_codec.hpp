// vault/detail/record_codec.hpp — how one record is laid out: the blind
// indexes, the associated data binding each ciphertext to its vault, record,
// name and version, the plaintext encodings and the manifest entry.
#pragma once

#include "vault/detail/keys.hpp"

namespace tresor::vault::detail {

constexpr std::size_t kRecordIdBytes = 16;
enum class Field : std::uint8_t { metadata = 1, value = 2 };

[[nodiscard]] Bytes name_index(const Subkeys& keys, std::string_view service,
                               std::string_view name);
[[nodiscard]] Bytes service_index(const Subkeys& keys, std::string_view service);

struct RecordIdentity {
    std::span<const std::uint8_t> vault_id;
    std::span<const std::uint8_t> record_id;
    std::span<const std::uint8_t> name_index;
    std::uint64_t version;
};

[[nodiscard]] Bytes record_associated_data(const RecordIdentity& id, Field field);

// value plaintext: i64 expires_at || secret bytes (so get needs one AEAD open)
[[nodiscard]] SecureBytes encode_value(std::int64_t expires_at,
                                       std::span<const std::uint8_t> value);
// metadata plaintext: u32 type, i64 created, i64 updated, i64 expires, then
// service, name, label, description as u32-length-prefixed UTF-8, then
// optionally attributes and last_used_at (docs/VAULT-FORMAT.md, "Records").
[[nodiscard]] SecureBytes encode_metadata(const Metadata& m);
[[nodiscard]] Metadata decode_metadata(std::span<const std::uint8_t> plaintext);

// HMAC(manifest key, record_id || name_index || u64 version ||
//      SHA-256(metadata ciphertext) || SHA-256(value ciphertext))
[[nodiscard]] Bytes manifest_entry(const Subkeys& keys, const RecordIdentity& id,
                                   std::span<const std::uint8_t> metadata_sealed,
                                   std::span<const std::uint8_t> value_sealed);

void xor_into(Bytes& accumulator, std::span<const std::uint8_t> entry);

[[nodiscard]] std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace tresor::vault::detail
