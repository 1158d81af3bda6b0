// Calibration logic with a model timer (no real Argon2): 100 ms per pass at
// 64 MiB, proportional to memory, halved by a second lane.
#define BOOST_TEST_MODULE kdf_calibration
#include <boost/test/unit_test.hpp>

#include "cli/kdf_calibration.hpp"
#include "tresor/error.hpp"

using namespace tresor::cli;
using std::chrono::milliseconds;

namespace {

const KdfTimer kModel = [](const tresor::vault::KdfPolicy& p) {
    const double ms = 100.0 * p.iterations * (p.memory_kib / 1024.0) / 64.0 / p.parallelism;
    return std::chrono::nanoseconds(static_cast<std::int64_t>(ms * 1e6));
};

}  // namespace

BOOST_AUTO_TEST_CASE(passes_scale_to_the_target_at_fixed_memory) {
    CalibrationRequest r;
    r.target = milliseconds(500);
    r.memory_mib = 64;
    int points = 0;
    const Measurement m = calibrate(r, kModel, [&](const auto&, auto) { ++points; });
    BOOST_TEST(m.policy.memory_kib == 64u * 1024);
    BOOST_TEST(m.policy.iterations == 5u);
    BOOST_TEST(m.median == std::chrono::nanoseconds(milliseconds(500)));
    BOOST_TEST(points == 2);  // the base point and the chosen one
}

BOOST_AUTO_TEST_CASE(passes_never_go_below_the_vault_minimum) {
    CalibrationRequest r;
    r.target = milliseconds(10);
    r.memory_mib = 256;
    BOOST_TEST(calibrate(r, kModel, nullptr).policy.iterations == 2u);
}

BOOST_AUTO_TEST_CASE(max_memory_picks_the_largest_power_of_two_that_fits) {
    CalibrationRequest r;
    r.target = milliseconds(1000);
    r.max_memory_mib = 1024;
    // At 2 passes: 256 MiB takes 800 ms (fits), 512 MiB 1600 ms (does not).
    const Measurement m = calibrate(r, kModel, nullptr);
    BOOST_TEST(m.policy.memory_kib == 256u * 1024);
    BOOST_TEST(m.policy.iterations == 3u);  // 1200 ms rounds from 2.5 passes
}

BOOST_AUTO_TEST_CASE(parameters_below_the_vault_minimum_are_refused) {
    CalibrationRequest r;
    r.memory_mib = 8;
    BOOST_CHECK_THROW((void)calibrate(r, kModel, nullptr), tresor::Error);
    CalibrationRequest tiny_budget;
    tiny_budget.max_memory_mib = 16;
    BOOST_CHECK_THROW((void)calibrate(tiny_budget, kModel, nullptr), tresor::Error);
}

BOOST_AUTO_TEST_CASE(median_is_the_middle_of_the_runs) {
    int call = 0;
    const KdfTimer noisy = [&](const tresor::vault::KdfPolicy&) {
        static const int kTimes[] = {900, 100, 300};
        return std::chrono::nanoseconds(milliseconds(kTimes[call++ % 3]));
    };
    BOOST_TEST(median_time({64 * 1024, 2, 1}, 3, noisy) ==
               std::chrono::nanoseconds(milliseconds(300)));
}
