// The audit log's decoders (vault/audit/codec.hpp): a failed unlock's note,
// which anyone who can write the store can add, and a block's plaintext
// (authenticated before it is decoded, but held to the same rules). The
// first byte picks: N a note, anything else a block. What decodes must
// encode back to the same bytes.
#include "fuzz/fuzz_main.hpp"
#include "vault/audit/codec.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes) {
    using namespace tresor::vault::audit;
    if (bytes.empty()) {
        return;
    }
    const auto input = bytes.subspan(1);
    std::vector<std::uint8_t> again;
    if (bytes[0] == 'N') {
        again = encode_note(decode_note(input));
    } else {
        again = encode_block(decode_block(input));
    }
    if (!std::equal(again.begin(), again.end(), input.begin(), input.end())) {
        std::abort();
    }
}
