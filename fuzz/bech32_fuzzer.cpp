// Bech32 as age's recipients and identities use it (age/bech32.hpp), and the
// identity file and recipient parsers above it: what decodes must encode
// back to the same text.
#include <algorithm>

#include "age/age.hpp"
#include "age/bech32.hpp"
#include "fuzz/fuzz_main.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes) {
    using namespace tresor;
    if (const auto decoded = age::bech32_decode(bytes)) {
        const SecureBytes again = age::bech32_encode(decoded->hrp, decoded->data);
        // The text is one case throughout; encode writes the hrp's case.
        if (!std::equal(again.begin(), again.end(), bytes.begin(), bytes.end(),
                        [](std::uint8_t a, std::uint8_t b) {
                            return std::tolower(a) == std::tolower(b);
                        })) {
            std::abort();
        }
    }
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    try {
        (void)age::recipient_text(age::parse_recipient(text));
    } catch (const Error&) {
    }
    for (const SecureBytes& identity : age::parse_identity_file(bytes, "fuzz key.txt")) {
        (void)age::recipient_of_identity(identity);
    }
}
