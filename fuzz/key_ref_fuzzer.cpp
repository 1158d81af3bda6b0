// `tresor exec --env VAR=SERVICE/NAME` and SERVICE/NAME references.
#include <string_view>

#include "cli/key_ref.hpp"
#include "fuzz/fuzz_main.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    (void)tresor::cli::parse_key_ref(text);
    const auto binding = tresor::cli::parse_env_binding(text);
    if (binding.variable.empty() || binding.key.service.empty() || binding.key.name.empty()) {
        std::abort();  // the parser promised all three
    }
}
