#include "plugins/keyutils/key_codec.hpp"

#include <cstring>

#include "plugins/common/key_text.hpp"

namespace tresor::keyutils {
namespace {

constexpr std::string_view kMagic = "TRK1";

// ':' separates service from name; bytes outside printable ASCII are escaped
// so that descriptions stay readable in `keyctl show`.
constexpr tresor::plugin::KeyText kDescription{
    kDescriptionPrefix, ':', [](unsigned char byte) { return byte > 0x20 && byte < 0x7f; }};

void put(std::vector<std::uint8_t>& out, std::uint64_t v, int width) {
    for (int i = 0; i < width; ++i) {
        out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    }
}

}  // namespace

std::string describe(std::string_view service, std::string_view name) {
    return kDescription.write(service, name);
}

std::optional<std::pair<std::string, std::string>> parse_description(std::string_view d) {
    return kDescription.read(d);
}

std::size_t header_size(const Record& r) {
    return kMagic.size() + 4 + 8 * 3 + 4 + r.label.size() + 4 + r.description.size();
}

void encode_header(const Record& r, std::vector<std::uint8_t>& out) {
    out.insert(out.end(), kMagic.begin(), kMagic.end());
    put(out, r.type, 4);
    put(out, static_cast<std::uint64_t>(r.created_at), 8);
    put(out, static_cast<std::uint64_t>(r.updated_at), 8);
    put(out, static_cast<std::uint64_t>(r.expires_at), 8);
    put(out, r.label.size(), 4);
    out.insert(out.end(), r.label.begin(), r.label.end());
    put(out, r.description.size(), 4);
    out.insert(out.end(), r.description.begin(), r.description.end());
}

std::optional<std::size_t> decode_header(std::span<const std::uint8_t> p, Record& r) {
    std::size_t pos = 0;
    auto get = [&](int width) -> std::optional<std::uint64_t> {
        if (p.size() - pos < static_cast<std::size_t>(width)) {
            return std::nullopt;
        }
        std::uint64_t v = 0;
        for (int i = 0; i < width; ++i) {
            v |= static_cast<std::uint64_t>(p[pos++]) << (8 * i);
        }
        return v;
    };
    auto text = [&](std::string& out) {
        auto n = get(4);
        if (!n || p.size() - pos < *n) {
            return false;
        }
        out.assign(p.begin() + static_cast<std::ptrdiff_t>(pos),
                   p.begin() + static_cast<std::ptrdiff_t>(pos + *n));
        pos += *n;
        return true;
    };
    if (p.size() < kMagic.size() || std::memcmp(p.data(), kMagic.data(), kMagic.size()) != 0) {
        return std::nullopt;
    }
    pos = kMagic.size();
    auto type = get(4);
    auto created = get(8);
    auto updated = get(8);
    auto expires = get(8);
    if (!type || !created || !updated || !expires || !text(r.label) || !text(r.description)) {
        return std::nullopt;
    }
    r.type = static_cast<std::uint32_t>(*type);
    r.created_at = static_cast<std::int64_t>(*created);
    r.updated_at = static_cast<std::int64_t>(*updated);
    r.expires_at = static_cast<std::int64_t>(*expires);
    return pos;
}

}  // namespace tresor::keyutils
