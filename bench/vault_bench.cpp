// The vault's hot paths beside their floors and beside libsodium:
//   get  vs  one SQLite point SELECT + one HMAC + one XChaCha20-Poly1305 open
//   set  vs  one durable SQLite commit of a row of the same size
//   Argon2id and XChaCha20-Poly1305 (tresor's Botan path) vs libsodium,
//   with identical output checked before timing.
#include <benchmark/benchmark.h>
#include <sodium.h>
#include <sqlite3.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "vault/detail/crypto.hpp"
#include "vault/vault.hpp"

namespace {

using namespace tresor::vault;
namespace fs = std::filesystem;

const fs::path kDir = fs::temp_directory_path() / "tresor-bench";
const Credential kPassword{Credential::Kind::password, SecureBytes{'b', 'e', 'n', 'c', 'h'}};
constexpr int kEntries = 1000;
const std::string kValue(40, 'v');

std::span<const std::uint8_t> bytes(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

Vault& bench_vault() {
    static Vault vault = [] {
        fs::remove_all(kDir);
        Vault v = Vault::create(kDir / "vault.db", kPassword, {19 * 1024, 2, 1});
        for (int i = 0; i < kEntries; ++i) {
            v.set("service", "name" + std::to_string(i), bytes(kValue), {});
        }
        return v;
    }();
    return vault;
}

void BM_VaultGet(benchmark::State& state) {
    Vault& v = bench_vault();
    int i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(v.get("service", "name" + std::to_string(i++ % kEntries)));
    }
}
BENCHMARK(BM_VaultGet);

// The floor of a get: what any encrypted store with a blind index must do.
void BM_FloorGet(benchmark::State& state) {
    using namespace tresor::vault::detail;
    // A file with the vault's journal mode, as the vault reads one.
    fs::create_directories(kDir);
    fs::remove(kDir / "floor-get.db");
    sqlite3* db = nullptr;
    sqlite3_open((kDir / "floor-get.db").c_str(), &db);
    sqlite3_exec(db,
                 "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;"
                 "CREATE TABLE t (k BLOB PRIMARY KEY, v BLOB)",
                 nullptr, nullptr, nullptr);
    const Bytes key(32, 1);
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?, ?)", -1, &insert, nullptr);
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (int i = 0; i < kEntries; ++i) {
        const std::string name = "name" + std::to_string(i);
        const Bytes k = hmac_sha256(key, bytes(name));
        const Bytes v = aead_seal(key, bytes(kValue), k);
        sqlite3_bind_blob(insert, 1, k.data(), static_cast<int>(k.size()), SQLITE_TRANSIENT);
        sqlite3_bind_blob(insert, 2, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        sqlite3_step(insert);
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_stmt* select = nullptr;
    sqlite3_prepare_v2(db, "SELECT v FROM t WHERE k = ?", -1, &select, nullptr);
    int i = 0;
    for (auto _ : state) {
        const std::string name = "name" + std::to_string(i++ % kEntries);
        const Bytes k = hmac_sha256(key, bytes(name));
        sqlite3_bind_blob(select, 1, k.data(), static_cast<int>(k.size()), SQLITE_STATIC);
        sqlite3_step(select);
        const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(select, 0));
        benchmark::DoNotOptimize(
            aead_open(key, {p, static_cast<std::size_t>(sqlite3_column_bytes(select, 0))}, k));
        sqlite3_reset(select);
    }
    sqlite3_finalize(select);
    sqlite3_close(db);
}
BENCHMARK(BM_FloorGet);

void BM_VaultSetDurable(benchmark::State& state) {
    Vault& v = bench_vault();
    int i = 0;
    for (auto _ : state) {
        v.set("service", "name" + std::to_string(i++ % kEntries), bytes(kValue), {});
    }
}
BENCHMARK(BM_VaultSetDurable)->Unit(benchmark::kMicrosecond);

// The fsync floor: one durable commit of a row the size of a vault record.
void BM_FloorCommitDurable(benchmark::State& state) {
    fs::create_directories(kDir);
    sqlite3* db = nullptr;
    sqlite3_open((kDir / "floor.db").c_str(), &db);
    sqlite3_exec(db,
                 "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;"
                 "CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v BLOB)",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt* upsert = nullptr;
    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO t VALUES (?, ?)", -1, &upsert, nullptr);
    const std::string row(300, 'r');
    int i = 0;
    for (auto _ : state) {
        sqlite3_bind_int(upsert, 1, i++ % kEntries);
        sqlite3_bind_blob(upsert, 2, row.data(), static_cast<int>(row.size()), SQLITE_STATIC);
        sqlite3_step(upsert);
        sqlite3_reset(upsert);
    }
    sqlite3_finalize(upsert);
    sqlite3_close(db);
}
BENCHMARK(BM_FloorCommitDurable)->Unit(benchmark::kMicrosecond);

void check_argon2_matches_libsodium(std::uint32_t memory_mib) {
    const std::string password = "password";
    const std::string salt(16, 's');
    const SecureBytes ours =
        tresor::vault::detail::argon2id(bytes(password), bytes(salt), {memory_mib * 1024, 3, 1});
    std::uint8_t theirs[32];
    if (crypto_pwhash(theirs, sizeof(theirs), password.data(), password.size(),
                      reinterpret_cast<const std::uint8_t*>(salt.data()), 3,
                      static_cast<std::size_t>(memory_mib) << 20,
                      crypto_pwhash_ALG_ARGON2ID13) != 0 ||
        std::memcmp(ours.data(), theirs, sizeof(theirs)) != 0) {
        throw std::runtime_error("Argon2id output differs from libsodium's");
    }
}

void BM_Argon2id_tresor(benchmark::State& state) {
    const auto memory = static_cast<std::uint32_t>(state.range(0));
    check_argon2_matches_libsodium(memory);
    for (auto _ : state) {
        benchmark::DoNotOptimize(time_kdf({memory * 1024, 3, 1}));
    }
}
BENCHMARK(BM_Argon2id_tresor)
    ->Arg(19)
    ->Arg(64)
    ->Arg(256)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

void BM_Argon2id_libsodium(benchmark::State& state) {
    const auto memory = static_cast<std::size_t>(state.range(0));
    std::uint8_t out[32];
    const std::uint8_t salt[16] = {};
    for (auto _ : state) {
        benchmark::DoNotOptimize(crypto_pwhash(out, sizeof(out), "password", 8, salt, 3,
                                               memory << 20, crypto_pwhash_ALG_ARGON2ID13));
    }
}
BENCHMARK(BM_Argon2id_libsodium)
    ->Arg(19)
    ->Arg(64)
    ->Arg(256)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

void BM_XChaCha_seal_open_tresor(benchmark::State& state) {
    const std::string message(static_cast<std::size_t>(state.range(0)), 'm');
    const tresor::vault::detail::Bytes key(32, 7), ad(32, 9);
    for (auto _ : state) {
        const auto sealed = tresor::vault::detail::aead_seal(key, bytes(message), ad);
        benchmark::DoNotOptimize(tresor::vault::detail::aead_open(key, sealed, ad));
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_XChaCha_seal_open_tresor)->Arg(64)->Arg(1024)->Arg(1 << 20);

void BM_XChaCha_seal_open_libsodium(benchmark::State& state) {
    const std::string message(static_cast<std::size_t>(state.range(0)), 'm');
    std::vector<std::uint8_t> sealed(message.size() + 16), opened(message.size());
    const std::uint8_t key[32] = {7}, ad[32] = {9};
    std::uint8_t nonce[24];
    for (auto _ : state) {
        randombytes_buf(nonce, sizeof(nonce));
        unsigned long long n = 0;
        crypto_aead_xchacha20poly1305_ietf_encrypt(
            sealed.data(), &n, reinterpret_cast<const std::uint8_t*>(message.data()),
            message.size(), ad, sizeof(ad), nullptr, nonce, key);
        benchmark::DoNotOptimize(crypto_aead_xchacha20poly1305_ietf_decrypt(
            opened.data(), &n, nullptr, sealed.data(), sealed.size(), ad, sizeof(ad), nonce, key));
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_XChaCha_seal_open_libsodium)->Arg(64)->Arg(1024)->Arg(1 << 20);

}  // namespace

int main(int argc, char** argv) {
    if (sodium_init() < 0) {
        return 1;
    }
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    fs::remove_all(kDir);
    return 0;
}
