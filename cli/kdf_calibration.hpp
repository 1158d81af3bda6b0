// cli/kdf_calibration.hpp — choosing Argon2id parameters by measuring them,
// KeePassXC-style: memory and lanes fixed, passes scaled toward a target
// time, each point the median of several timed runs. The timer is injected so
// the logic is tested without spending seconds in Argon2.
#pragma once

#include <chrono>
#include <functional>
#include <vector>

#include "vault/vault.hpp"

namespace tresor::cli {

using KdfTimer = std::function<std::chrono::nanoseconds(const vault::KdfPolicy&)>;
using KdfProgress = std::function<void(const vault::KdfPolicy&, std::chrono::nanoseconds)>;

struct CalibrationRequest {
    std::chrono::milliseconds target{1000};
    std::uint32_t memory_mib = 64;     // fixed memory, or
    std::uint32_t max_memory_mib = 0;  // nonzero: largest power of two <= this that fits
    std::uint32_t parallelism = 1;
    int runs = 3;  // median of this many per point
};

struct Measurement {
    vault::KdfPolicy policy;
    std::chrono::nanoseconds median{0};
};

// Throws Error{invalid_argument} for parameters below the vault's minimums.
[[nodiscard]] Measurement calibrate(const CalibrationRequest& request, const KdfTimer& timer,
                                    const KdfProgress& progress);

// The median of `runs` timings of one policy.
[[nodiscard]] std::chrono::nanoseconds median_time(const vault::KdfPolicy& policy, int runs,
                                                   const KdfTimer& timer);

}  // namespace tresor::cli
