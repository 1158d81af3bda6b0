// A fleet host for the tests: opens one vault of the PostgreSQL store with
// its own host key, as a server of a fleet would, and
//   fleet_client CONNINFO VAULT HOSTKEY write COUNT SERVICE
//       sets SERVICE/k0 .. k<COUNT-1> (value "v<i>"), printing "ack SERVICE
//       k<i>" once each set returned: an acknowledged write. A failed write
//       (the primary went away) is retried for up to 60 s, as a client would.
//   fleet_client CONNINFO VAULT HOSTKEY check
//       reads "ack SERVICE NAME" lines on stdin and gets each; prints
//       "missing SERVICE NAME" for any not found or wrong, and a summary.
// Exit status: 0 when every write was acknowledged / every ack was found.
#include <chrono>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "tresor/error.hpp"
#include "vault/stores/postgres_store.hpp"
#include "vault/unlock.hpp"
#include "vault/vault.hpp"

namespace tv = tresor::vault;

namespace {

std::span<const std::uint8_t> bytes(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Retries `op` while the database is away (a failover), for up to 60 s.
template <typename Op>
void with_retries(const Op& op) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
        try {
            op();
            return;
        } catch (const tresor::Error& e) {
            if (e.code() != tresor::ErrorCode::io || std::chrono::steady_clock::now() > give_up) {
                throw;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::cerr << "usage: fleet_client CONNINFO VAULT HOSTKEY write COUNT SERVICE | check\n";
        return 2;
    }
    try {
        const tv::PostgresLocation where{argv[1], argv[2], 10000};
        const tv::Credential key =
            tv::obtain_credential(tv::parse_unlock_spec(std::string("hostkey:") + argv[3]), nullptr,
                                  tv::Purpose::unlock, "fleet");
        std::optional<tv::Vault> vault;
        with_retries([&] { vault.emplace(tv::Vault::open(tv::open_postgres_store(where), key)); });
        const std::string mode = argv[4];
        if (mode == "write" && argc == 7) {
            const int count = std::stoi(argv[5]);
            const std::string service = argv[6];
            for (int i = 0; i < count; ++i) {
                const std::string name = "k" + std::to_string(i);
                const std::string value = "v" + std::to_string(i);
                with_retries([&] { vault->set(service, name, bytes(value), {}); });
                std::cout << "ack " << service << " " << name << std::endl;
            }
            return 0;
        }
        if (mode == "check") {
            int checked = 0;
            int missing = 0;
            for (std::string line; std::getline(std::cin, line);) {
                std::istringstream in(line);
                std::string ack, service, name;
                if (!(in >> ack >> service >> name) || ack != "ack") {
                    continue;
                }
                ++checked;
                const auto value = vault->get(service, name);
                if (!value || std::string(value->begin(), value->end()) != "v" + name.substr(1)) {
                    ++missing;
                    std::cout << "missing " << service << " " << name << "\n";
                }
            }
            std::cout << checked << " acknowledged writes checked, " << missing << " missing\n";
            return missing == 0 ? 0 : 1;
        }
        std::cerr << "fleet_client: unknown mode " << mode << "\n";
        return 2;
    } catch (const tresor::Error& e) {
        std::cerr << "fleet_client: " << e.what() << "\n";
        return 1;
    }
}
