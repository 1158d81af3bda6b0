#include "cli/kdf_calibration.hpp"

#include <algorithm>
#include <cmath>

#include "tresor/error.hpp"

namespace tresor::cli {
namespace {

constexpr std::uint32_t kMaxIterations = 64;

vault::KdfPolicy policy_of(std::uint32_t memory_mib, std::uint32_t iterations,
                           std::uint32_t parallelism) {
    return {memory_mib * 1024, iterations, parallelism};
}

}  // namespace

std::chrono::nanoseconds median_time(const vault::KdfPolicy& policy, int runs,
                                     const KdfTimer& timer) {
    std::vector<std::chrono::nanoseconds> times;
    for (int i = 0; i < std::max(1, runs); ++i) {
        times.push_back(timer(policy));
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

Measurement calibrate(const CalibrationRequest& r, const KdfTimer& timer,
                      const KdfProgress& progress) {
    auto measure = [&](const vault::KdfPolicy& policy) {
        const auto median = median_time(policy, r.runs, timer);
        if (progress) {
            progress(policy, median);
        }
        return median;
    };
    const std::uint32_t floor_mib = vault::kMinWriteMemoryKib / 1024;
    std::uint32_t memory = r.memory_mib;
    if (r.max_memory_mib != 0) {
        if (r.max_memory_mib < floor_mib) {
            throw Error(ErrorCode::invalid_argument,
                        "--max-memory-mib is below the vault's minimum (" +
                            std::to_string(floor_mib) + " MiB)");
        }
        // The largest power of two that stays within the budget at the minimum passes.
        memory = floor_mib;
        for (std::uint32_t m = 32; m <= r.max_memory_mib; m *= 2) {
            if (measure(policy_of(m, vault::kMinWriteIterations, r.parallelism)) > r.target) {
                break;
            }
            memory = m;
        }
    }
    vault::check_kdf_policy(policy_of(memory, vault::kMinWriteIterations, r.parallelism));
    // One pass's cost at this memory, then passes scaled to the target.
    const auto base = measure(policy_of(memory, vault::kMinWriteIterations, r.parallelism));
    const double per_pass = static_cast<double>(base.count()) / vault::kMinWriteIterations;
    const double wanted =
        static_cast<double>(std::chrono::nanoseconds(r.target).count()) / per_pass;
    const auto passes = static_cast<std::uint32_t>(
        std::clamp<double>(std::round(wanted), vault::kMinWriteIterations, kMaxIterations));
    const vault::KdfPolicy chosen = policy_of(memory, passes, r.parallelism);
    return {chosen, measure(chosen)};
}

}  // namespace tresor::cli
