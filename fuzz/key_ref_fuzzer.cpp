// `tresor exec --env VAR=SERVICE/NAME` and SERVICE/NAME references; the
// variable names `tresor exec --service` gives entry names.
#include <string>
#include <string_view>

#include "cli/key_ref.hpp"
#include "fuzz/fuzz_main.hpp"

void fuzz_one(std::span<const std::uint8_t> bytes) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    try {
        const std::string variable = tresor::cli::entry_variable_name("", text);
        if (variable.empty() || (variable[0] >= '0' && variable[0] <= '9') ||
            variable.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
                std::string::npos) {
            std::abort();  // not a valid variable name
        }
    } catch (const tresor::Error&) {
        // a loader or shell variable: refused
    }
    (void)tresor::cli::parse_key_ref(text);
    const auto binding = tresor::cli::parse_env_binding(text);
    if (binding.variable.empty() || binding.key.service.empty() || binding.key.name.empty()) {
        std::abort();  // the parser promised all three
    }
}
