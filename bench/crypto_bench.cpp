// The vault's primitives (tresor's crypto path) against their peers:
// Argon2id at 19, 64 and 256 MiB, t = 3, on one lane and on two (tresor's
// own, vault/argon2/) beside libsodium's crypto_pwhash (one lane only),
// libargon2 (Debian's reference build, its lanes on threads) and Botan 2,
// every output checked against libargon2's before timing; and
// XChaCha20-Poly1305 seal+open at 64 B, 1 KiB and 1 MiB.
#include <argon2.h>
#include <botan/argon2.h>
#include <sodium.h>
#include <sys/resource.h>

#include <chrono>
#include <cstring>
#include <map>
#include <stdexcept>

#include "bench/bench_support.hpp"
#include "bench/registry.hpp"
#include "vault/detail/crypto.hpp"

namespace tresor::bench {
namespace {

using tresor::vault::detail::Bytes;
using tresor::vault::detail::SecureBytes;

constexpr std::uint32_t kPasses = 3;
const std::string kPassword = "password";
const std::string kSalt(16, 's');  // libsodium's size, the same for every peer

using Tag = std::vector<std::uint8_t>;

// libargon2's tag for (memory, lanes), computed once: what every other
// implementation must give before it is timed.
const Tag& libargon2_tag(std::uint32_t memory_mib, std::uint32_t lanes) {
    static std::map<std::pair<std::uint32_t, std::uint32_t>, Tag> tags;
    Tag& tag = tags[{memory_mib, lanes}];
    if (tag.empty()) {
        tag.resize(32);
        if (argon2id_hash_raw(kPasses, memory_mib * 1024, lanes, kPassword.data(), kPassword.size(),
                              kSalt.data(), kSalt.size(), tag.data(), tag.size()) != ARGON2_OK) {
            throw std::runtime_error("libargon2 failed");
        }
    }
    return tag;
}

void check(const char* who, const std::uint8_t* tag, std::uint32_t memory_mib,
           std::uint32_t lanes) {
    if (std::memcmp(tag, libargon2_tag(memory_mib, lanes).data(), 32) != 0) {
        throw std::runtime_error(std::string(who) + "'s Argon2id differs from libargon2's");
    }
}

std::uint32_t memory_of(const benchmark::State& state) {
    return static_cast<std::uint32_t>(state.range(0));
}
std::uint32_t lanes_of(const benchmark::State& state) {
    return static_cast<std::uint32_t>(state.range(1));
}

// What unlocking a password slot runs (vault/detail/keys.cpp).
SecureBytes tresor_argon2id(std::uint32_t memory_mib, std::uint32_t lanes) {
    return vault::detail::argon2id(bytes(kPassword), bytes(kSalt),
                                   {memory_mib * 1024, kPasses, lanes});
}

// The process's CPU time over the timed loop against its wall time: a
// machine shared with other work can take the second core away, and then
// two lanes are no faster although their work is parallel. "cores" is user
// + system time per wall second (two lanes on two free cores: ~2), "sys_ms"
// the system's share per derivation (page faults, zeroing, thread starts).
class CpuPerWall {
  public:
    CpuPerWall() : wall_(std::chrono::steady_clock::now()), cpu_(usage()) {}
    void report(benchmark::State& state) const {
        const Usage end = usage();
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_).count();
        const double user = end.user - cpu_.user, sys = end.sys - cpu_.sys;
        state.counters["cores"] = (user + sys) / wall;
        state.counters["sys_ms"] = 1e3 * sys / static_cast<double>(state.iterations());
    }

  private:
    struct Usage {
        double user, sys;
    };
    static Usage usage() {
        rusage u{};
        ::getrusage(RUSAGE_SELF, &u);
        auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
        return {seconds(u.ru_utime), seconds(u.ru_stime)};
    }
    std::chrono::steady_clock::time_point wall_;
    Usage cpu_;
};

void BM_Argon2id_tresor(benchmark::State& state) {
    check("tresor", tresor_argon2id(memory_of(state), lanes_of(state)).data(), memory_of(state),
          lanes_of(state));
    const CpuPerWall cpu;
    for (auto _ : state) {
        benchmark::DoNotOptimize(tresor_argon2id(memory_of(state), lanes_of(state)));
    }
    cpu.report(state);
}

void BM_Argon2id_libsodium(benchmark::State& state) {
    std::uint8_t out[32];
    auto run = [&] {
        if (crypto_pwhash(out, sizeof(out), kPassword.data(), kPassword.size(),
                          reinterpret_cast<const std::uint8_t*>(kSalt.data()), kPasses,
                          std::size_t{memory_of(state)} << 20, crypto_pwhash_ALG_ARGON2ID13) != 0) {
            throw std::runtime_error("crypto_pwhash failed");
        }
    };
    run();
    check("libsodium", out, memory_of(state), 1);
    for (auto _ : state) {
        run();
        benchmark::DoNotOptimize(out);
    }
}

void BM_Argon2id_libargon2(benchmark::State& state) {
    std::uint8_t out[32];
    const CpuPerWall cpu;
    for (auto _ : state) {
        argon2id_hash_raw(kPasses, memory_of(state) * 1024, lanes_of(state), kPassword.data(),
                          kPassword.size(), kSalt.data(), kSalt.size(), out, sizeof(out));
        benchmark::DoNotOptimize(out);
    }
    cpu.report(state);
    check("libargon2 (timed)", out, memory_of(state), lanes_of(state));
}

void BM_Argon2id_botan(benchmark::State& state) {
    std::uint8_t out[32];
    auto run = [&] {
        Botan::argon2(out, sizeof(out), kPassword.data(), kPassword.size(),
                      reinterpret_cast<const std::uint8_t*>(kSalt.data()), kSalt.size(), nullptr, 0,
                      nullptr, 0, /*Argon2id*/ 2, lanes_of(state), memory_of(state) * 1024,
                      kPasses);
    };
    run();
    check("Botan", out, memory_of(state), lanes_of(state));
    for (auto _ : state) {
        run();
        benchmark::DoNotOptimize(out);
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
        auto timed = [](benchmark::internal::Benchmark* b) {
            b->Unit(benchmark::kMillisecond)->Iterations(3);
        };
        for (const int lanes : {1, 2}) {
            timed(benchmark::RegisterBenchmark("argon2id/tresor", BM_Argon2id_tresor)
                      ->Args({mib, lanes}));
        }
        timed(benchmark::RegisterBenchmark("argon2id/libsodium", BM_Argon2id_libsodium)
                  ->Args({mib, 1}));
        for (const int lanes : {1, 2}) {
            timed(benchmark::RegisterBenchmark("argon2id/libargon2", BM_Argon2id_libargon2)
                      ->Args({mib, lanes}));
            timed(benchmark::RegisterBenchmark("argon2id/botan", BM_Argon2id_botan)
                      ->Args({mib, lanes}));
        }
    }
    for (const int size : {64, 1024, 1 << 20}) {
        benchmark::RegisterBenchmark("xchacha_seal_open/tresor", BM_XChaCha_tresor)->Arg(size);
        benchmark::RegisterBenchmark("xchacha_seal_open/libsodium", BM_XChaCha_libsodium)
            ->Arg(size);
    }
}

}  // namespace tresor::bench
