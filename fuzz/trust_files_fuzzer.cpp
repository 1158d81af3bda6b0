// What a host reads to decide whom to trust (issue 20): its rollback anchor
// line, an admin key file, and an admin identity's text. The first byte
// picks the parser; the rest is the input. Each must refuse what is not
// exactly its format with a typed error, and what it accepts must encode
// back to the same bytes.
#include <algorithm>

#include "fuzz/fuzz_main.hpp"
#include "vault/trust/admin_key.hpp"
#include "vault/trust/anchor.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes) {
    using namespace tresor::vault;
    if (bytes.empty()) {
        return;
    }
    const auto input = bytes.subspan(1);
    const std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
    switch (bytes[0] % 3) {
        case 0: {
            const AnchorState state = decode_anchor(text);
            if (encode_anchor(state) != text) {
                std::abort();
            }
            break;
        }
        case 1: {
            // A key file (no KDF) opens one sealed by a key file; a file
            // sealed by a password is refused before its KDF runs.
            const Credential keyfile{Credential::Kind::keyfile, SecureBytes(32, 0x5a)};
            const AdminKeyPair key = open_admin_key(input, keyfile, {}, "fuzz");
            if (key.public_key.size() != 32 || key.secret_key.size() != 64) {
                std::abort();
            }
            break;
        }
        default: {
            const std::vector<std::uint8_t> key = parse_admin_identity(text);
            if (admin_identity_text(key) != text) {
                std::abort();
            }
        }
    }
}
