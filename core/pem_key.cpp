#include "core/pem_key.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "core/base64.hpp"
#include "tresor/error.hpp"

namespace tresor::core {
namespace {

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kDashes = "-----";

[[noreturn]] void not_a_key(const std::string& why) {
    throw Error(ErrorCode::invalid_argument, "jwt credential: the private key " + why);
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

// RFC 7468's strict base64: the standard alphabet, white space between
// lines, padding only at the end; the text without its line breaks is the
// key too, so it is joined in wiped memory.
SecureBytes decode_pem_body(std::string_view body) {
    SecureBytes joined;
    joined.reserve(body.size());
    for (const char c : body) {
        if (!is_space(c)) {
            joined.push_back(static_cast<std::uint8_t>(c));
        }
    }
    SecureBytes out;
    const std::string_view text(reinterpret_cast<const char*>(joined.data()), joined.size());
    if (!core::decode_base64(out, text, Base64Padding::padded)) {
        not_a_key("is not base64 between its PEM lines");
    }
    return out;
}

// The label of a "-----BEGIN label-----" or "-----END label-----" line at
// the start of `text`, and what follows that line.
bool take_armor_line(std::string_view& text, std::string_view marker, std::string_view& label) {
    if (!text.starts_with(marker)) {
        return false;
    }
    const auto line_end = text.find('\n');
    std::string_view line = text.substr(0, line_end);
    if (line.ends_with('\r')) {
        line.remove_suffix(1);
    }
    if (line.size() < marker.size() + kDashes.size() || !line.ends_with(kDashes)) {
        return false;
    }
    label = line.substr(marker.size(), line.size() - marker.size() - kDashes.size());
    text = line_end == std::string_view::npos ? std::string_view() : text.substr(line_end + 1);
    return true;
}

}  // namespace

PemKey parse_pem_private_key(std::span<const std::uint8_t> bytes) {
    std::string_view text = trim({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
    std::string_view label;
    if (!take_armor_line(text, kBegin, label)) {
        not_a_key("is not in PEM (it must start with a '-----BEGIN ... PRIVATE KEY-----' line)");
    }
    PemKeyForm form;
    if (label == "PRIVATE KEY") {
        form = PemKeyForm::pkcs8;
    } else if (label == "RSA PRIVATE KEY") {
        form = PemKeyForm::rsa_pkcs1;
    } else if (label == "EC PRIVATE KEY") {
        form = PemKeyForm::ec_sec1;
    } else if (label == "ENCRYPTED PRIVATE KEY") {
        not_a_key(
            "is encrypted; store it unencrypted (the store seals it), e.g. "
            "`openssl pkcs8 -topk8 -nocrypt`");
    } else {
        not_a_key(
            "is a PEM block of another kind; expected PRIVATE KEY, RSA PRIVATE KEY or "
            "EC PRIVATE KEY");
    }
    const auto end = text.find(kEnd);
    if (end == std::string_view::npos) {
        not_a_key("has no '-----END' line");
    }
    const std::string_view body = text.substr(0, end);
    if (body.find(':') != std::string_view::npos) {
        // RFC 1421 header lines: OpenSSL's "Proc-Type: 4,ENCRYPTED".
        not_a_key("has PEM header lines (an encrypted traditional key); store it unencrypted");
    }
    std::string_view rest = text.substr(end);
    std::string_view end_label;
    if (!take_armor_line(rest, kEnd, end_label) || end_label != label) {
        not_a_key("ends with an '-----END' line that does not match its BEGIN line");
    }
    if (!trim(rest).empty()) {
        not_a_key("is followed by more text; store one key only");
    }
    SecureBytes der = decode_pem_body(body);
    if (der.empty()) {
        not_a_key("is an empty PEM block");
    }
    return PemKey{form, std::move(der)};
}

std::optional<SecureBytes> ed25519_seed(const PemKey& key) {
    // SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING {
    // OCTET STRING (32 bytes) } } (RFC 8410 section 7, without the optional
    // attributes and public key).
    static constexpr std::array<std::uint8_t, 16> kPrefix = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30,
                                                             0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
                                                             0x04, 0x22, 0x04, 0x20};
    constexpr std::size_t kSeedBytes = 32;
    if (key.form != PemKeyForm::pkcs8 || key.der.size() != kPrefix.size() + kSeedBytes ||
        !std::equal(kPrefix.begin(), kPrefix.end(), key.der.begin())) {
        return std::nullopt;
    }
    return SecureBytes(key.der.begin() + kPrefix.size(), key.der.end());
}

}  // namespace tresor::core
