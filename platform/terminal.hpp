// platform/terminal.hpp — the terminal and the standard streams: reading a
// password or secret without echo, and the raw bytes of stdin and stdout.
// Used by the host's read_password service and by the CLI's prompts.
//
// POSIX: /dev/tty with termios; Windows: the console (CONIN$/CONOUT$) with
// echo turned off through its mode, and stdin/stdout in binary mode so no
// CR/LF translation ever alters a secret.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "tresor/secret.hpp"

namespace tresor::platform {

// Writes prompt to the terminal, reads one line with echo off and returns it
// without its newline. Empty when the process has no terminal (CI, daemons):
// callers report that at once instead of waiting. Never reads stdin, so it
// cannot block a pipeline. Throws Error{io} when the terminal fails mid-way
// or the read is interrupted (Ctrl-C/EOF).
[[nodiscard]] std::optional<SecureBytes> read_hidden_line(std::string_view prompt);

// Whether stdin is a terminal (the CLI then prompts instead of reading it).
[[nodiscard]] bool stdin_is_terminal();

// Reads up to buffer.size() bytes of stdin; 0 at its end. Throws Error{io}.
[[nodiscard]] std::size_t read_stdin(std::span<std::uint8_t> buffer);

// Writes all of bytes to stdout (stderr). Throws Error{io}.
void write_stdout(std::span<const std::uint8_t> bytes);
void write_stderr(std::span<const std::uint8_t> bytes);

}  // namespace tresor::platform
