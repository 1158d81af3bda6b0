// core/terminal.hpp — reading a password or secret from the controlling
// terminal without echo. Used by the host's read_password service and by the
// CLI's prompts; never touches stdin, so it cannot block a pipeline.
#pragma once

#include <optional>
#include <string_view>

#include "tresor/secret.hpp"

namespace tresor::core {

// Writes prompt to /dev/tty, reads one line with echo off and returns it
// without its newline. Empty when the process has no controlling terminal (CI,
// daemons): callers report that at once instead of waiting. Throws Error{io}
// when the terminal fails mid-way or the read is interrupted (Ctrl-C/EOF).
[[nodiscard]] std::optional<SecureBytes> read_hidden_line(std::string_view prompt);

}  // namespace tresor::core
