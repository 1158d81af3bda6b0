// cli/key_ref.hpp — the textual key references of the CLI:
//   SERVICE/NAME        split at the first '/': a service has no '/', a name may
//   VAR=SERVICE/NAME    for `tresor exec --env`
// Parsers of untrusted text: fuzzed (fuzz/), and they never throw anything but
// tresor::Error{invalid_argument}.
#pragma once

#include <string>
#include <string_view>

#include "tresor/store.hpp"

namespace tresor::cli {

struct EnvBinding {
    std::string variable;
    Key key;
};

[[nodiscard]] Key parse_key_ref(std::string_view text);
[[nodiscard]] EnvBinding parse_env_binding(std::string_view text);

}  // namespace tresor::cli
