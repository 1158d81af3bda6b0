// Which compression functions this x86-64 CPU runs, asked once (CPUID and
// the OS's saved register state, through the compiler's cpu_supports).
#include <vector>

#include "vault/argon2/block.hpp"

namespace tresor::vault::argon2 {

std::span<const Kernel> available_kernels() {
    static const std::vector<Kernel> kernels = [] {
        std::vector<Kernel> k{{"portable", compress_portable}};
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2")) {
            k.push_back({"avx2", compress_avx2});
        }
        if (__builtin_cpu_supports("avx512f")) {
            k.push_back({"avx512f", compress_avx512f});
        }
        return k;
    }();
    return kernels;
}

const Kernel& best_kernel() {
    return available_kernels().back();
}

}  // namespace tresor::vault::argon2
