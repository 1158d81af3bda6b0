#include "vault/detail/record_codec.hpp"

namespace tresor::vault::detail {
namespace {

constexpr std::string_view kRecordLabel = "tresor/v1/record";

}  // namespace

Bytes name_index(const Subkeys& keys, std::string_view service, std::string_view name) {
    Bytes message;
    Writer w(message);
    w.raw(std::string_view("name"));
    w.text(service);  // length-prefixed: ("ab","c") and ("a","bc") differ
    w.text(name);
    return hmac_sha256(keys.index, message);
}

Bytes service_index(const Subkeys& keys, std::string_view service) {
    Bytes message;
    Writer w(message);
    w.raw(std::string_view("service"));
    w.text(service);
    return hmac_sha256(keys.index, message);
}

Bytes record_associated_data(const RecordIdentity& id, Field field) {
    Bytes out;
    Writer w(out);
    w.raw(kRecordLabel);
    w.u16(kFormatVersion);
    w.raw(id.vault_id);
    w.raw(id.record_id);
    w.raw(id.name_index);
    w.u8(static_cast<std::uint8_t>(field));
    w.u64(id.version);
    return out;
}

SecureBytes encode_value(std::int64_t expires_at, std::span<const std::uint8_t> value) {
    SecureBytes out;
    out.reserve(8 + value.size());
    Writer w(out);
    w.i64(expires_at);
    w.raw(value);
    return out;
}

SecureBytes encode_metadata(const Metadata& m) {
    SecureBytes out;
    Writer w(out);
    w.u32(m.type);
    w.i64(m.created_at);
    w.i64(m.updated_at);
    w.i64(m.expires_at);
    w.text(m.service);
    w.text(m.name);
    w.text(m.label);
    w.text(m.description);
    // Written only when there are any: a record without them is byte for
    // byte what earlier versions wrote and read. last_used_at follows
    // attributes (then written even when empty), only once a use was recorded.
    if (!m.attributes.empty() || m.last_used_at != 0) {
        w.text(m.attributes);
    }
    if (m.last_used_at != 0) {
        w.i64(m.last_used_at);
    }
    return out;
}

Metadata decode_metadata(std::span<const std::uint8_t> plaintext) {
    Reader r(plaintext, "record metadata");
    Metadata m;
    m.type = r.u32();
    m.created_at = r.i64();
    m.updated_at = r.i64();
    m.expires_at = r.i64();
    m.service = r.text();
    m.name = r.text();
    m.label = r.text();
    m.description = r.text();
    if (!r.at_end()) {
        m.attributes = r.text();
    }
    if (!r.at_end()) {
        m.last_used_at = r.i64();
    }
    r.expect_end();
    return m;
}

Bytes manifest_entry(const Subkeys& keys, const RecordIdentity& id,
                     std::span<const std::uint8_t> metadata_sealed,
                     std::span<const std::uint8_t> value_sealed) {
    Bytes message;
    Writer w(message);
    w.raw(id.record_id);
    w.raw(id.name_index);
    w.u64(id.version);
    w.raw(sha256(metadata_sealed));
    w.raw(sha256(value_sealed));
    return hmac_sha256(keys.manifest, message);
}

void xor_into(Bytes& accumulator, std::span<const std::uint8_t> entry) {
    for (std::size_t i = 0; i < accumulator.size() && i < entry.size(); ++i) {
        accumulator[i] ^= entry[i];
    }
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 0xf];
    }
    return out;
}

}  // namespace tresor::vault::detail
