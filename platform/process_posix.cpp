// platform/process.hpp on POSIX (Linux).
#include <sys/prctl.h>
#include <sys/resource.h>

#include "platform/process.hpp"

namespace tresor::platform {

void forbid_core_dumps() {
    const rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

std::vector<std::string> utf8_arguments(int argc, char** argv) {
    return {argv + (argc > 0 ? 1 : 0), argv + argc};
}

}  // namespace tresor::platform
