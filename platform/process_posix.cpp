// platform/process.hpp on POSIX (Linux).
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <array>

#include <thread>

#include "platform/process.hpp"

namespace tresor::platform {

void forbid_core_dumps() {
    const rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

unsigned usable_cpu_count() noexcept {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof(set), &set) == 0) {
        const int n = CPU_COUNT(&set);
        if (n > 0) {
            return static_cast<unsigned>(n);
        }
    }
    const unsigned all = std::thread::hardware_concurrency();
    return all == 0 ? 1 : all;
}

std::vector<std::string> utf8_arguments(int argc, char** argv) {
    return {argv + (argc > 0 ? 1 : 0), argv + argc};
}

ProcessIdentity this_process() {
    std::array<char, 4096> path{};
    const ssize_t n = ::readlink("/proc/self/exe", path.data(), path.size());
    return {static_cast<std::uint32_t>(::geteuid()), static_cast<std::uint32_t>(::getpid()),
            n > 0 && static_cast<std::size_t>(n) < path.size()
                ? std::string(path.data(), static_cast<std::size_t>(n))
                : std::string()};
}

}  // namespace tresor::platform
