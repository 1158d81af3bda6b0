// cli/secret_io.hpp — secrets in and out of the CLI. A secret comes from
// stdin or a no-echo prompt, never from argv; it goes to stdout only.
#pragma once

#include <cstddef>
#include <string>

#include "tresor/secret.hpp"

namespace tresor::cli {

// From a terminal: a no-echo prompt. Otherwise all of stdin; unless raw,
// one trailing "\n" (or "\r\n") is dropped, as `echo` and here-strings add it.
[[nodiscard]] Secret read_secret_input(const std::string& prompt, bool raw);

// The most any command reads from stdin: larger than any secret, request or
// .env file, and a `</dev/zero` must not fill memory.
constexpr std::size_t kMaxStdinBytes = 16 * 1024 * 1024;

// All of stdin, as it came, into wiped memory; throws Error{io} on a read
// error and once more than max_bytes arrive. The credential helpers'
// requests hold passwords.
[[nodiscard]] SecureBytes read_all_stdin(std::size_t max_bytes = kMaxStdinBytes);

// Writes every byte to stdout, retrying short writes; throws Error{io}.
void write_stdout(std::span<const std::uint8_t> bytes);
void write_stdout(std::string_view text);

}  // namespace tresor::cli
