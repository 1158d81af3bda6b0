// cli/dotenv.hpp — the .env format as the common tools read it (python-dotenv,
// the dotenv of Node, docker compose's env_file), for `tresor import`:
//
//   # a comment                 blank lines and comments are skipped
//   export NAME=value           an optional `export ` prefix
//   NAME = value  # comment     unquoted: trimmed, ` #...` cut off
//   NAME='lit\eral'             single quotes: as written, may span lines
//   NAME="a\nb \"q\""           double quotes: \n \r \t \" \\ \$ escapes,
//                               may span lines
//
// Values are taken literally: ${VAR} is not expanded (no tool agrees on how).
// A later NAME replaces an earlier one, as when a shell sources the file.
//
// A parser of untrusted text: it throws nothing but Error{invalid_argument},
// naming the line, never quoting it (it may hold a secret).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tresor/secret.hpp"

namespace tresor::cli {

struct DotenvEntry {
    std::string name;
    Secret value;
    std::size_t line = 0;  // where NAME is, from 1
};

// `what` names the source in messages ("app.env").
[[nodiscard]] std::vector<DotenvEntry> parse_dotenv(std::span<const std::uint8_t> text,
                                                    const std::string& what);

}  // namespace tresor::cli
