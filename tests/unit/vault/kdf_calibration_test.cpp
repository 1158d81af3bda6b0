// Calibration logic with model timers (no real Argon2id): a machine of two
// cores where a pass over 64 MiB takes 100 ms on one lane.
#define BOOST_TEST_MODULE vault_kdf_calibration
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "tresor/error.hpp"
#include "vault/kdf_calibration.hpp"

using namespace tresor::vault;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

namespace {

nanoseconds of_ms(double ms) {
    return nanoseconds(static_cast<std::int64_t>(ms * 1e6));
}

// Proportional to memory x passes; lanes help up to the two cores.
const KdfTimer kTwoCores = [](const KdfPolicy& p) {
    return of_ms(100.0 * p.iterations * (p.memory_kib / 1024.0) / 64.0 /
                 std::min<std::uint32_t>(p.parallelism, 2));
};

CalibrationRequest request(int target_ms) {
    CalibrationRequest r;
    r.target = milliseconds(target_ms);
    r.max_lanes = 4;
    r.runs = 1;
    return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(lanes_are_the_count_that_fills_the_most_memory_per_second) {
    std::vector<std::uint32_t> tried;
    const Calibration c = calibrate(
        request(500), kTwoCores, [&](const KdfPolicy& p, auto) { tried.push_back(p.parallelism); });
    BOOST_REQUIRE_EQUAL(c.lane_probes.size(), 3u);  // 1, 2 and 4 lanes at 64 MiB, 3 passes
    BOOST_TEST(c.lane_probes[0].policy.memory_kib == 64u * 1024);
    BOOST_TEST(c.lane_probes[0].policy.iterations == 3u);
    // 4 lanes are no faster than 2 on two cores: 2 wins.
    BOOST_TEST(c.chosen.policy.parallelism == 2u);
    BOOST_TEST(tried.size() == 4u);  // the probes and the chosen point
}

BOOST_AUTO_TEST_CASE(memory_is_what_the_target_affords_at_three_passes) {
    // 2 lanes: 64 MiB x 3 passes in 150 ms, so 500 ms afford 213 MiB.
    const Calibration c = calibrate(request(500), kTwoCores, nullptr);
    BOOST_TEST(c.chosen.policy.memory_kib == 213u * 1024);
    BOOST_TEST(c.chosen.policy.iterations == 3u);
    BOOST_TEST(std::abs(static_cast<double>(c.chosen.median.count()) / 1e6 - 500) < 5);
    BOOST_TEST(std::abs(attacker_gib_passes(c.chosen.policy) - 213.0 * 3 / 1024) < 1e-9);
}

BOOST_AUTO_TEST_CASE(at_the_memory_ceiling_passes_grow_within_the_work_budget) {
    CalibrationRequest r = request(10000);  // affords 12800 MiB x passes on 2 lanes
    r.max_memory_mib = 512;
    BOOST_TEST(calibrate(r, kTwoCores, nullptr).chosen.policy.memory_kib == 512u * 1024);
    // The default work budget (3072 MiB x passes) holds 512 MiB to 6 passes.
    BOOST_TEST(calibrate(r, kTwoCores, nullptr).chosen.policy.iterations == 6u);
    r.limits.max_work_kib_passes = 64ull * 512 * 1024;
    BOOST_TEST(calibrate(r, kTwoCores, nullptr).chosen.policy.iterations == 25u);
}

BOOST_AUTO_TEST_CASE(a_first_guess_that_misses_is_measured_again) {
    // Time grows faster than memory (caches, the TLB): 64 MiB predicts badly.
    const KdfTimer superlinear = [](const KdfPolicy& p) {
        return of_ms(100.0 * p.iterations * std::pow(p.memory_kib / 1024.0 / 64.0, 1.3));
    };
    CalibrationRequest r = request(1000);
    r.max_lanes = 1;
    int points = 0;
    const Calibration c = calibrate(r, superlinear, [&](const auto&, auto) { ++points; });
    const double took = static_cast<double>(c.chosen.median.count()) / 1e6;
    BOOST_TEST(took < 1100);
    BOOST_TEST(took > 900);
    BOOST_TEST(points <= 4);  // the probe, the guess, at most two corrections
}

BOOST_AUTO_TEST_CASE(fixed_memory_and_lanes_scale_passes_to_the_target) {
    CalibrationRequest r = request(500);
    r.memory_mib = 64;
    r.lanes = 1;
    const Calibration c = calibrate(r, kTwoCores, nullptr);
    BOOST_TEST(c.chosen.policy.memory_kib == 64u * 1024);
    BOOST_TEST(c.chosen.policy.iterations == 5u);
    BOOST_TEST(c.chosen.policy.parallelism == 1u);
    BOOST_TEST(c.lane_probes.size() == 1u);
    r.memory_mib = 256;
    r.target = milliseconds(10);
    BOOST_TEST(calibrate(r, kTwoCores, nullptr).chosen.policy.iterations == 2u);  // the minimum
}

BOOST_AUTO_TEST_CASE(values_outside_the_vault_minimums_or_the_reader_limits_are_refused) {
    auto refused = [](CalibrationRequest r) {
        try {
            (void)calibrate(r, kTwoCores, nullptr);
        } catch (const tresor::Error& e) {
            BOOST_TEST_MESSAGE(e.what());
            return e.code() == tresor::ErrorCode::invalid_argument;
        }
        return false;
    };
    CalibrationRequest r = request(500);
    r.memory_mib = 8;
    BOOST_TEST(refused(r));
    r = request(500);
    r.max_memory_mib = 16;
    BOOST_TEST(refused(r));
    r = request(500);
    r.lanes = 17;
    BOOST_TEST(refused(r));
    r = request(500);
    r.limits.max_lanes = 2;
    r.max_lanes = 4;
    BOOST_TEST(refused(r));
    r = request(500);
    r.memory_mib = 1024;
    r.passes = 4;  // 4096 MiB x passes, above the 3072 budget
    BOOST_TEST(refused(r));
}

BOOST_AUTO_TEST_CASE(median_is_the_middle_of_the_runs) {
    int call = 0;
    const KdfTimer noisy = [&](const KdfPolicy&) {
        static const int kTimes[] = {900, 100, 300};
        return nanoseconds(milliseconds(kTimes[call++ % 3]));
    };
    BOOST_TEST(median_time({64 * 1024, 2, 1}, 3, noisy) == nanoseconds(milliseconds(300)));
}

BOOST_AUTO_TEST_CASE(configured_kdf_values_are_kept_and_the_rest_measured) {
    int timings = 0;
    const KdfTimer counted = [&](const KdfPolicy& p) {
        ++timings;
        return kTwoCores(p);
    };
    // All three set: nothing to measure.
    KdfRequest all{32 * 1024, 4, 3};
    const KdfPolicy kept = choose_kdf_policy(all, {}, counted);
    BOOST_TEST(kept.memory_kib == 32u * 1024);
    BOOST_TEST(kept.iterations == 4u);
    BOOST_TEST(kept.parallelism == 3u);
    BOOST_TEST(timings == 0);
    // Nothing set: the default target, 250 ms, on this model machine's
    // lanes (at most the CPUs this process may use).
    const KdfPolicy chosen = choose_kdf_policy({}, {}, counted);
    BOOST_TEST(chosen.iterations == 3u);
    BOOST_TEST(chosen.memory_kib >= 64u * 1024);
    BOOST_TEST(timings >= 2);
    // Never below 64 MiB x 3 passes when both are chosen, however slow.
    const KdfTimer slow = [](const KdfPolicy&) { return nanoseconds(milliseconds(5000)); };
    KdfRequest one_lane;
    one_lane.parallelism = 1;
    const KdfPolicy floor = choose_kdf_policy(one_lane, {}, slow);
    BOOST_TEST(floor.memory_kib == 64u * 1024);
    BOOST_TEST(floor.iterations == 3u);
    // Within the reader's limits, even below that floor.
    KdfLimits small;
    small.max_memory_kib = 32 * 1024;
    small.max_lanes = 1;
    const KdfPolicy limited = choose_kdf_policy({}, small, kTwoCores);
    BOOST_TEST(limited.memory_kib == 32u * 1024);
    BOOST_TEST(limited.parallelism == 1u);
    check_kdf_policy_readable(limited, small);
}

BOOST_AUTO_TEST_CASE(configured_values_above_the_reader_limits_are_refused) {
    KdfLimits limits;
    limits.max_lanes = 2;
    KdfRequest lanes;
    lanes.parallelism = 4;
    BOOST_CHECK_THROW(check_kdf_request_readable(lanes, limits), tresor::Error);
    KdfRequest memory;
    memory.memory_kib = 2048 * 1024;
    BOOST_CHECK_THROW(check_kdf_request_readable(memory, limits), tresor::Error);
    BOOST_CHECK_NO_THROW(check_kdf_request_readable({}, limits));
}
