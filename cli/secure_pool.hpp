// cli/secure_pool.hpp — sizes Botan's locked-memory pool to what one tresor
// process needs, before anything allocates a secret.
#pragma once

namespace tresor::cli {

// Call first in main, while the process has one thread.
void size_secure_memory_pool();

}  // namespace tresor::cli
