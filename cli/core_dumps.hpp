// cli/core_dumps.hpp — for every program of the CLI (tresor and the
// credential helpers): a crash must not leave a core file holding decrypted
// secrets or keys.
#pragma once

namespace tresor::cli {

// RLIMIT_CORE = 0 and not dumpable (which also keeps ptrace by other
// processes of the same user out).
void forbid_core_dumps() noexcept;

}  // namespace tresor::cli
