// platform/exec.hpp — what `tresor exec` needs from the system: secrets as
// descriptors the program inherits, with no name on any file system, and
// this process replaced by the program.
//
// A secret handed over as a file is a sealed memfd; one to be read once is
// a pipe already holding it, its writing end closed. Either lives exactly as
// long as some process holds its descriptor: tresor becomes the program
// (execve), so there is no tresor process left to kill, nothing on disk to
// remove, and the kernel frees it when the program (and whatever it left
// holding the descriptor) exits, by any means (docs/SECURITY.md).
//
// Thread safety: for one thread; a CLI process that is about to exec.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platform/file.hpp"

namespace tresor::platform {

// A read-only, sealed (no write, grow, shrink) memory file holding `bytes`,
// mode 0400, close-on-exec until handed to inherit_on_exec. `name` appears in
// /proc/PID/fd ("memfd:NAME"): never a secret. Throws Error{io}.
[[nodiscard]] FileDescriptor sealed_memory_file(std::span<const std::uint8_t> bytes,
                                                std::string_view name);

// The reading end of a pipe that holds `bytes`, its writing end closed: the
// first reader gets them and then end of file; later readers get end of
// file only. Throws Error{invalid_argument} when the pipe cannot hold them.
[[nodiscard]] FileDescriptor filled_pipe(std::span<const std::uint8_t> bytes);

// The path under which the program that inherits `fd` (and its children)
// opens it: /proc/self/fd/N.
[[nodiscard]] std::string inherited_descriptor_path(int fd);

// Keeps fd open across exec / closes it at exec.
void inherit_on_exec(int fd);
void close_on_exec(int fd) noexcept;

// Replaces this process with `argv[0]` searched in PATH, with `envp` (both
// ending in nullptr). Returns only on failure, with the errno.
[[nodiscard]] int replace_process(const std::vector<char*>& argv, const std::vector<char*>& envp);

}  // namespace tresor::platform
