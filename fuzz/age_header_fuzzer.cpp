// An age file as `tresor import --age` reads it (age/age.hpp): the header
// parser, the X25519 and scrypt stanza checks and the STREAM payload, on
// hostile bytes. What the header parser accepts must encode back to the
// same bytes; nothing may crash, leak or throw but tresor::Error.
#include "age/age.hpp"
#include "age/stream.hpp"
#include "fuzz/fuzz_main.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes) {
    using namespace tresor;
    const age::Header header = age::parse_header(bytes);
    const std::vector<std::uint8_t> again = age::encode_header_for_mac(header.stanzas);
    if (again.size() != header.mac_input_bytes ||
        !std::equal(again.begin(), again.end(), bytes.begin())) {
        std::abort();
    }
    // A fixed identity and passphrase, with a work factor small enough to
    // keep every run fast: the stanza checks, not scrypt, are under test.
    age::Identities identities;
    identities.x25519.emplace_back(32, 0x42);
    identities.passphrase = SecureBytes{'p'};
    identities.max_work_factor = 2;
    (void)age::unwrap_file_key(header, identities);
    const SecureBytes file_key(age::kFileKeyBytes, 7);
    (void)age::header_mac_matches(bytes, header, file_key);
    (void)age::open_payload(file_key, bytes.subspan(header.payload_offset));
}
