// cli/kdf_plot.hpp — `tresor kdf bench --svg`: unlock time against memory,
// one line per (lanes, passes), the calibrated point marked, written as SVG
// by hand. Memory is on a log2 axis (the grid doubles), time on a linear
// one from zero; a dashed line marks the unlock target. Elements carry
// classes (x-tick, y-tick, point, calibrated, legend) so a test can read the
// axes back and check every point's place (tests/cli/kdf_bench_svg_test.py).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tresor::cli {

struct KdfPoint {
    std::uint32_t memory_mib;
    std::uint32_t passes;
    std::uint32_t lanes;
    double median_ms;
};

struct KdfPlot {
    std::vector<KdfPoint> grid;
    std::optional<KdfPoint> calibrated;
    double target_ms = 0;  // 0: no target line
};

[[nodiscard]] std::string kdf_plot_svg(const KdfPlot& plot);

}  // namespace tresor::cli
