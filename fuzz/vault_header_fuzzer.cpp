// The vault header and key-slot parser: a hostile file must be refused with
// a typed error, before any KDF, and never allocate or loop on its say-so.
#include "fuzz/fuzz_main.hpp"
#include "vault/detail/header.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes) {
    using namespace tresor::vault::detail;
    const Header header = decode_header(bytes);
    // What decoded must encode back to the same bytes: one layout, no slack.
    const Bytes again = encode_header(header);
    if (again.size() != bytes.size() || !std::equal(again.begin(), again.end(), bytes.begin())) {
        std::abort();
    }
    for (const Slot& slot : header.slots) {
        (void)slot_associated_data(header, slot);
    }
}
