// The compression functions of a CPU other than x86-64: the portable one.
#include "vault/argon2/block.hpp"

namespace tresor::vault::argon2 {

namespace {
const Kernel kPortable[] = {{"portable", compress_portable}};
}  // namespace

std::span<const Kernel> available_kernels() {
    return kPortable;
}

const Kernel& best_kernel() {
    return kPortable[0];
}

}  // namespace tresor::vault::argon2
