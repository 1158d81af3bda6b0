// A fleet host for the tests: opens one vault of the PostgreSQL store with
// its own host key, as a server of a fleet would, and
//   fleet_client CONNINFO VAULT HOSTKEY write COUNT SERVICE
//       sets SERVICE/k0 .. k<COUNT-1> (value "v<i>"), printing "ack SERVICE
//       k<i>" once each set returned: an acknowledged write. A failed write
//       (the primary went away) is retried for up to 60 s, as a client would.
//   fleet_client CONNINFO VAULT HOSTKEY check
//       reads "ack SERVICE NAME" lines on stdin and gets each; prints
//       "missing SERVICE NAME" for any not found or wrong, and a summary.
//   fleet_client CONNINFO VAULT HOSTKEY forge-slot PUBKEY | forge-unsigned PUBKEY
//       plays a host with write access that wants a slot of its own: with
//       the vault key its host key unwraps, writes a header with one more
//       recipient slot (for PUBKEY) and a valid MAC, signed by a key of its
//       own (forge-slot) or with the signature removed (forge-unsigned).
//   fleet_client CONNINFO VAULT - create
//       makes a vault as tresor did before admin signatures (unsigned),
//       with the password in $TRESOR_VAULT_PASSWORD.
// Exit status: 0 when every write was acknowledged / every ack was found.
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "tresor/error.hpp"
#include "vault/detail/header.hpp"
#include "vault/detail/keys.hpp"
#include "vault/slots/host_key.hpp"
#include "vault/stores/postgres_store.hpp"
#include "vault/trust/admin_key.hpp"
#include "vault/trust/header_trust.hpp"
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

// What a host with write access can do with the vault key it holds and
// code of its own: the engine's bytes, not its API (which refuses).
void forge(const tv::PostgresLocation& where, const tv::Vault& vault, const std::string& recipient,
           bool resign) {
    namespace td = tresor::vault::detail;
    const std::span<const std::uint8_t> vault_key = vault.vault_key();
    const std::unique_ptr<tv::RecordStore> store = tv::open_postgres_store(where);
    tv::StoreTransaction tx(*store, tv::RecordStore::Access::write);
    td::Header header = td::decode_header(store->read_header());
    header.slots.push_back(
        td::make_recipient_slot(header, 200, tv::parse_public_key(recipient), "forged", vault_key));
    if (resign) {
        td::sign_header(header, tv::generate_admin_key(), vault_key,
                        header.admin ? header.admin->key_epoch + 1 : 1);
    } else {
        header.admin.reset();
    }
    header.generation += 1;
    header.mac = td::header_mac(td::derive_subkeys(vault_key, header.vault_id), header);
    store->write_header(td::encode_header(header));
    tx.commit();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::cerr << "usage: fleet_client CONNINFO VAULT HOSTKEY write COUNT SERVICE | check | "
                     "forge-slot PUBKEY | forge-unsigned PUBKEY\n";
        return 2;
    }
    try {
        const tv::PostgresLocation where{argv[1], argv[2], 10000};
        if (std::string(argv[4]) == "create") {
            const char* password = std::getenv("TRESOR_VAULT_PASSWORD");
            const tv::Credential credential{
                tv::Credential::Kind::password,
                tv::SecureBytes(password, password + (password ? std::strlen(password) : 0))};
            (void)tv::Vault::create(
                [&](std::span<const std::uint8_t> header) {
                    return tv::create_postgres_store(where, header);
                },
                credential, {tv::kMinWriteMemoryKib, tv::kMinWriteIterations, 1});
            return 0;
        }
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
        if ((mode == "forge-slot" || mode == "forge-unsigned") && argc == 6) {
            forge(where, *vault, argv[5], mode == "forge-slot");
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
