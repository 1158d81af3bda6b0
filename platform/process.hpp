// platform/process.hpp — what the CLI sets up for its own process, who the
// process is (for the vault's audit log) and what it may use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tresor::platform {

// The program's arguments as UTF-8, without the program's name. POSIX: argv
// as given. Windows: from the UTF-16 command line (CommandLineToArgvW), since
// main's argv is in the ANSI code page and would mangle "näme" or "名前".
[[nodiscard]] std::vector<std::string> utf8_arguments(int argc, char** argv);

// A crash must not leave a dump holding decrypted secrets or keys. POSIX:
// RLIMIT_CORE 0 and PR_SET_DUMPABLE 0. Windows: no error-reporting dialog or
// dump for this process (SetErrorMode; a machine-wide WER LocalDumps policy,
// set by an administrator, is out of a program's reach).
void forbid_core_dumps();

// Who this process is: its effective user id (POSIX; 0 on Windows, which has
// no numeric uid), its process id and its executable's full path (POSIX:
// /proc/self/exe, "" when unreadable; Windows: GetModuleFileNameW), as the
// vault's audit log records them. The path is the kernel's, never argv[0],
// which a caller chooses.
struct ProcessIdentity {
    std::uint32_t uid = 0;
    std::uint32_t pid = 0;
    std::string executable;
};
[[nodiscard]] ProcessIdentity this_process();

// How many CPUs this process may run on (at least 1): the affinity mask on
// Linux (sched_getaffinity: taskset, cpusets, a container's cpuset), the
// active processors on Windows. Argon2id runs at most this many threads.
[[nodiscard]] unsigned usable_cpu_count() noexcept;

}  // namespace tresor::platform
