// cli/key_ref.hpp — the textual key references of the CLI:
//   SERVICE/NAME        split at the first '/': a service has no '/', a name may
//   VAR=SERVICE/NAME    for `tresor exec --env`, `--file`, `--fifo`
// and the variable names `tresor exec --service` gives a service's entries.
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

// The variable `tresor exec --service S --prefix P` binds the entry `name`
// to (docs/INTEGRATIONS.md): P, then the name with ASCII letters upper-cased,
// digits and '_' kept, and every run of other bytes as one '_'; a '_' first
// if, without a prefix, that would start with a digit. "api-key" -> "API_KEY", "2fa.seed" ->
// "_2FA_SEED". Throws Error{invalid_argument} when the prefix is not a valid variable name, and
// when the result is a variable that changes how the program is loaded or its shell starts
// (LD_PRELOAD, PATH, BASH_ENV, ...): whoever can write the service's entries must not choose those.
[[nodiscard]] std::string entry_variable_name(std::string_view prefix, std::string_view name);

}  // namespace tresor::cli
