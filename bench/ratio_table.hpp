// bench/ratio_table.hpp — turns one run's results into the markdown table of
// docs/PERFORMANCE.md: each row sets a tresor figure beside its reference
// (a floor, a peer library, or the layer below) and the goal.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tresor::bench {

// What one benchmark measured: seconds per iteration, items per second.
struct Figure {
    double seconds = 0;
    double items_per_second = 0;
};

// A benchmark that stopped with a message starting with this was skipped
// because its peer is not running here (skip_unless); any other message is a
// failure and fails the run.
inline constexpr std::string_view kSkippedPrefix = "skipped: ";

// Shows the run on the console as usual and keeps every figure by name.
class CollectingReporter : public benchmark::ConsoleReporter {
  public:
    void ReportRuns(const std::vector<Run>& runs) override;
    [[nodiscard]] const std::map<std::string, Figure>& figures() const { return figures_; }
    [[nodiscard]] const std::vector<std::string>& failures() const { return failures_; }

  private:
    std::map<std::string, Figure> figures_;
    std::vector<std::string> failures_;
};

// Writes the table; rows whose benchmarks did not run (skipped, filtered
// out) say so instead of a figure.
void write_ratio_table(const std::map<std::string, Figure>& figures, std::ostream& out);

}  // namespace tresor::bench
