// The fleet store against the same PostgreSQL server, side by side:
//   get  vs  one bare prepared libpq point SELECT of a row of the same size
//   set  vs  one bare single-row INSERT ... ON CONFLICT, committed (autocommit)
// and writes per second from 8 clients at once, each with its own
// connection and Vault. The vault is signed by an admin identity and read
// as a host does since issue 20: pinned to that identity, with a rollback
// anchor; what checking a signature costs, per header, is a row of its own.
// scripts/bench starts the server and sets TRESOR_BENCH_PG_CONNINFO;
// without it these are skipped, saying why.
#include <libpq-fe.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "bench/bench_support.hpp"
#include "bench/registry.hpp"
#include "vault/detail/header.hpp"
#include "vault/stores/postgres_store.hpp"
#include "vault/trust/admin_key.hpp"
#include "vault/vault.hpp"

namespace tresor::bench {
namespace {

using namespace tresor::vault;

constexpr int kEntries = 1000;
const Credential kPassword{Credential::Kind::password, SecureBytes{'b', 'e', 'n', 'c', 'h'}};
const KdfPolicy kFastKdf{kMinWriteMemoryKib, kMinWriteIterations, 1};

const char* conninfo() {
    return std::getenv("TRESOR_BENCH_PG_CONNINFO");
}

PostgresLocation location(const std::string& vault) {
    return {conninfo(), vault, 10000};
}

const std::string& vault_name() {
    static const std::string name = "bench-" + std::to_string(::getpid());
    return name;
}

const AdminKeyPair& admin() {
    static const AdminKeyPair key = generate_admin_key();
    return key;
}

// What a host trusts: the admin identity, and its anchor in this run's
// scratch folder.
const Trust& host_trust() {
    static const Trust trust{admin().public_key, scratch_dir() / "anchors", false};
    return trust;
}

Vault open_as_host() {
    return Vault::open(open_postgres_store(location(vault_name())), kPassword, {}, host_trust());
}

// The fleet vault, made (signed) and filled once per run, then opened as a
// host opens it.
Vault& fleet_vault() {
    static std::unique_ptr<Vault> vault = [] {
        auto v = std::make_unique<Vault>(Vault::create(
            [&](std::span<const std::uint8_t> header) {
                return create_postgres_store(location(vault_name()), header);
            },
            kPassword, kFastKdf, {}, &admin()));
        std::vector<std::string> services, names;
        std::vector<Vault::NewEntry> batch;
        services.reserve(kEntries);
        names.reserve(kEntries);
        for (int i = 0; i < kEntries; ++i) {
            services.push_back(service_of(i));
            names.push_back(name_of(i));
            batch.push_back({services.back(), names.back(), bytes(kValue), {}});
        }
        v->set_many(batch);
        return std::make_unique<Vault>(open_as_host());
    }();
    return *vault;
}

struct ConnectionDeleter {
    void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

void check(const PGresult* r, PGconn* c) {
    const ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        throw std::runtime_error(std::string("postgres: ") + PQerrorMessage(c));
    }
}

// A row the size of a sealed record (metadata and value with their nonces
// and tags).
const std::vector<std::uint8_t> kRow(300, 0xab);

std::vector<std::uint8_t> key_of(int i) {
    std::vector<std::uint8_t> key(32, 0);
    for (int b = 0; b < 4; ++b) {
        key[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(i >> (8 * b));
    }
    return key;
}

// The floor's table: a 32-byte key (a blind index) and such a row, with
// prepared statements, binary in and out.
struct Floor {
    std::unique_ptr<PGconn, ConnectionDeleter> conn{PQconnectdb(conninfo())};

    Floor() {
        if (PQstatus(conn.get()) != CONNECTION_OK) {
            throw std::runtime_error(std::string("postgres: ") + PQerrorMessage(conn.get()));
        }
        // A real table: a TEMP one is not WAL-logged, so its commits are
        // not durable and the floor would be no floor.
        run("DROP TABLE IF EXISTS tresor_bench_floor");
        run("CREATE TABLE tresor_bench_floor (k bytea PRIMARY KEY, v bytea NOT NULL)");
        prepare("get", "SELECT v FROM tresor_bench_floor WHERE k = $1");
        prepare("put",
                "INSERT INTO tresor_bench_floor (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE "
                "SET v = $2");
        run("BEGIN");
        for (int i = 0; i < kEntries; ++i) {
            (void)exec("put", key_of(i), kRow);
        }
        run("COMMIT");
    }
    void run(const std::string& sql) {
        const Result r(PQexec(conn.get(), sql.c_str()));
        check(r.get(), conn.get());
    }
    void prepare(const char* name, const char* sql) {
        const Result r(PQprepare(conn.get(), name, sql, 0, nullptr));
        check(r.get(), conn.get());
    }
    Result exec(const char* name, std::span<const std::uint8_t> key,
                std::span<const std::uint8_t> value = {}) {
        const char* values[] = {reinterpret_cast<const char*>(key.data()),
                                reinterpret_cast<const char*>(value.data())};
        const int lengths[] = {static_cast<int>(key.size()), static_cast<int>(value.size())};
        const int formats[] = {1, 1};
        Result r(
            PQexecPrepared(conn.get(), name, value.empty() ? 1 : 2, values, lengths, formats, 1));
        check(r.get(), conn.get());
        return r;
    }
};

bool skipped(benchmark::State& state) {
    return skip_unless(state, conninfo() != nullptr,
                       "no PostgreSQL server (TRESOR_BENCH_PG_CONNINFO; scripts/bench starts one)");
}

void BM_FleetGet(benchmark::State& state) {
    if (skipped(state)) {
        return;
    }
    Vault& vault = fleet_vault();
    for_each_scattered(state, kEntries, [&](int i) {
        auto value = vault.get(service_of(i), name_of(i));
        if (!value) {
            state.SkipWithError("fleet get found nothing");
            return false;
        }
        benchmark::DoNotOptimize(value->data());
        return true;
    });
}

void BM_FloorSelect(benchmark::State& state) {
    if (skipped(state)) {
        return;
    }
    Floor floor;
    for_each_scattered(state, kEntries, [&](int i) {
        const Result r = floor.exec("get", key_of(i));
        if (PQntuples(r.get()) != 1) {
            state.SkipWithError("the floor's SELECT found nothing");
            return false;
        }
        benchmark::DoNotOptimize(PQgetvalue(r.get(), 0, 0));
        return true;
    });
}

void BM_FleetSet(benchmark::State& state) {
    if (skipped(state)) {
        return;
    }
    Vault& vault = fleet_vault();
    for_each_scattered(state, kEntries,
                       [&](int i) { vault.set(service_of(i), name_of(i), bytes(kValue), {}); });
}

void BM_FloorInsertCommit(benchmark::State& state) {
    if (skipped(state)) {
        return;
    }
    Floor floor;
    for_each_scattered(state, kEntries, [&](int i) { (void)floor.exec("put", key_of(i), kRow); });
}

// Each of 8 threads is a client with its own connection and Vault.
void BM_FleetConcurrentWrites(benchmark::State& state) {
    if (skipped(state)) {
        return;
    }
    (void)fleet_vault();  // made before any thread opens it
    static std::mutex opening;
    std::unique_ptr<Vault> vault;
    {
        const std::lock_guard lock(opening);
        vault = std::make_unique<Vault>(open_as_host());
    }
    const std::string service = "writer" + std::to_string(state.thread_index());
    std::int64_t step = 0;
    for (auto _ : state) {
        vault->set(service, name_of(static_cast<int>(step++ % kEntries)), bytes(kValue), {});
    }
    state.SetItemsProcessed(state.iterations());
}

// What a host pays for a header it has not verified before (a slot change
// elsewhere, or its first open): one Ed25519 verification of the signed
// part of a 16-host header. A header whose signed part is unchanged (every
// set, every get) is compared, not verified again.
void BM_AdminSignatureVerify(benchmark::State& state) {
    using namespace tresor::vault::detail;
    Header header;
    header.vault_id = Bytes(kVaultIdBytes, 0x22);
    for (std::uint8_t i = 0; i < 16; ++i) {
        Slot slot;
        slot.kind = SlotKind::recipient;
        slot.id = i;
        slot.ephemeral_share = Bytes(kPublicKeyBytes, i);
        slot.recipient_public_key = Bytes(kPublicKeyBytes, i);
        slot.label = "host" + std::to_string(i);
        slot.nonce = Bytes(kNonceBytes, i);
        slot.wrapped_vault_key = Bytes(kWrappedKeyBytes, i);
        header.slots.push_back(slot);
    }
    header.admin = AdminBlock{1, Bytes(kMacBytes, 1), admin().public_key, {}, {}};
    const Bytes message = signed_message(header);
    const std::vector<std::uint8_t> signature = admin_sign(admin(), message);
    for (auto _ : state) {
        benchmark::DoNotOptimize(admin_signature_verifies(admin().public_key, message, signature));
    }
}

}  // namespace

void register_fleet_benchmarks() {
    benchmark::RegisterBenchmark("fleet/get", BM_FleetGet);
    benchmark::RegisterBenchmark("fleet/libpq_select", BM_FloorSelect);
    benchmark::RegisterBenchmark("fleet/set_durable", BM_FleetSet);
    benchmark::RegisterBenchmark("fleet/libpq_insert_commit", BM_FloorInsertCommit);
    benchmark::RegisterBenchmark("fleet/writes_8_clients", BM_FleetConcurrentWrites)
        ->Threads(8)
        ->UseRealTime();
    benchmark::RegisterBenchmark("fleet/admin_signature_verify", BM_AdminSignatureVerify);
}

}  // namespace tresor::bench
