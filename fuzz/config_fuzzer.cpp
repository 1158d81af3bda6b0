// The TOML config loader and validator on arbitrary bytes.
#include <string_view>

#include "conf/config.hpp"
#include "fuzz/fuzz_main.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    (void)tresor::conf::parse_config(text, "fuzz.toml", "/");
}
