// bench/bench_support.hpp — what every benchmark file shares: a scratch
// directory, byte views, the fixed test value, and the size and environment
// switches set by main.cpp.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tresor::bench {

// Under the system temp dir, removed at exit: vault files, floor databases.
const std::filesystem::path& scratch_dir();

inline std::span<const std::uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// The value every store benchmark writes: an API-key-sized secret.
inline const std::string kValue(40, 'v');

// Entry counts the vault benchmarks run at (1k and 100k; 1M with --large).
const std::vector<int>& vault_sizes();

// Spreads entries over 100 services so listing one service is a real range.
inline std::string service_of(int i) {
    return "service" + std::to_string(i % 100);
}
inline std::string name_of(int i) {
    return "name" + std::to_string(i);
}
// A walk over [0, n) that is not sequential (7919 is prime, so it is a
// permutation for any n it does not divide).
inline int scattered(std::int64_t step, int n) {
    return static_cast<int>((step * 7919) % n);
}

// The timed loop over entries: body(i) once per iteration, i walking [0, n)
// as scattered() does. A body that returns bool stops the run with false
// (after its state.SkipWithError: the loop does not stop by itself).
template <typename Body>
void for_each_scattered(benchmark::State& state, int n, Body&& body) {
    std::int64_t step = 0;
    for (auto _ : state) {
        if constexpr (std::is_same_v<decltype(body(0)), bool>) {
            if (!body(scattered(step++, n))) {
                return;
            }
        } else {
            body(scattered(step++, n));
        }
    }
}

// Skips a benchmark whose real peer is not running, saying why (the runner
// tells such skips from failures by their "skipped: " prefix).
inline bool skip_unless(benchmark::State& state, bool available, const std::string& why) {
    if (!available) {
        state.SkipWithError(("skipped: " + why).c_str());
    }
    return !available;
}

}  // namespace tresor::bench
