#include "vault/kdf_calibration.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "platform/process.hpp"
#include "tresor/error.hpp"

namespace tresor::vault {
namespace {

constexpr std::uint32_t kMaxPasses = 64;
constexpr std::uint32_t kMaxLanes = 16;      // the format's bound
constexpr std::uint32_t kDefaultPasses = 3;  // RFC 9106's second recommendation
constexpr std::uint32_t kProbeMib = 64;      // where lane counts are compared
// More lanes must fill this much more memory x passes per second to win.
constexpr double kLaneGain = 1.1;
// Memory is measured again when the first guess misses the target by more.
constexpr double kTolerance = 0.1;
constexpr int kRefinements = 2;

[[noreturn]] void invalid(const std::string& message) {
    throw Error(ErrorCode::invalid_argument, message);
}

double seconds(std::chrono::nanoseconds t) {
    return std::max(1e-9, static_cast<double>(t.count()) / 1e9);
}

// MiB x passes per second at a measured point.
double rate(const Measurement& m) {
    return m.policy.memory_kib / 1024.0 * m.policy.iterations / seconds(m.median);
}

std::vector<std::uint32_t> lane_counts(std::uint32_t most) {
    std::vector<std::uint32_t> counts;
    for (std::uint32_t n = 1; n < most; n *= 2) {
        counts.push_back(n);
    }
    counts.push_back(most);
    return counts;
}

struct Bounds {
    std::uint32_t memory_floor_mib;
    std::uint32_t memory_ceiling_mib;
    std::uint32_t passes_floor;
    std::uint64_t max_work_mib_passes;
};

void check_fixed(const CalibrationRequest& r, const Bounds& b, std::uint32_t reader_lanes) {
    const std::uint32_t min_mib = kMinWriteMemoryKib / 1024;
    if (b.memory_ceiling_mib < b.memory_floor_mib) {
        invalid("the memory ceiling (" + std::to_string(b.memory_ceiling_mib) +
                " MiB) is below the floor of " + std::to_string(b.memory_floor_mib) + " MiB");
    }
    if (r.memory_mib != 0 && (r.memory_mib < min_mib || r.memory_mib > b.memory_ceiling_mib)) {
        invalid("memory " + std::to_string(r.memory_mib) + " MiB outside " +
                std::to_string(min_mib) + ".." + std::to_string(b.memory_ceiling_mib) + " MiB");
    }
    if (r.passes != 0 && (r.passes < kMinWriteIterations || r.passes > kMaxPasses)) {
        invalid("passes " + std::to_string(r.passes) + " outside " +
                std::to_string(kMinWriteIterations) + ".." + std::to_string(kMaxPasses));
    }
    if (r.lanes > reader_lanes) {
        invalid("lanes " + std::to_string(r.lanes) + " outside 1.." + std::to_string(reader_lanes));
    }
    if (r.memory_mib != 0 && r.passes != 0 &&
        std::uint64_t{r.memory_mib} * r.passes > b.max_work_mib_passes) {
        invalid("memory x passes above this reader's kdf.max_work (" +
                std::to_string(b.max_work_mib_passes) + ")");
    }
}

}  // namespace

std::chrono::nanoseconds median_time(const KdfPolicy& policy, int runs, const KdfTimer& timer) {
    std::vector<std::chrono::nanoseconds> times;
    for (int i = 0; i < std::max(1, runs); ++i) {
        times.push_back(timer(policy));
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

double attacker_gib_passes(const KdfPolicy& policy) {
    return policy.memory_kib / (1024.0 * 1024.0) * policy.iterations;
}

Calibration calibrate(const CalibrationRequest& r, const KdfTimer& timer,
                      const KdfProgress& progress) {
    const std::uint32_t reader_lanes = std::min(kMaxLanes, r.limits.max_lanes);
    const std::uint32_t max_lanes =
        r.max_lanes != 0 ? r.max_lanes
                         : std::min(reader_lanes, std::max(1u, platform::usable_cpu_count()));
    if (max_lanes < 1 || max_lanes > reader_lanes) {
        invalid("at most " + std::to_string(reader_lanes) + " lanes, not " +
                std::to_string(max_lanes));
    }
    const std::uint32_t reader_mib = r.limits.max_memory_kib / 1024;
    Bounds b{std::max(r.floor.memory_kib / 1024, kMinWriteMemoryKib / 1024),
             std::min(r.max_memory_mib != 0 ? r.max_memory_mib : reader_mib, reader_mib),
             std::max(r.floor.iterations, kMinWriteIterations),
             r.limits.max_work_kib_passes / 1024};
    check_fixed(r, b, reader_lanes);

    auto measure = [&](std::uint32_t mib, std::uint32_t passes, std::uint32_t lanes) {
        const KdfPolicy p{mib * 1024, passes, lanes};
        const Measurement m{p, median_time(p, r.runs, timer)};
        if (progress) {
            progress(m.policy, m.median);
        }
        return m;
    };
    const std::uint32_t passes0 =
        r.passes != 0 ? r.passes : std::max(kDefaultPasses, b.passes_floor);
    // The passes the work budget leaves at this memory (and the memory it
    // leaves at these passes).
    auto passes_cap = [&](std::uint32_t mib) {
        return static_cast<std::uint32_t>(
            std::min<std::uint64_t>(kMaxPasses, b.max_work_mib_passes / mib));
    };
    auto memory_cap = [&](std::uint32_t passes) {
        return static_cast<std::uint32_t>(
            std::min<std::uint64_t>(b.memory_ceiling_mib, b.max_work_mib_passes / passes));
    };

    Calibration out;
    // Lanes, compared at one point: the fixed memory, or 64 MiB.
    const std::uint32_t probe_mib =
        r.memory_mib != 0 ? r.memory_mib
                          : std::clamp(kProbeMib, b.memory_floor_mib, memory_cap(passes0));
    std::size_t best = 0;
    for (const std::uint32_t lanes :
         r.lanes != 0 ? std::vector<std::uint32_t>{r.lanes} : lane_counts(max_lanes)) {
        out.lane_probes.push_back(measure(probe_mib, passes0, lanes));
        if (rate(out.lane_probes.back()) >= kLaneGain * rate(out.lane_probes[best])) {
            best = out.lane_probes.size() - 1;
        }
    }
    const Measurement& probe = out.lane_probes[best];
    const std::uint32_t lanes = probe.policy.parallelism;
    const double work = rate(probe) * seconds(r.target);  // MiB x passes in the target

    std::uint32_t mib = r.memory_mib, passes = passes0;
    if (mib == 0) {
        mib = std::clamp(static_cast<std::uint32_t>(work / passes), b.memory_floor_mib,
                         memory_cap(passes));
    }
    if (r.passes == 0 && (r.memory_mib != 0 || mib == memory_cap(passes))) {
        // Memory is fixed or at its ceiling: the rest of the time buys passes.
        passes = std::clamp(static_cast<std::uint32_t>(std::lround(work / mib)), b.passes_floor,
                            std::max(b.passes_floor, passes_cap(mib)));
    }
    Measurement chosen = measure(mib, passes, lanes);
    // A first guess from 64 MiB misses where caches and the TLB stop
    // helping; memory is scaled by what was measured.
    for (int i = 0; i < kRefinements && r.memory_mib == 0 && passes == passes0; ++i) {
        const double miss = seconds(r.target) / seconds(chosen.median);
        if (std::abs(miss - 1) <= kTolerance) {
            break;
        }
        const auto next = std::clamp(static_cast<std::uint32_t>(mib * miss), b.memory_floor_mib,
                                     memory_cap(passes));
        if (next == mib) {
            break;
        }
        mib = next;
        chosen = measure(mib, passes, lanes);
    }
    out.chosen = chosen;
    return out;
}

void check_kdf_request_readable(const KdfRequest& request, const KdfLimits& limits) {
    if (request.memory_kib != 0 || request.iterations != 0 || request.parallelism != 0) {
        // What the configured values alone would cost, the others at their least.
        check_kdf_policy_readable(
            {request.memory_kib != 0 ? request.memory_kib : kMinWriteMemoryKib,
             request.iterations != 0 ? request.iterations : kMinWriteIterations,
             request.parallelism != 0 ? request.parallelism : 1},
            limits);
    }
}

KdfPolicy choose_kdf_policy(const KdfRequest& request, const KdfLimits& limits,
                            const KdfTimer& timer) {
    if (request.memory_kib != 0 && request.iterations != 0 && request.parallelism != 0) {
        return {request.memory_kib, request.iterations, request.parallelism};
    }
    CalibrationRequest r;
    r.target = request.unlock_target;
    r.memory_mib = request.memory_kib / 1024;
    r.passes = request.iterations;
    r.lanes = request.parallelism;
    // 64 MiB and 3 passes, the default before calibration, where the
    // reader's limits leave room for them.
    const KdfPolicy old_default;
    r.floor.memory_kib = static_cast<std::uint32_t>(std::max<std::uint64_t>(
        kMinWriteMemoryKib, std::min<std::uint64_t>({old_default.memory_kib, limits.max_memory_kib,
                                                     limits.max_work_kib_passes / 3})));
    r.floor.iterations = old_default.iterations;
    r.limits = limits;
    r.runs = 1;
    return calibrate(r, timer, nullptr).chosen.policy;
}

}  // namespace tresor::vault
