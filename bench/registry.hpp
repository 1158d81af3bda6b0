// bench/registry.hpp — each benchmark file registers its benchmarks here;
// main.cpp calls them all, then prints the ratio table (ratio_table.hpp).
#pragma once

namespace tresor::bench {

void register_vault_benchmarks();         // vault_bench.cpp
void register_crypto_benchmarks();        // crypto_bench.cpp
void register_backend_benchmarks();       // backend_bench.cpp
void register_dispatch_benchmarks();      // dispatch_bench.cpp
void register_fleet_benchmarks();         // fleet_bench.cpp
void register_unlock_cache_benchmarks();  // unlock_cache_bench.cpp
void register_request_benchmarks();       // request_bench.cpp

}  // namespace tresor::bench
