// tresor kdf calibrate | bench — Argon2id parameters measured on this
// machine (vault/kdf_calibration.hpp), and the trade-off as a table, JSON or
// a picture (cli/kdf_plot.hpp).
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/kdf_plot.hpp"
#include "platform/process.hpp"
#include "vault/kdf_calibration.hpp"

namespace tresor::cli {
namespace {

namespace tv = tresor::vault;

double ms(std::chrono::nanoseconds t) {
    return static_cast<double>(t.count()) / 1e6;
}

std::string fixed(double v, int decimals) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(decimals) << v;
    return s.str();
}

std::string describe(const tv::KdfPolicy& p) {
    return std::to_string(p.memory_kib / 1024) + " MiB, " + std::to_string(p.iterations) +
           " passes, " + std::to_string(p.parallelism) + (p.parallelism == 1 ? " lane" : " lanes");
}

const tv::KdfTimer kArgon2 = [](const tv::KdfPolicy& p) { return tv::time_kdf(p); };

// What calibration is asked for, from the options both commands take.
struct CalibrationOptions {
    int target_ms = static_cast<int>(tv::kDefaultUnlockTarget.count());
    std::uint32_t max_lanes = 0;
    std::uint32_t max_memory_mib = 0;

    void add_to(CLI::App* cmd) {
        cmd->add_option("--target-ms", target_ms, "Unlock time to aim for")
            ->capture_default_str()
            ->check(CLI::Range(20, 60000));
        cmd->add_option("--max-lanes", max_lanes,
                        "Most lanes to try (default: the CPUs this process may use, " +
                            std::to_string(platform::usable_cpu_count()) + " here)")
            ->check(CLI::Range(1, 16));
        cmd->add_option("--max-memory-mib", max_memory_mib,
                        "Most memory to choose (default: the reader limit, 1024)")
            ->check(CLI::Range(19, 4096));
    }
    [[nodiscard]] tv::CalibrationRequest request(int runs) const {
        tv::CalibrationRequest r;
        r.target = std::chrono::milliseconds(target_ms);
        r.max_lanes = max_lanes;
        r.max_memory_mib = max_memory_mib;
        if (max_memory_mib > r.limits.max_memory_kib / 1024) {
            // A reader that opens it needs kdf.max_memory_mib raised as well.
            r.limits.max_memory_kib = max_memory_mib * 1024;
            r.limits.max_work_kib_passes = std::max<std::uint64_t>(
                r.limits.max_work_kib_passes, std::uint64_t{max_memory_mib} * 1024 * 3);
        }
        r.runs = runs;
        return r;
    }
};

void report_progress(const tv::KdfPolicy& p, std::chrono::nanoseconds t) {
    std::cerr << "measured " << describe(p) << ": " << fixed(ms(t), 1) << " ms\n";
}

std::string json_point(const tv::Measurement& m) {
    return "{\"memory_mib\":" + std::to_string(m.policy.memory_kib / 1024) +
           ",\"passes\":" + std::to_string(m.policy.iterations) +
           ",\"lanes\":" + std::to_string(m.policy.parallelism) +
           ",\"median_ms\":" + fixed(ms(m.median), 1) + "}";
}

std::string json_calibrated(const tv::Calibration& c, int target_ms) {
    std::string out = json_point(c.chosen);
    out.pop_back();
    return out + ",\"attacker_gib_passes\":" + fixed(tv::attacker_gib_passes(c.chosen.policy), 3) +
           ",\"target_ms\":" + std::to_string(target_ms) + "}";
}

void add_calibrate(CLI::App& kdf) {
    auto* cmd = kdf.add_subcommand(
        "calibrate", "Choose Argon2id lanes, memory and passes for a target unlock time");
    auto options = std::make_shared<CalibrationOptions>();
    auto fixed_memory = std::make_shared<std::uint32_t>(0);
    auto fixed_passes = std::make_shared<std::uint32_t>(0);
    auto fixed_lanes = std::make_shared<std::uint32_t>(0);
    auto runs = std::make_shared<int>(3);
    auto toml = std::make_shared<bool>(false);
    auto json = std::make_shared<bool>(false);
    options->add_to(cmd);
    cmd->add_option("--memory-mib", *fixed_memory, "Fixed memory instead of chosen");
    cmd->add_option("--passes", *fixed_passes, "Fixed passes instead of chosen");
    cmd->add_option("--lanes,--parallelism", *fixed_lanes, "Fixed lanes instead of chosen");
    cmd->add_option("--runs", *runs, "Timed runs per point (the median is used)")
        ->capture_default_str()
        ->check(CLI::Range(1, 50));
    cmd->add_flag("--toml", *toml, "Print a config snippet for the vault backend");
    cmd->add_flag("--json", *json, "Print the result as JSON");
    cmd->footer(
        "Lanes: the count that fills the most memory x passes per second here; memory:\n"
        "as much as the target allows at 3 passes; passes: more once memory is at its\n"
        "ceiling. An attacker pays memory x passes per guess, whatever the lanes.\n"
        "Progress goes to stderr; the result to stdout.\n"
        "Example:\n  tresor kdf calibrate --target-ms 500 --toml");
    cmd->callback([=] {
        tv::CalibrationRequest r = options->request(*runs);
        r.memory_mib = *fixed_memory;
        r.passes = *fixed_passes;
        r.lanes = *fixed_lanes;
        const tv::Calibration c = tv::calibrate(r, kArgon2, report_progress);
        const tv::KdfPolicy& p = c.chosen.policy;
        const double cost = tv::attacker_gib_passes(p);
        if (*json) {
            std::cout << json_calibrated(c, options->target_ms) << "\n";
        } else if (*toml) {
            std::cout << "# " << fixed(ms(c.chosen.median), 1) << " ms here; an attacker pays "
                      << fixed(cost, 2) << " GiB·pass per guess\n"
                      << "[backend.vault]\nplugin = \"vault\"\nkdf = { memory_mib = "
                      << p.memory_kib / 1024 << ", iterations = " << p.iterations
                      << ", parallelism = " << p.parallelism;
            if (r.limits.max_memory_kib != tv::KdfLimits{}.max_memory_kib) {
                // Above the default reader limits: readers need them raised.
                std::cout << ", max_memory_mib = " << r.limits.max_memory_kib / 1024
                          << ", max_work = " << r.limits.max_work_kib_passes / 1024;
            }
            std::cout << " }\n";
        } else {
            std::cout << "Argon2id " << describe(p) << ": " << fixed(ms(c.chosen.median), 1)
                      << " ms (median of " << *runs << ")\n"
                      << "an attacker pays " << fixed(cost, 2)
                      << " GiB·pass (memory x passes) per guess\n";
            for (const tv::Measurement& probe : c.lane_probes) {
                // What the same unlock time buys at this lane count.
                const double per_second =
                    tv::attacker_gib_passes(probe.policy) / (ms(probe.median) / 1000);
                std::cout << "  " << probe.policy.parallelism
                          << (probe.policy.parallelism == 1 ? " lane:  " : " lanes: ")
                          << fixed(per_second * r.target.count() / 1000, 2) << " GiB·pass in "
                          << r.target.count() << " ms\n";
            }
        }
    });
}

std::vector<std::uint32_t> default_lanes() {
    const std::uint32_t cpus = std::min(16u, std::max(1u, platform::usable_cpu_count()));
    std::vector<std::uint32_t> lanes;
    for (std::uint32_t n = 1; n < cpus; n *= 2) {
        lanes.push_back(n);
    }
    lanes.push_back(cpus);
    return lanes;
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        throw Error(ErrorCode::io, "cannot write " + path + ": " + std::strerror(errno));
    }
}

void add_bench(CLI::App& kdf) {
    auto* cmd = kdf.add_subcommand(
        "bench", "Time a grid of Argon2id parameters beside the calibrated point");
    auto options = std::make_shared<CalibrationOptions>();
    auto memory =
        std::make_shared<std::vector<std::uint32_t>>(std::vector<std::uint32_t>{19, 64, 256});
    auto passes = std::make_shared<std::vector<std::uint32_t>>(std::vector<std::uint32_t>{2, 3, 4});
    auto lanes = std::make_shared<std::vector<std::uint32_t>>(default_lanes());
    auto json = std::make_shared<bool>(false);
    auto svg = std::make_shared<std::string>();
    auto runs = std::make_shared<int>(1);
    cmd->add_option("--memory-mib", *memory, "Memory sizes")
        ->delimiter(',')
        ->capture_default_str()
        ->check(CLI::Range(19, 4096));
    cmd->add_option("--passes", *passes, "Pass counts")
        ->delimiter(',')
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    cmd->add_option("--lanes", *lanes, "Lane counts")
        ->delimiter(',')
        ->capture_default_str()
        ->check(CLI::Range(1, 16));
    options->add_to(cmd);
    cmd->add_option("--runs", *runs, "Timed runs per point (median)")
        ->capture_default_str()
        ->check(CLI::Range(1, 50));
    cmd->add_flag("--json", *json, "Print JSON instead of a table");
    cmd->add_option("--svg", *svg,
                    "Also draw unlock time against memory, per lanes and passes, to this file");
    cmd->footer(
        "Example:\n  tresor kdf bench --svg kdf.svg\n"
        "  tresor kdf bench --memory-mib 64,128,256 --passes 3 --json");
    cmd->callback([=] {
        std::vector<tv::Measurement> grid;
        for (const std::uint32_t m : *memory) {
            for (const std::uint32_t t : *passes) {
                for (const std::uint32_t p : *lanes) {
                    const tv::KdfPolicy policy{m * 1024, t, p};
                    grid.push_back({policy, tv::median_time(policy, *runs, kArgon2)});
                }
            }
        }
        const tv::Calibration c = tv::calibrate(options->request(*runs), kArgon2, nullptr);
        auto point = [](const tv::Measurement& m) {
            return KdfPoint{m.policy.memory_kib / 1024, m.policy.iterations, m.policy.parallelism,
                            ms(m.median)};
        };
        if (!svg->empty()) {
            KdfPlot plot;
            for (const tv::Measurement& m : grid) {
                plot.grid.push_back(point(m));
            }
            plot.calibrated = point(c.chosen);
            plot.target_ms = options->target_ms;
            write_file(*svg, kdf_plot_svg(plot));
        }
        const tv::KdfPolicy& chosen = c.chosen.policy;
        std::string out;
        if (*json) {
            out = "{\"points\":[";
            for (const tv::Measurement& m : grid) {
                out += (out.back() == '[' ? "" : ",") + json_point(m);
            }
            out += "],\"calibrated\":" + json_calibrated(c, options->target_ms) + "}\n";
        } else {
            out = "memory_mib  passes  lanes  median_ms\n";
            for (const tv::Measurement& m : grid) {
                std::ostringstream row;
                row << std::setw(10) << m.policy.memory_kib / 1024 << std::setw(8)
                    << m.policy.iterations << std::setw(7) << m.policy.parallelism << std::setw(11)
                    << fixed(ms(m.median), 1) << "\n";
                out += row.str();
            }
            out += "calibrated for " + std::to_string(options->target_ms) +
                   " ms: " + describe(chosen) + ", " + fixed(ms(c.chosen.median), 1) +
                   " ms; an attacker pays " + fixed(tv::attacker_gib_passes(chosen), 2) +
                   " GiB·pass per guess\n";
        }
        std::cout << out;
    });
}

}  // namespace

void add_kdf_commands(CLI::App& app, Context&) {
    auto* kdf = app.add_subcommand("kdf", "Measure Argon2id (the vault's key derivation) here");
    kdf->require_subcommand(1);
    kdf->footer("Example:\n  tresor kdf calibrate --target-ms 1000");
    add_calibrate(*kdf);
    add_bench(*kdf);
}

}  // namespace tresor::cli
