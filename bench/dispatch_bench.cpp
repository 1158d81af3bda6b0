// What the layers above a backend cost:
//   a get from the memory plugin through its C ABI table, and through the
//   whole Store (chain, locking, Secret), against the same lookup called
//   directly (the plugin's data structure without the ABI);
//   Store::open (config parse, plugin search and dlopen; no KDF: backends
//   open lazily);
//   a whole `tresor get` process, on the kernel keyring (no KDF) and on a
//   vault at the write minimum (19 MiB, t = 2; the unlock is most of it).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstring>
#include <fstream>
#include <map>

#include "bench/bench_support.hpp"
#include "bench/plugin_session.hpp"
#include "bench/registry.hpp"
#include "tresor/store.hpp"

extern char** environ;

namespace tresor::bench {
namespace {

constexpr int kKeys = 1000;

// The memory plugin's lookup without the ABI: the same ordered map of
// (service, name) to a wiped value, copied out into wiped memory.
void BM_DirectGet(benchmark::State& state) {
    std::map<std::pair<std::string, std::string>, Botan::secure_vector<std::uint8_t>> records;
    for (int i = 0; i < kKeys; ++i) {
        records[{"bench", name_of(i)}].assign(kValue.begin(), kValue.end());
    }
    std::int64_t step = 0;
    for (auto _ : state) {
        auto it = records.find({"bench", name_of(scattered(step++, kKeys))});
        Botan::secure_vector<std::uint8_t> copy(it->second.begin(), it->second.end());
        benchmark::DoNotOptimize(copy);
    }
}

void BM_PluginAbiGet(benchmark::State& state) {
    PluginSession memory("memory", {});
    for (int i = 0; i < kKeys; ++i) {
        memory.set("bench", name_of(i).c_str(), bytes(kValue));
    }
    std::int64_t step = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(memory.get("bench", name_of(scattered(step++, kKeys)).c_str()));
    }
}

const char* const kMemoryConfig = R"(
chain = ["mem"]
[backend.mem]
plugin = "memory"
)";

void BM_StoreGet(benchmark::State& state) {
    Store store = Store::from_toml(kMemoryConfig);
    for (int i = 0; i < kKeys; ++i) {
        store.set({"bench", name_of(i)}, Secret(kValue));
    }
    std::int64_t step = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(store.get({"bench", name_of(scattered(step++, kKeys))}));
    }
}

// Every backend tresor ships, so each plugin module is found and loaded.
const char* const kAllBackendsConfig = R"(
chain = ["desktop", "kernel", "file"]
[backend.desktop]
plugin = "secret-service"
[backend.kernel]
plugin = "keyutils"
keyring = "session"
[backend.file]
plugin = "vault"
)";

void BM_StoreOpen(benchmark::State& state) {
    for (auto _ : state) {
        benchmark::DoNotOptimize(Store::from_toml(kAllBackendsConfig));
    }
}

// Runs `tresor get bench token` with this config and waits for it; the
// value goes to /dev/null.
int run_tresor_get(const std::filesystem::path& config) {
    const std::string config_env = "TRESOR_CONFIG=" + config.string();
    std::vector<std::string> env_strings{config_env, "TRESOR_VAULT_PASSWORD=bench"};
    for (char** e = environ; *e != nullptr; ++e) {
        if (std::strncmp(*e, "TRESOR_", 7) != 0) {
            env_strings.emplace_back(*e);
        }
    }
    std::vector<char*> env;
    for (auto& s : env_strings) {
        env.push_back(s.data());
    }
    env.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    char program[] = TRESOR_BENCH_CLI;
    char get[] = "get";
    char service[] = "bench";
    char name[] = "token";
    char* argv[] = {program, get, service, name, nullptr};
    pid_t pid = 0;
    int status = -1;
    if (posix_spawn(&pid, program, &actions, nullptr, argv, env.data()) == 0) {
        waitpid(pid, &status, 0);
    }
    posix_spawn_file_actions_destroy(&actions);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A config file for one backend, with bench/token stored through the Store.
std::filesystem::path config_with_token(const std::string& name, const std::string& toml) {
    const auto path = scratch_dir() / (name + ".toml");
    std::ofstream(path) << toml;
    setenv("TRESOR_VAULT_PASSWORD", "bench", 1);
    Store::open(path).set({"bench", "token"}, Secret(kValue));
    unsetenv("TRESOR_VAULT_PASSWORD");
    return path;
}

void BM_ProcessGet(benchmark::State& state, const std::string& backend) {
    std::filesystem::path config;
    try {
        if (backend == "keyutils") {
            config =
                config_with_token(backend,
                                  "chain = [\"kernel\"]\n[backend.kernel]\nplugin = \"keyutils\"\n"
                                  "keyring = \"session\"\n");
        } else {
            const auto vault = scratch_dir() / "process-get" / "vault.db";
            config = config_with_token(backend,
                                       "chain = [\"file\"]\n[backend.file]\n"
                                       "plugin = \"vault\"\npath = \"" +
                                           vault.string() +
                                           "\"\nkdf = { memory_mib = 19, iterations = 2 }\n");
        }
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
        return;
    }
    for (auto _ : state) {
        if (run_tresor_get(config) != 0) {
            state.SkipWithError("tresor get failed");
            return;
        }
    }
}

}  // namespace

void register_dispatch_benchmarks() {
    benchmark::RegisterBenchmark("dispatch/direct_get", BM_DirectGet);
    benchmark::RegisterBenchmark("dispatch/plugin_abi_get", BM_PluginAbiGet);
    benchmark::RegisterBenchmark("dispatch/store_get", BM_StoreGet);
    benchmark::RegisterBenchmark("store/open", BM_StoreOpen)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("process/tresor_get_keyutils", BM_ProcessGet, "keyutils")
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("process/tresor_get_vault", BM_ProcessGet, "vault")
        ->Unit(benchmark::kMillisecond);
}

}  // namespace tresor::bench
