// vault/kdf_calibration.hpp — choosing Argon2id parameters by measuring
// them on this machine, within what a reader accepts (KdfLimits):
//   lanes    the count (1, 2, 4, ... up to the CPUs this process may use)
//            that fills the most memory x passes per second; more lanes win
//            only by 10 % or more, since each costs a reader a thread;
//   memory   as much as the unlock target affords at 3 passes (RFC 9106
//            section 4: memory first), up to the ceiling;
//   passes   3, or more once memory is at its ceiling.
// Any of the three may be fixed instead. What an attacker pays per guess is
// memory x passes (GiB·pass): lanes change the defender's time, not the
// attacker's work. The timer is injected so the logic is tested without
// spending seconds in Argon2id.
//
// `tresor kdf calibrate` shows the result; a new password slot whose
// kdf.* parameters the config leaves unset gets it (choose_kdf_policy).
#pragma once

#include <chrono>
#include <functional>
#include <vector>

#include "vault/vault.hpp"

namespace tresor::vault {

using KdfTimer = std::function<std::chrono::nanoseconds(const KdfPolicy&)>;
using KdfProgress = std::function<void(const KdfPolicy&, std::chrono::nanoseconds)>;

// The unlock time a new vault's password slot is calibrated to by default.
constexpr std::chrono::milliseconds kDefaultUnlockTarget{250};

struct CalibrationRequest {
    std::chrono::milliseconds target = kDefaultUnlockTarget;
    // Fixed values; 0: chosen.
    std::uint32_t memory_mib = 0;
    std::uint32_t passes = 0;
    std::uint32_t lanes = 0;
    // Bounds of the choice; 0: the CPUs this process may use (at most 16),
    // and the reader's max_memory_kib.
    std::uint32_t max_lanes = 0;
    std::uint32_t max_memory_mib = 0;
    // Never chosen below (a fixed value may be, down to the write minimum).
    KdfPolicy floor{kMinWriteMemoryKib, kMinWriteIterations, 1};
    KdfLimits limits;
    int runs = 3;  // the median of this many timings per point
};

struct Measurement {
    KdfPolicy policy;
    std::chrono::nanoseconds median{0};
};

struct Calibration {
    Measurement chosen;
    std::vector<Measurement> lane_probes;  // one per lane count tried
};

// Throws Error{invalid_argument} for fixed values or bounds outside the
// vault's minimums or the reader's limits.
[[nodiscard]] Calibration calibrate(const CalibrationRequest& request, const KdfTimer& timer,
                                    const KdfProgress& progress);

// The median of `runs` timings of one policy.
[[nodiscard]] std::chrono::nanoseconds median_time(const KdfPolicy& policy, int runs,
                                                   const KdfTimer& timer);

// What one guess costs an attacker: memory (GiB) x passes.
[[nodiscard]] double attacker_gib_passes(const KdfPolicy& policy);

// A vault backend's kdf.* parameters as configured: 0 where the config
// leaves the choice to calibration on the machine that writes the slot.
struct KdfRequest {
    std::uint32_t memory_kib = 0;
    std::uint32_t iterations = 0;
    std::uint32_t parallelism = 0;
    std::chrono::milliseconds unlock_target = kDefaultUnlockTarget;
};

// The policy of a new password slot: the configured values, the others
// calibrated here (one timing per point), never below RFC 9106's second
// recommendation's 64 MiB and 3 passes when both are chosen, within limits.
[[nodiscard]] KdfPolicy choose_kdf_policy(const KdfRequest& request, const KdfLimits& limits,
                                          const KdfTimer& timer = time_kdf);

// Throws Error{invalid_argument} when the configured values alone are above
// what a reader with these limits opens.
void check_kdf_request_readable(const KdfRequest& request, const KdfLimits& limits);

}  // namespace tresor::vault
