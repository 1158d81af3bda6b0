// The desktop and kernel keychains, each through its tresor plugin and
// through its own library directly, beside the vault:
//   secret-service plugin  vs  raw libsecret (secret_password_*_binary_sync)
//     against the gnome-keyring-daemon that scripts/bench starts;
//   keyutils plugin  vs  raw add_key / keyctl_search + keyctl_read_alloc
//     in the session keyring scripts/bench gives the run.
// A benchmark whose daemon or keyring is not there is skipped, saying why.
#include <keyutils.h>
#include <libsecret/secret.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>

#include "bench/bench_support.hpp"
#include "bench/plugin_session.hpp"
#include "bench/registry.hpp"

namespace tresor::bench {
namespace {

constexpr int kKeys = 100;  // entries each backend holds while it is timed

std::string secret_service_unusable_reason() {
    if (std::getenv("DBUS_SESSION_BUS_ADDRESS") == nullptr) {
        return "no D-Bus session bus: run through scripts/bench, which starts gnome-keyring";
    }
    return {};
}

// Opened and filled once; nullptr (with the reason) when it cannot be here.
PluginSession* filled_plugin(const std::string& plugin, const PluginSession::Params& params,
                             std::string* why) {
    static std::map<std::string, std::unique_ptr<PluginSession>> sessions;
    static std::map<std::string, std::string> failures;
    if (auto it = sessions.find(plugin); it != sessions.end()) {
        return it->second.get();
    }
    if (auto it = failures.find(plugin); it != failures.end()) {
        *why = it->second;
        return nullptr;
    }
    try {
        auto session = std::make_unique<PluginSession>(plugin, params);
        for (int i = 0; i < kKeys; ++i) {
            session->set("bench-plugin", name_of(i).c_str(), bytes(kValue));
        }
        return sessions.emplace(plugin, std::move(session)).first->second.get();
    } catch (const std::exception& e) {
        *why = failures[plugin] = e.what();
        return nullptr;
    }
}

const PluginSession::Params kSecretServiceParams{{"collection", "default"}};
const PluginSession::Params kKeyutilsParams{{"keyring", "session"}};

// The filled session, or nullptr after marking the benchmark skipped.
PluginSession* session_or_skip(benchmark::State& state, const std::string& plugin,
                               const PluginSession::Params& params) {
    std::string why = plugin == "secret-service" ? secret_service_unusable_reason() : "";
    PluginSession* session = why.empty() ? filled_plugin(plugin, params, &why) : nullptr;
    skip_unless(state, session != nullptr, why);
    return session;
}

// The timed loop over the filled plugin's keys: body(session, name).
template <typename Body>
void for_each_plugin_key(benchmark::State& state, const std::string& plugin,
                         const PluginSession::Params& params, Body&& body) {
    PluginSession* session = session_or_skip(state, plugin, params);
    if (session != nullptr) {
        for_each_scattered(state, kKeys, [&](int i) { body(*session, name_of(i)); });
    }
}

void BM_PluginGet(benchmark::State& state, const std::string& plugin,
                  const PluginSession::Params& params) {
    for_each_plugin_key(state, plugin, params, [](PluginSession& s, const std::string& name) {
        benchmark::DoNotOptimize(s.get("bench-plugin", name.c_str()));
    });
}

void BM_PluginSet(benchmark::State& state, const std::string& plugin,
                  const PluginSession::Params& params) {
    for_each_plugin_key(state, plugin, params, [](PluginSession& s, const std::string& name) {
        s.set("bench-plugin", name.c_str(), bytes(kValue));
    });
}

// libsecret's own simple API with the attributes tresor uses.
const SecretSchema kRawSchema = {"org.tresor.BenchRaw",
                                 SECRET_SCHEMA_NONE,
                                 {{"service", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                  {"account", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                  {nullptr, SECRET_SCHEMA_ATTRIBUTE_STRING}},
                                 0,
                                 nullptr,
                                 nullptr,
                                 nullptr,
                                 nullptr,
                                 nullptr,
                                 nullptr,
                                 nullptr};

bool raw_store(const std::string& name) {
    SecretValue* value = secret_value_new(kValue.data(), static_cast<gssize>(kValue.size()),
                                          "application/octet-stream");
    GError* error = nullptr;
    const bool ok = secret_password_store_binary_sync(
                        &kRawSchema, SECRET_COLLECTION_DEFAULT, "bench", value, nullptr, &error,
                        "service", "bench-raw", "account", name.c_str(), nullptr) != 0;
    secret_value_unref(value);
    if (error != nullptr) {
        g_error_free(error);
    }
    return ok;
}

void BM_LibsecretStore(benchmark::State& state) {
    const std::string why = secret_service_unusable_reason();
    if (skip_unless(state, why.empty(), why)) {
        return;
    }
    if (!raw_store(name_of(0))) {
        state.SkipWithError("libsecret store failed");
        return;
    }
    for_each_scattered(state, kKeys,
                       [](int i) { benchmark::DoNotOptimize(raw_store(name_of(i))); });
}

void BM_LibsecretLookup(benchmark::State& state) {
    const std::string why = secret_service_unusable_reason();
    if (skip_unless(state, why.empty(), why)) {
        return;
    }
    for (int i = 0; i < kKeys; ++i) {
        raw_store(name_of(i));
    }
    for_each_scattered(state, kKeys, [&](int i) {
        SecretValue* value =
            secret_password_lookup_binary_sync(&kRawSchema, nullptr, nullptr, "service",
                                               "bench-raw", "account", name_of(i).c_str(), nullptr);
        if (value == nullptr) {
            state.SkipWithError("libsecret lookup found nothing");
            return false;
        }
        gsize length = 0;
        benchmark::DoNotOptimize(secret_value_get(value, &length));
        secret_value_unref(value);
        return true;
    });
}

std::string raw_description(const std::string& name) {
    return "bench-raw:" + name;
}

void BM_KeyctlAdd(benchmark::State& state) {
    if (skip_unless(state,
                    add_key("user", raw_description(name_of(0)).c_str(), kValue.data(),
                            kValue.size(), KEY_SPEC_SESSION_KEYRING) >= 0,
                    "add_key refused: no usable session keyring here")) {
        return;
    }
    for_each_scattered(state, kKeys, [](int i) {
        benchmark::DoNotOptimize(add_key("user", raw_description(name_of(i)).c_str(), kValue.data(),
                                         kValue.size(), KEY_SPEC_SESSION_KEYRING));
    });
}

void BM_KeyctlRead(benchmark::State& state) {
    for (int i = 0; i < kKeys; ++i) {
        if (skip_unless(state,
                        add_key("user", raw_description(name_of(i)).c_str(), kValue.data(),
                                kValue.size(), KEY_SPEC_SESSION_KEYRING) >= 0,
                        "add_key refused: no usable session keyring here")) {
            return;
        }
    }
    for_each_scattered(state, kKeys, [&](int i) {
        const key_serial_t id =
            keyctl_search(KEY_SPEC_SESSION_KEYRING, "user", raw_description(name_of(i)).c_str(), 0);
        void* data = nullptr;
        const long length = keyctl_read_alloc(id, &data);
        if (length < 0) {
            state.SkipWithError("keyctl_read_alloc failed");
            return false;
        }
        std::memset(data, 0, static_cast<std::size_t>(length));
        std::free(data);
        return true;
    });
}

}  // namespace

void register_backend_benchmarks() {
    benchmark::RegisterBenchmark("secret_service/plugin_get", BM_PluginGet, "secret-service",
                                 kSecretServiceParams)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("secret_service/libsecret_lookup", BM_LibsecretLookup)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("secret_service/plugin_set", BM_PluginSet, "secret-service",
                                 kSecretServiceParams)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("secret_service/libsecret_store", BM_LibsecretStore)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("keyutils/plugin_get", BM_PluginGet, "keyutils", kKeyutilsParams);
    benchmark::RegisterBenchmark("keyutils/keyctl_read", BM_KeyctlRead);
    benchmark::RegisterBenchmark("keyutils/plugin_set", BM_PluginSet, "keyutils", kKeyutilsParams);
    benchmark::RegisterBenchmark("keyutils/add_key", BM_KeyctlAdd);
}

}  // namespace tresor::bench
