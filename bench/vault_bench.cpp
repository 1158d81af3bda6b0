// The vault's operations at 1k and 100k entries (1M with --large), beside
// their floors:
//   get  vs  one SQLite point SELECT + one HMAC + one XChaCha20-Poly1305 open
//   get with last_used_at tracking  vs  the same get without
//   set  vs  one durable SQLite commit of a row of the same size
//   get and set with the audit log on  vs  the same without
// and a bulk import through Vault::set_many (one transaction).
#include <sqlite3.h>

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>

#include "bench/bench_support.hpp"
#include "bench/registry.hpp"
#include "vault/detail/crypto.hpp"
#include "vault/vault.hpp"

namespace tresor::bench {
namespace {

using namespace tresor::vault;
namespace detail = tresor::vault::detail;  // not tresor::detail (the allocator)
namespace fs = std::filesystem;

const Credential kPassword{Credential::Kind::password, SecureBytes{'b', 'e', 'n', 'c', 'h'}};
const KdfPolicy kFastKdf{kMinWriteMemoryKib, kMinWriteIterations, 1};

// Writes entries [first, first + count) in batches of 10k.
void fill(Vault& vault, int first, int count) {
    constexpr int kBatch = 10'000;
    std::vector<std::string> services, names;
    std::vector<Vault::NewEntry> batch;
    for (int start = first; start < first + count; start += kBatch) {
        const int end = std::min(first + count, start + kBatch);
        services.clear();
        names.clear();
        batch.clear();
        services.reserve(kBatch);
        names.reserve(kBatch);
        for (int i = start; i < end; ++i) {
            services.push_back(service_of(i));
            names.push_back(name_of(i));
            batch.push_back({services.back(), names.back(), bytes(kValue), {}});
        }
        vault.set_many(batch);
    }
}

// One vault per size, filled once and shared by every benchmark at that size.
Vault& vault_of(int entries) {
    static std::map<int, Vault> vaults;
    auto it = vaults.find(entries);
    if (it == vaults.end()) {
        const fs::path file = scratch_dir() / ("vault-" + std::to_string(entries) + ".db");
        Vault v = Vault::create(file, kPassword, kFastKdf);
        fill(v, 0, entries);
        it = vaults.emplace(entries, std::move(v)).first;
    }
    return it->second;
}

// The same vault copied and opened with its audit log on: every set seals
// an event in its transaction, every get notes one, written in batches.
Vault& audited_vault_of(int entries) {
    static std::map<int, Vault> vaults;
    auto it = vaults.find(entries);
    if (it == vaults.end()) {
        (void)vault_of(entries);  // its file exists, filled
        const fs::path from = scratch_dir() / ("vault-" + std::to_string(entries) + ".db");
        const fs::path file = scratch_dir() / ("audited-" + std::to_string(entries) + ".db");
        fs::remove(file);
        fs::copy_file(from, file);
        Vault v = Vault::open(file, kPassword);
        v.enable_audit();
        it = vaults.emplace(entries, std::move(v)).first;
    }
    return it->second;
}

void check(int rc, sqlite3* db) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db));
    }
}

// The floor's table: what any encrypted store with a blind index must hold,
// in a file with the vault's journal mode.
struct FloorDb {
    sqlite3* db = nullptr;
    detail::Bytes key = detail::Bytes(32, 1);

    explicit FloorDb(int entries) {
        const fs::path file = scratch_dir() / ("floor-" + std::to_string(entries) + ".db");
        fs::remove(file);
        check(sqlite3_open(file.c_str(), &db), db);
        check(sqlite3_exec(db,
                           "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;"
                           "CREATE TABLE t (k BLOB PRIMARY KEY, v BLOB)",
                           nullptr, nullptr, nullptr),
              db);
        sqlite3_stmt* insert = nullptr;
        check(sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?, ?)", -1, &insert, nullptr), db);
        check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db);
        for (int i = 0; i < entries; ++i) {
            const detail::Bytes k = detail::hmac_sha256(key, bytes(name_of(i)));
            const detail::Bytes v = detail::aead_seal(key, bytes(kValue), k);
            sqlite3_bind_blob(insert, 1, k.data(), static_cast<int>(k.size()), SQLITE_TRANSIENT);
            sqlite3_bind_blob(insert, 2, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
            check(sqlite3_step(insert), db);
            sqlite3_reset(insert);
        }
        sqlite3_finalize(insert);
        check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db);
    }
    ~FloorDb() { sqlite3_close(db); }
    FloorDb(const FloorDb&) = delete;
    FloorDb& operator=(const FloorDb&) = delete;
};

int entries(const benchmark::State& state) {
    return static_cast<int>(state.range(0));
}

// Tracked: plus what the vault plugin adds to each get for last_used_at
// (vault_backend.hpp), the clocks and noting the use in memory. Its writes
// (one transaction per 5 minutes and at close) are not on this path.
template <bool Tracked>
void BM_VaultGet(benchmark::State& state) {
    Vault& v = vault_of(entries(state));
    for_each_scattered(state, entries(state), [&](int i) {
        const std::string service = service_of(i);
        const std::string name = name_of(i);
        benchmark::DoNotOptimize(v.get(service, name));
        if constexpr (Tracked) {
            using namespace std::chrono;
            v.note_use(service, name,
                       duration_cast<seconds>(system_clock::now().time_since_epoch()).count());
            benchmark::DoNotOptimize(steady_clock::now());
        }
    });
}

// A get with its audit event noted, as the vault plugin makes it
// (plugins/common/vault_backend.hpp); when the event is written is the
// caller's.
std::optional<SecureBytes> audited_get(Vault& v, int i) {
    const std::string service = service_of(i);
    const std::string name = name_of(i);
    auto value = v.get(service, name);
    v.note_read(audit::Operation::get, value ? audit::Outcome::ok : audit::Outcome::not_found,
                service, name);
    return value;
}

// audit = "on": the batch written when due (4096 events or 1 s) — its
// commits are timed too.
void BM_VaultGetAudited(benchmark::State& state) {
    Vault& v = audited_vault_of(entries(state));
    for_each_scattered(state, entries(state), [&](int i) {
        auto value = audited_get(v, i);
        if (v.audit_due()) {
            (void)v.flush_audit();
        }
        benchmark::DoNotOptimize(value);
    });
}

// audit = "strict": every get's event durable before the value is used.
void BM_VaultGetStrict(benchmark::State& state) {
    Vault& v = audited_vault_of(entries(state));
    for_each_scattered(state, entries(state), [&](int i) {
        auto value = audited_get(v, i);
        (void)v.flush_audit();
        benchmark::DoNotOptimize(value);
    });
}

// An existing entry set again, durably, in the vault `of` gives (vault_of or
// audited_vault_of).
template <Vault& (*of)(int)>
void BM_VaultSet(benchmark::State& state) {
    Vault& v = of(entries(state));
    for_each_scattered(state, entries(state),
                       [&](int i) { v.set(service_of(i), name_of(i), bytes(kValue), {}); });
}

void BM_FloorGet(benchmark::State& state) {
    FloorDb floor(entries(state));
    sqlite3_stmt* select = nullptr;
    check(sqlite3_prepare_v2(floor.db, "SELECT v FROM t WHERE k = ?", -1, &select, nullptr),
          floor.db);
    for_each_scattered(state, entries(state), [&](int i) {
        const detail::Bytes k = detail::hmac_sha256(floor.key, bytes(name_of(i)));
        sqlite3_bind_blob(select, 1, k.data(), static_cast<int>(k.size()), SQLITE_STATIC);
        check(sqlite3_step(select), floor.db);
        const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(select, 0));
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(select, 0));
        benchmark::DoNotOptimize(detail::aead_open(floor.key, {p, size}, k));
        sqlite3_reset(select);
    });
    sqlite3_finalize(select);
}

// Removes an existing entry; putting it back is not timed.
void BM_VaultRemoveDurable(benchmark::State& state) {
    Vault& v = vault_of(entries(state));
    for_each_scattered(state, entries(state), [&](int i) {
        benchmark::DoNotOptimize(v.remove(service_of(i), name_of(i)));
        state.PauseTiming();
        v.set(service_of(i), name_of(i), bytes(kValue), {});
        state.ResumeTiming();
    });
}

// Metadata of one service: n / 100 entries, each decrypted (never a value).
void BM_VaultListService(benchmark::State& state) {
    const int n = entries(state);
    Vault& v = vault_of(n);
    std::int64_t step = 0;
    for (auto _ : state) {
        const std::string service = service_of(static_cast<int>(step++));
        std::size_t count = 0;
        v.list(&service, [&](const Metadata&) { ++count; });
        benchmark::DoNotOptimize(count);
    }
    state.SetItemsProcessed(state.iterations() * (n / 100));
}

// The fsync floor: one durable commit of a row the size of a vault record.
void BM_FloorCommitDurable(benchmark::State& state) {
    sqlite3* db = nullptr;
    check(sqlite3_open((scratch_dir() / "floor-commit.db").c_str(), &db), db);
    check(sqlite3_exec(db,
                       "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;"
                       "PRAGMA secure_delete=ON;"
                       "CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v BLOB)",
                       nullptr, nullptr, nullptr),
          db);
    sqlite3_stmt* upsert = nullptr;
    check(sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO t VALUES (?, ?)", -1, &upsert, nullptr),
          db);
    const std::string row(300, 'r');
    int i = 0;
    for (auto _ : state) {
        sqlite3_bind_int(upsert, 1, i++ % 1000);
        sqlite3_bind_blob(upsert, 2, row.data(), static_cast<int>(row.size()), SQLITE_STATIC);
        check(sqlite3_step(upsert), db);
        sqlite3_reset(upsert);
    }
    sqlite3_finalize(upsert);
    sqlite3_close(db);
}

// 10k new entries into a fresh vault in one set_many; items/s is the rate.
void BM_VaultBulkImport(benchmark::State& state) {
    constexpr int kImported = 10'000;
    int round = 0;
    for (auto _ : state) {
        state.PauseTiming();
        const fs::path file = scratch_dir() / ("import-" + std::to_string(round++) + ".db");
        Vault v = Vault::create(file, kPassword, kFastKdf);
        state.ResumeTiming();
        fill(v, 0, kImported);
        state.PauseTiming();
        fs::remove(file);
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * kImported);
}

}  // namespace

void register_vault_benchmarks() {
    for (const int n : vault_sizes()) {
        benchmark::RegisterBenchmark("vault/get", BM_VaultGet<false>)->Arg(n);
        benchmark::RegisterBenchmark("vault/get_tracked", BM_VaultGet<true>)->Arg(n);
        benchmark::RegisterBenchmark("vault/get_audited", BM_VaultGetAudited)->Arg(n);
        benchmark::RegisterBenchmark("floor/get", BM_FloorGet)->Arg(n);
        // Each iteration a durable commit or a range read: in microseconds.
        for (const auto& [name, run] : {
                 std::pair{"vault/set_durable", &BM_VaultSet<vault_of>},
                 std::pair{"vault/get_strict", &BM_VaultGetStrict},
                 std::pair{"vault/set_audited", &BM_VaultSet<audited_vault_of>},
                 std::pair{"vault/remove_durable", &BM_VaultRemoveDurable},
                 std::pair{"vault/list_service", &BM_VaultListService},
             }) {
            benchmark::RegisterBenchmark(name, run)->Arg(n)->Unit(benchmark::kMicrosecond);
        }
    }
    benchmark::RegisterBenchmark("floor/commit_durable", BM_FloorCommitDurable)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("vault/bulk_import", BM_VaultBulkImport)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(3);
}

}  // namespace tresor::bench
