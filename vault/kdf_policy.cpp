// What Argon2id parameters a vault accepts: the format's bounds for a new
// slot (check_kdf_policy), this reader's own limits (check_kdf_policy_readable,
// checked before any KDF runs) and one timed derivation for calibration.
#include <chrono>
#include <string>

#include "vault/detail/crypto.hpp"
#include "vault/detail/header.hpp"
#include "vault/vault.hpp"

namespace tresor::vault {

using namespace detail;

void check_kdf_policy(const KdfPolicy& p) {
    if (p.memory_kib < kMinWriteMemoryKib || p.iterations < kMinWriteIterations) {
        throw Error(ErrorCode::invalid_argument,
                    "Argon2id parameters below the minimum for a vault (19 MiB, 2 iterations): " +
                        std::to_string(p.memory_kib / 1024) + " MiB, " +
                        std::to_string(p.iterations) + " iterations");
    }
    if (p.memory_kib > kMaxReadMemoryKib || p.iterations > kMaxReadIterations ||
        p.parallelism < 1 || p.parallelism > kMaxReadParallelism) {
        throw Error(ErrorCode::invalid_argument,
                    "Argon2id parameters above what a vault accepts (at most 4096 MiB, 64 "
                    "iterations, 16 lanes)");
    }
}

void check_kdf_policy_readable(const KdfPolicy& p, const KdfLimits& limits) {
    const std::uint64_t work = std::uint64_t{p.memory_kib} * p.iterations;
    if (p.memory_kib > limits.max_memory_kib || work > limits.max_work_kib_passes ||
        p.parallelism > limits.max_lanes) {
        throw Error(ErrorCode::invalid_argument,
                    "Argon2id " + std::to_string(p.memory_kib / 1024) + " MiB x " +
                        std::to_string(p.iterations) + " passes, " + std::to_string(p.parallelism) +
                        " lanes is above what this reader opens (kdf.max_memory_mib " +
                        std::to_string(limits.max_memory_kib / 1024) + ", kdf.max_work " +
                        std::to_string(limits.max_work_kib_passes / 1024) + ", kdf.max_lanes " +
                        std::to_string(limits.max_lanes) +
                        "): raise those too, or the vault could not be opened");
    }
}

std::chrono::nanoseconds time_kdf(const KdfPolicy& policy) {
    const Bytes password = random_bytes(16);
    const Bytes salt = random_bytes(kSaltBytes);
    const auto start = std::chrono::steady_clock::now();
    (void)argon2id(password, salt, {policy.memory_kib, policy.iterations, policy.parallelism});
    return std::chrono::steady_clock::now() - start;
}

}  // namespace tresor::vault
