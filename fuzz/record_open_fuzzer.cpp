// The record open path with a fixed key: arbitrary row bytes and associated
// data must either authenticate (practically never) or be refused, and a
// metadata plaintext of any shape must decode or be refused.
#include "fuzz/fuzz_main.hpp"
#include "vault/detail/record_codec.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes) {
    using namespace tresor::vault::detail;
    static const Bytes key(32, 0x42);
    const std::size_t split = bytes.empty() ? 0 : bytes[0] % (bytes.size() + 1);
    const auto sealed = bytes.subspan(0, split);
    const auto associated = bytes.subspan(split);
    if (auto plain = aead_open(key, sealed, associated)) {
        (void)decode_metadata(*plain);
    }
    (void)decode_metadata(bytes);
}
