// The vault's primitives (tresor's crypto path) against libsodium: Argon2id
// at 19, 64 and 256 MiB with identical output checked before timing (new
// slots' KDF 2, beside KDF 1's provider and Botan's), and
// XChaCha20-Poly1305 seal+open at 64 B, 1 KiB and 1 MiB.
#include <botan/argon2.h>
#include <sodium.h>

#include <cstring>
#include <stdexcept>

#include "bench/bench_support.hpp"
#include "bench/registry.hpp"
#include "vault/detail/crypto.hpp"
#include "vault/vault.hpp"

namespace tresor::bench {
namespace {

using tresor::vault::detail::Bytes;

constexpr std::uint32_t kPasses = 3;

// Both of tresor's KDFs (1: the build's provider, 2: the one-lane path)
// against libsodium's crypto_pwhash, byte for byte.
void check_argon2_matches_libsodium(std::uint32_t memory_mib) {
    const std::string password = "password";
    const std::string salt(16, 's');
    const auto kdf1 =
        vault::detail::argon2id(bytes(password), bytes(salt), {memory_mib * 1024, kPasses, 1});
    const auto kdf2 =
        vault::detail::argon2id_one_lane(bytes(password), bytes(salt), memory_mib * 1024, kPasses);
    std::uint8_t theirs[32];
    if (crypto_pwhash(theirs, sizeof(theirs), password.data(), password.size(),
                      reinterpret_cast<const std::uint8_t*>(salt.data()), kPasses,
                      static_cast<std::size_t>(memory_mib) << 20,
                      crypto_pwhash_ALG_ARGON2ID13) != 0 ||
        std::memcmp(kdf1.data(), theirs, sizeof(theirs)) != 0 ||
        std::memcmp(kdf2.data(), theirs, sizeof(theirs)) != 0) {
        throw std::runtime_error("Argon2id output differs from libsodium's");
    }
}

void BM_Argon2id_tresor(benchmark::State& state) {
    const auto memory_mib = static_cast<std::uint32_t>(state.range(0));
    check_argon2_matches_libsodium(memory_mib);
    for (auto _ : state) {
        benchmark::DoNotOptimize(vault::time_kdf({memory_mib * 1024, kPasses, 1}));
    }
}

// KDF 1, which slots written before KDF 2 (and of more lanes) still use.
void BM_Argon2id_kdf1(benchmark::State& state) {
    const auto memory_kib = static_cast<std::uint32_t>(state.range(0)) * 1024;
    const Bytes password(8, 'p'), salt(32, 's');
    for (auto _ : state) {
        benchmark::DoNotOptimize(vault::detail::argon2id(password, salt, {memory_kib, kPasses, 1}));
    }
}

// Botan 2's Argon2id, the other provider TRESOR_ARGON2 can select.
void BM_Argon2id_botan(benchmark::State& state) {
    const auto memory_kib = static_cast<std::size_t>(state.range(0)) * 1024;
    std::uint8_t out[32];
    const std::uint8_t salt[16] = {};
    for (auto _ : state) {
        Botan::argon2(out, sizeof(out), "password", 8, salt, sizeof(salt), nullptr, 0, nullptr, 0,
                      /*Argon2id*/ 2, 1, memory_kib, kPasses);
        benchmark::DoNotOptimize(out);
    }
}

void BM_Argon2id_libsodium(benchmark::State& state) {
    const auto memory_mib = static_cast<std::size_t>(state.range(0));
    std::uint8_t out[32];
    const std::uint8_t salt[16] = {};
    for (auto _ : state) {
        benchmark::DoNotOptimize(crypto_pwhash(out, sizeof(out), "password", 8, salt, kPasses,
                                               memory_mib << 20, crypto_pwhash_ALG_ARGON2ID13));
    }
}

void BM_XChaCha_tresor(benchmark::State& state) {
    const std::string message(static_cast<std::size_t>(state.range(0)), 'm');
    const Bytes key(32, 7), ad(32, 9);
    for (auto _ : state) {
        const auto sealed = vault::detail::aead_seal(key, bytes(message), ad);
        benchmark::DoNotOptimize(vault::detail::aead_open(key, sealed, ad));
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_XChaCha_libsodium(benchmark::State& state) {
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

}  // namespace

void register_crypto_benchmarks() {
    if (sodium_init() < 0) {
        throw std::runtime_error("libsodium failed to initialise");
    }
    for (const int mib : {19, 64, 256}) {
        benchmark::RegisterBenchmark("argon2id/tresor", BM_Argon2id_tresor)
            ->Arg(mib)
            ->Unit(benchmark::kMillisecond)
            ->Iterations(3);
        benchmark::RegisterBenchmark("argon2id/kdf1", BM_Argon2id_kdf1)
            ->Arg(mib)
            ->Unit(benchmark::kMillisecond)
            ->Iterations(3);
        benchmark::RegisterBenchmark("argon2id/botan", BM_Argon2id_botan)
            ->Arg(mib)
            ->Unit(benchmark::kMillisecond)
            ->Iterations(3);
        benchmark::RegisterBenchmark("argon2id/libsodium", BM_Argon2id_libsodium)
            ->Arg(mib)
            ->Unit(benchmark::kMillisecond)
            ->Iterations(3);
    }
    for (const int size : {64, 1024, 1 << 20}) {
        benchmark::RegisterBenchmark("xchacha_seal_open/tresor", BM_XChaCha_tresor)->Arg(size);
        benchmark::RegisterBenchmark("xchacha_seal_open/libsodium", BM_XChaCha_libsodium)
            ->Arg(size);
    }
}

}  // namespace tresor::bench
