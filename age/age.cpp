#include "age/age.hpp"

#include <algorithm>

#include "age/bech32.hpp"
#include "age/stream.hpp"
#include "tresor/error.hpp"
#include "vault/detail/crypto.hpp"
#include "vault/slots/host_key.hpp"

namespace tresor::age {
namespace {

constexpr std::string_view kRecipientHrp = "age";
constexpr std::string_view kIdentityHrp = "AGE-SECRET-KEY-";

std::span<const std::uint8_t> bytes_of(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

SecureBytes new_file_key() {
    SecureBytes key = vault::detail::random_key();
    key.resize(kFileKeyBytes);
    return key;
}

SecureBytes header_mac_key(std::span<const std::uint8_t> file_key) {
    return vault::detail::hkdf_sha256(file_key, {}, "header");
}

std::vector<std::uint8_t> assemble(std::span<const Stanza> stanzas,
                                   std::span<const std::uint8_t> file_key,
                                   std::span<const std::uint8_t> plaintext) {
    std::vector<std::uint8_t> out = encode_header_for_mac(stanzas);
    const std::vector<std::uint8_t> mac = vault::detail::hmac_sha256(header_mac_key(file_key), out);
    append_mac_line(out, mac);
    const std::vector<std::uint8_t> payload = seal_payload(file_key, plaintext);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

bool is_scrypt(const Stanza& stanza) {
    return !stanza.arguments.empty() && stanza.arguments[0] == "scrypt";
}

// Why nothing matched, for the person who chose the file and the key.
std::string no_match_reason(const Header& header, const Identities& identities) {
    const bool scrypt = is_scrypt(header.stanzas.front());
    if (scrypt) {
        return identities.passphrase ? "the passphrase is wrong"
                                     : "the file is encrypted with a passphrase (--passphrase)";
    }
    std::string reason = "the file is not encrypted to ";
    for (std::size_t i = 0; i < identities.x25519.size(); ++i) {
        reason += (i == 0 ? "" : " or ") + recipient_of_identity(identities.x25519[i]);
    }
    if (identities.x25519.empty()) {
        reason = "the file is encrypted to public keys, not a passphrase (--identity)";
    }
    return reason;
}

}  // namespace

std::vector<std::uint8_t> parse_recipient(std::string_view text) {
    const auto decoded = bech32_decode(bytes_of(text));
    if (!decoded || decoded->hrp != kRecipientHrp || decoded->data.size() != kX25519KeyBytes) {
        // Never quote a private key given in the wrong place.
        std::string upper(text.substr(0, kIdentityHrp.size()));
        std::transform(upper.begin(), upper.end(), upper.begin(),
                       [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; });
        if (upper == kIdentityHrp) {
            throw Error(ErrorCode::invalid_argument,
                        "the recipient given is an age identity, a private key: give its public "
                        "key (age-keygen -y KEYFILE prints it)");
        }
        throw Error(ErrorCode::invalid_argument,
                    "'" + std::string(text) +
                        "' is not an age X25519 recipient (age1…, as age-keygen prints it)");
    }
    return {decoded->data.begin(), decoded->data.end()};
}

std::string recipient_text(std::span<const std::uint8_t> public_key) {
    const SecureBytes text = bech32_encode(kRecipientHrp, public_key);
    return {text.begin(), text.end()};
}

std::string recipient_of_identity(std::span<const std::uint8_t> identity) {
    return recipient_text(vault::host_public_key(identity));
}

std::vector<SecureBytes> parse_identity_file(std::span<const std::uint8_t> text,
                                             const std::string& where) {
    std::vector<SecureBytes> identities;
    std::size_t number = 0;
    while (!text.empty()) {
        ++number;
        const auto end = std::find(text.begin(), text.end(), std::uint8_t{'\n'});
        auto line = text.first(static_cast<std::size_t>(end - text.begin()));
        text = text.subspan(std::min(text.size(), line.size() + 1));
        if (!line.empty() && line.back() == '\r') {
            line = line.first(line.size() - 1);
        }
        if (line.empty() || line.front() == '#') {
            continue;
        }
        const std::string place = where + ", line " + std::to_string(number);
        auto decoded = bech32_decode(line);
        if (!decoded || decoded->hrp != kIdentityHrp || decoded->data.size() != kX25519KeyBytes) {
            const bool plugin =
                std::string_view(reinterpret_cast<const char*>(line.data()), line.size())
                    .starts_with("AGE-PLUGIN-");
            throw Error(ErrorCode::invalid_argument,
                        place + (plugin ? ": age plugin identities are not supported"
                                        : ": not an age X25519 identity (AGE-SECRET-KEY-1…, as "
                                          "age-keygen writes it)"));
        }
        identities.push_back(std::move(decoded->data));
    }
    if (identities.empty()) {
        throw Error(ErrorCode::invalid_argument, where + " holds no age identity");
    }
    return identities;
}

std::vector<std::uint8_t> encrypt_to_recipients(
    std::span<const std::uint8_t> plaintext,
    std::span<const std::vector<std::uint8_t>> recipient_public_keys) {
    if (recipient_public_keys.empty()) {
        throw Error(ErrorCode::invalid_argument, "an age file needs at least one recipient");
    }
    const SecureBytes file_key = new_file_key();
    std::vector<Stanza> stanzas;
    for (const auto& recipient : recipient_public_keys) {
        stanzas.push_back(x25519_stanza(file_key, recipient));
    }
    return assemble(stanzas, file_key, plaintext);
}

std::vector<std::uint8_t> encrypt_with_passphrase(std::span<const std::uint8_t> plaintext,
                                                  std::span<const std::uint8_t> passphrase,
                                                  int work_factor) {
    const SecureBytes file_key = new_file_key();
    const Stanza stanza = scrypt_stanza(file_key, passphrase, work_factor);
    return assemble({&stanza, 1}, file_key, plaintext);
}

std::optional<SecureBytes> unwrap_file_key(const Header& header, const Identities& identities) {
    // A passphrase authenticates the file only when it alone wraps the key.
    const bool has_scrypt = std::any_of(header.stanzas.begin(), header.stanzas.end(), is_scrypt);
    if (has_scrypt && header.stanzas.size() != 1) {
        throw Error(ErrorCode::corrupt, "age header: an scrypt stanza is not alone in the header");
    }
    for (const Stanza& stanza : header.stanzas) {
        if (identities.passphrase) {
            if (auto key =
                    unwrap_scrypt(stanza, *identities.passphrase, identities.max_work_factor)) {
                return key;
            }
        }
        for (const SecureBytes& identity : identities.x25519) {
            if (auto key = unwrap_x25519(stanza, identity)) {
                return key;
            }
        }
    }
    return std::nullopt;
}

bool header_mac_matches(std::span<const std::uint8_t> file, const Header& header,
                        std::span<const std::uint8_t> file_key) {
    const std::vector<std::uint8_t> mac =
        vault::detail::hmac_sha256(header_mac_key(file_key), file.first(header.mac_input_bytes));
    return vault::detail::equal_in_constant_time(mac, header.mac);
}

SecureBytes decrypt(std::span<const std::uint8_t> file, const Identities& identities) {
    const Header header = parse_header(file);
    const auto file_key = unwrap_file_key(header, identities);
    if (!file_key) {
        throw Error(ErrorCode::auth_failed,
                    "no identity opens this age file: " + no_match_reason(header, identities));
    }
    if (!header_mac_matches(file, header, *file_key)) {
        throw Error(ErrorCode::corrupt,
                    "the age header's MAC does not verify: the file was changed after it was "
                    "written");
    }
    return open_payload(*file_key, file.subspan(header.payload_offset));
}

}  // namespace tresor::age
