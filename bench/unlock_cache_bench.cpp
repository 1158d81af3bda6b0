// The unlock cache's hit path inside one process: Vault::open with the key
// found in the session keyring (search, read, header read, subkeys, MAC
// check) and one get, beside the cache's keyctl search + read alone. The
// whole-process figure is process/tresor_get_vault_cached (dispatch_bench).
#include "bench/bench_support.hpp"
#include "bench/registry.hpp"
#include "tresor/error.hpp"
#include "vault/stores/sqlite_store.hpp"
#include "vault/unlock_cache.hpp"
#include "vault/vault.hpp"

namespace tresor::bench {
namespace {

namespace tv = tresor::vault;

// A one-entry vault whose key is in the cache; empty when the keyring is
// refused here.
std::optional<std::string> cached_vault(benchmark::State& state) {
    const auto path = scratch_dir() / "unlock-cache" / "vault.db";
    std::error_code ec;
    std::filesystem::remove(path, ec);
    tv::Vault v = tv::Vault::create(path, {tv::Credential::Kind::password, tv::SecureBytes(5, 'b')},
                                    {tv::kMinWriteMemoryKib, tv::kMinWriteIterations, 1});
    v.set("bench", "token", bytes(kValue), {});
    try {
        tv::cache_vault_key(v.id(), v.vault_key(), std::chrono::hours(1));
    } catch (const Error& e) {
        (void)skip_unless(state, false, e.what());
        return std::nullopt;
    }
    return v.id();
}

void BM_OpenFromCacheAndGet(benchmark::State& state) {
    const auto id = cached_vault(state);
    if (!id) {
        return;
    }
    const auto path = scratch_dir() / "unlock-cache" / "vault.db";
    for (auto _ : state) {
        tv::Vault v = tv::Vault::open(
            tv::open_sqlite_store(path),
            [](const std::string& vault_id) { return tv::find_cached_vault_key(vault_id, false); },
            []() -> tv::Credential { throw Error(ErrorCode::locked, "the cache missed"); });
        benchmark::DoNotOptimize(v.get("bench", "token"));
    }
    (void)tv::drop_cached_vault_key(*id);
}

void BM_KeyctlRead(benchmark::State& state) {
    const auto id = cached_vault(state);
    if (!id) {
        return;
    }
    for (auto _ : state) {
        benchmark::DoNotOptimize(tv::find_cached_vault_key(*id, false));
    }
    (void)tv::drop_cached_vault_key(*id);
}

}  // namespace

void register_unlock_cache_benchmarks() {
    benchmark::RegisterBenchmark("unlock_cache/open_get", BM_OpenFromCacheAndGet)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("unlock_cache/keyctl_read", BM_KeyctlRead)
        ->Unit(benchmark::kMicrosecond);
}

}  // namespace tresor::bench
