// tresor kdf calibrate | bench — measured Argon2id parameters for the vault.
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/kdf_calibration.hpp"

namespace tresor::cli {
namespace {

double ms(std::chrono::nanoseconds t) {
    return static_cast<double>(t.count()) / 1e6;
}

std::string describe(const vault::KdfPolicy& p) {
    return std::to_string(p.memory_kib / 1024) + " MiB, " + std::to_string(p.iterations) +
           " passes, " + std::to_string(p.parallelism) + (p.parallelism == 1 ? " lane" : " lanes");
}

const KdfTimer kArgon2 = [](const vault::KdfPolicy& p) { return vault::time_kdf(p); };

void add_calibrate(CLI::App& kdf) {
    auto* cmd =
        kdf.add_subcommand("calibrate", "Measure Argon2id parameters for a target unlock time");
    auto r = std::make_shared<CalibrationRequest>();
    auto target_ms = std::make_shared<int>(1000);
    auto toml = std::make_shared<bool>(false);
    cmd->add_option("--target-ms", *target_ms, "Unlock time to aim for")->capture_default_str();
    auto* fixed =
        cmd->add_option("--memory-mib", r->memory_mib, "Fixed memory")->capture_default_str();
    cmd->add_option("--max-memory-mib", r->max_memory_mib,
                    "Largest power-of-two memory within this budget that fits the target")
        ->excludes(fixed);
    cmd->add_option("--parallelism", r->parallelism, "Lanes")->capture_default_str();
    cmd->add_option("--runs", r->runs, "Timed runs per point (the median is used)")
        ->capture_default_str();
    cmd->add_flag("--toml", *toml, "Print a config snippet for the vault backend");
    cmd->footer(
        "Progress goes to stderr; the result to stdout.\n"
        "Example:\n  tresor kdf calibrate --target-ms 500 --max-memory-mib 1024 --toml");
    cmd->callback([r, target_ms, toml] {
        r->target = std::chrono::milliseconds(*target_ms);
        const Measurement m = calibrate(*r, kArgon2, [](const vault::KdfPolicy& p, auto t) {
            std::cerr << "measured " << describe(p) << ": " << std::fixed << std::setprecision(1)
                      << ms(t) << " ms\n";
        });
        if (*toml) {
            std::cout << "[backend.vault]\nplugin = \"vault\"\nkdf = { memory_mib = "
                      << m.policy.memory_kib / 1024 << ", iterations = " << m.policy.iterations
                      << ", parallelism = " << m.policy.parallelism << " }\n";
        } else {
            std::cout << "Argon2id " << describe(m.policy) << ": " << std::fixed
                      << std::setprecision(1) << ms(m.median) << " ms (median of " << r->runs
                      << ")\n";
        }
    });
}

void add_bench(CLI::App& kdf) {
    auto* cmd = kdf.add_subcommand("bench", "Time a grid of Argon2id parameters");
    auto json = std::make_shared<bool>(false);
    auto runs = std::make_shared<int>(1);
    cmd->add_flag("--json", *json, "Print JSON instead of a table");
    cmd->add_option("--runs", *runs, "Timed runs per point (median)")->capture_default_str();
    cmd->footer("Example:\n  tresor kdf bench --json");
    cmd->callback([json, runs] {
        std::string out = *json ? "[" : "memory_mib  passes  lanes  median_ms\n";
        bool first = true;
        for (std::uint32_t memory : {19u, 64u, 256u}) {
            for (std::uint32_t passes : {2u, 3u, 4u}) {
                for (std::uint32_t lanes : {1u, 2u}) {
                    const vault::KdfPolicy p{memory * 1024, passes, lanes};
                    const double t = ms(median_time(p, *runs, kArgon2));
                    std::ostringstream row;
                    row << std::fixed << std::setprecision(1);
                    if (*json) {
                        row << (first ? "" : ",") << "{\"memory_mib\":" << memory
                            << ",\"passes\":" << passes << ",\"lanes\":" << lanes
                            << ",\"median_ms\":" << t << "}";
                    } else {
                        row << std::setw(10) << memory << std::setw(8) << passes << std::setw(7)
                            << lanes << std::setw(11) << t << "\n";
                    }
                    out += row.str();
                    first = false;
                }
            }
        }
        std::cout << out << (*json ? "]\n" : "");
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
