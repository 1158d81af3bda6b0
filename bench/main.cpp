// The benchmark runner: every benchmark of bench/ in one run, then the ratio
// table (markdown) on stdout and in --table_out=FILE.
//   --large              also the 1M-entry vault (~20 s to fill, ~450 MB)
//   --table_out=FILE     where the markdown table goes
// Every other argument is Google Benchmark's (--benchmark_filter, ...).
#include <cstring>
#include <fstream>
#include <iostream>

#include "bench/bench_support.hpp"
#include "bench/ratio_table.hpp"
#include "bench/registry.hpp"

namespace tresor::bench {
namespace {

std::vector<int> sizes{1'000, 100'000};

}  // namespace

const std::filesystem::path& scratch_dir() {
    static const std::filesystem::path dir = [] {
        auto d = std::filesystem::temp_directory_path() / "tresor-bench";
        std::filesystem::remove_all(d);
        std::filesystem::create_directories(d);
        std::filesystem::permissions(d, std::filesystem::perms::owner_all);
        return d;
    }();
    return dir;
}

const std::vector<int>& vault_sizes() {
    return sizes;
}

}  // namespace tresor::bench

int main(int argc, char** argv) {
    using namespace tresor::bench;
    std::string table_out;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--large") == 0) {
            sizes.push_back(1'000'000);
        } else if (std::strncmp(argv[i], "--table_out=", 12) == 0) {
            table_out = argv[i] + 12;
        } else {
            argv[kept++] = argv[i];
        }
    }
    argc = kept;
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 2;
    }
    register_vault_benchmarks();
    register_crypto_benchmarks();
    register_backend_benchmarks();
    register_dispatch_benchmarks();
    register_fleet_benchmarks();
    register_unlock_cache_benchmarks();
    register_request_benchmarks();
    CollectingReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    std::cout << '\n';
    write_ratio_table(reporter.figures(), std::cout);
    if (!table_out.empty()) {
        std::ofstream file(table_out);
        write_ratio_table(reporter.figures(), file);
    }
    std::filesystem::remove_all(scratch_dir());
    for (const std::string& failure : reporter.failures()) {
        std::cerr << "benchmark failed: " << failure << '\n';
    }
    return reporter.failures().empty() ? 0 : 1;
}
