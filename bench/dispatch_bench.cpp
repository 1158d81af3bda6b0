// What the layers above a backend cost:
//   a get from the memory plugin through its C ABI table, and through the
//   whole Store (chain, locking, Secret), against the same lookup called
//   directly (the plugin's data structure without the ABI);
//   Store::open (config parse, plugin search and dlopen; no KDF: backends
//   open lazily);
//   a whole `tresor get` process, on the kernel keyring (no KDF) and on a
//   vault at the write minimum (19 MiB, t = 2; the unlock is most of it);
//   and, beside a whole `secret-tool lookup` process against the same
//   gnome-keyring, a `tresor get` on the vault at the default KDF served by
//   a warm unlock cache (no password, no KDF), and one on the Secret Service.
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
    std::map<std::pair<std::string, std::string>, SecureBytes> records;
    for (int i = 0; i < kKeys; ++i) {
        records[{"bench", name_of(i)}].assign(kValue.begin(), kValue.end());
    }
    for_each_scattered(state, kKeys, [&](int i) {
        auto it = records.find({"bench", name_of(i)});
        SecureBytes copy(it->second.begin(), it->second.end());
        benchmark::DoNotOptimize(copy);
    });
}

void BM_PluginAbiGet(benchmark::State& state) {
    PluginSession memory("memory", {});
    for (int i = 0; i < kKeys; ++i) {
        memory.set("bench", name_of(i).c_str(), bytes(kValue));
    }
    for_each_scattered(state, kKeys, [&](int i) {
        benchmark::DoNotOptimize(memory.get("bench", name_of(i).c_str()));
    });
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
    for_each_scattered(state, kKeys, [&](int i) {
        benchmark::DoNotOptimize(store.get({"bench", name_of(i)}));
    });
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

// Runs a program (searched in PATH) with these TRESOR_* variables instead of
// the caller's, stdin and stdout on /dev/null, and waits for it.
int run_program(std::vector<std::string> args, std::vector<std::string> env_strings) {
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
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid = 0;
    int status = -1;
    if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), env.data()) == 0) {
        waitpid(pid, &status, 0);
    }
    posix_spawn_file_actions_destroy(&actions);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs `tresor get bench token` with this config and waits for it; the
// value goes to /dev/null. Without the password, only a cached key unlocks.
int run_tresor_get(const std::filesystem::path& config, bool with_password = true) {
    std::vector<std::string> env{"TRESOR_CONFIG=" + config.string()};
    if (with_password) {
        env.emplace_back("TRESOR_VAULT_PASSWORD=bench");
    }
    return run_program({TRESOR_BENCH_CLI, "get", "bench", "token"}, env);
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

// The vault at the default KDF (64 MiB, t = 3), unlocked once with
// `tresor vault unlock`: every get is a cache hit, with no password given.
void BM_ProcessGetCached(benchmark::State& state) {
    std::filesystem::path config;
    try {
        const auto vault = scratch_dir() / "process-get-cached" / "vault.db";
        config = config_with_token("vault-cached",
                                   "chain = [\"file\"]\n[backend.file]\n"
                                   "plugin = \"vault\"\npath = \"" +
                                       vault.string() + "\"\n");
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
        return;
    }
    if (run_program({TRESOR_BENCH_CLI, "vault", "unlock", "--for", "1h"},
                    {"TRESOR_CONFIG=" + config.string(), "TRESOR_VAULT_PASSWORD=bench"}) != 0) {
        state.SkipWithError("skipped: tresor vault unlock failed (no kernel keyring here?)");
        return;
    }
    for (auto _ : state) {
        if (run_tresor_get(config, false) != 0) {
            state.SkipWithError("tresor get from the unlock cache failed");
            return;
        }
    }
    (void)run_program({TRESOR_BENCH_CLI, "vault", "lock"}, {"TRESOR_CONFIG=" + config.string()});
}

// libsecret's own command line tool, the Secret Service reference process.
void BM_ProcessSecretToolLookup(benchmark::State& state) {
    if (run_program({"sh", "-c",
                     "printf %s vvvv | secret-tool store --label tresor-bench tresor-bench token"},
                    {}) != 0) {
        state.SkipWithError("skipped: secret-tool store failed (no Secret Service here?)");
        return;
    }
    for (auto _ : state) {
        if (run_program({"secret-tool", "lookup", "tresor-bench", "token"}, {}) != 0) {
            state.SkipWithError("secret-tool lookup failed");
            return;
        }
    }
}

void BM_ProcessGetSecretService(benchmark::State& state) {
    std::filesystem::path config;
    try {
        config = config_with_token("secret-service",
                                   "chain = [\"desktop\"]\n[backend.desktop]\n"
                                   "plugin = \"secret-service\"\n");
    } catch (const std::exception& e) {
        state.SkipWithError(("skipped: " + std::string(e.what())).c_str());
        return;
    }
    for (auto _ : state) {
        if (run_tresor_get(config) != 0) {
            state.SkipWithError("tresor get on the Secret Service failed");
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
    benchmark::RegisterBenchmark("process/tresor_get_vault_cached", BM_ProcessGetCached)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("process/tresor_get_secret_service", BM_ProcessGetSecretService)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("process/secret_tool_lookup", BM_ProcessSecretToolLookup)
        ->Unit(benchmark::kMillisecond);
}

}  // namespace tresor::bench
