// tresor credential-socket: serves systemd's LoadCredential=ID:/path/to/socket
// (cli/systemd_credential.hpp) from the store. The config's
// [systemd_credentials."UNIT"] says which entry each unit receives as which
// credential; every other request gets nothing: the connection is closed
// unanswered (systemd's protocol has no refusal; the unit then sees an
// empty credential) and a line saying why goes to stderr, never a value.
//
// Who asked is the peer's uid, never its address: any local process can
// bind any abstract name. Only root (the system manager, whose credential
// helper connects) and this process's own uid (a user's manager, for a
// tresor run as that user) are answered. The socket file is 0600 besides.
#include <algorithm>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/key_ref.hpp"
#include "cli/systemd_credential.hpp"
#include "platform/socket.hpp"

namespace tresor::cli {
namespace {

struct Grant {
    std::string unit;
    std::string credential;
    Key key;
};

// A peer that takes longer than this to read a credential is dropped.
constexpr std::chrono::seconds kSendTimeout{10};

// The config's grants, each checked as systemd would name it: a typo in a
// unit name would otherwise refuse that unit forever, silently.
std::vector<Grant> configured_grants(const conf::Config& config) {
    std::vector<Grant> grants;
    for (const auto& grant : config.systemd_credentials) {
        const std::string where = grant.location.str() + ": systemd_credentials.\"" +
                                  display_text(grant.unit) + "\"." +
                                  display_text(grant.credential) + ": ";
        if (!valid_unit_name(grant.unit)) {
            throw Error(ErrorCode::config, where + "not a systemd unit name (web.service)");
        }
        if (!valid_credential_id(grant.credential)) {
            throw Error(ErrorCode::config,
                        where + "not a credential ID (printable ASCII without '/' or ':')");
        }
        try {
            grants.push_back({grant.unit, grant.credential, parse_key_ref(grant.entry)});
        } catch (const Error& e) {
            throw Error(ErrorCode::config, where + e.what());
        }
    }
    if (grants.empty()) {
        throw Error(ErrorCode::config, config.source +
                                           ": no [systemd_credentials.\"UNIT\"] table: this "
                                           "socket would refuse every unit");
    }
    return grants;
}

void log(const std::string& line) {
    std::cerr << "tresor credential-socket: " << line << std::endl;
}

void serve_one(Store& store, const std::vector<Grant>& grants, int connection) {
    const std::optional<std::uint32_t> uid = platform::peer_uid(connection);
    const std::uint32_t self = platform::effective_uid();
    if (!uid || (*uid != 0 && *uid != self)) {
        log("refused a connection from uid " + (uid ? std::to_string(*uid) : "unknown") +
            ": only root (the system manager) and uid " + std::to_string(self) + " are answered");
        return;
    }
    const std::string address = platform::peer_address(connection);
    const std::optional<CredentialRequest> request = parse_credential_request(address);
    if (!request) {
        log("refused uid " + std::to_string(*uid) + ": its address '" + display_text(address) +
            "' is not a systemd credential request");
        return;
    }
    const std::string asked =
        "credential " + display_text(request->credential) + " of " + display_text(request->unit);
    const auto grant = std::find_if(grants.begin(), grants.end(), [&](const Grant& g) {
        return g.unit == request->unit && g.credential == request->credential;
    });
    if (grant == grants.end()) {
        log("refused " + asked + ": not in [systemd_credentials]");
        return;
    }
    std::optional<Secret> value;
    try {
        value = store.get(grant->key);
    } catch (const Error& e) {
        log("could not read " + display_key(grant->key) + " for " + asked + ": " + e.what());
        return;
    }
    if (!value) {
        log("not found: " + display_key(grant->key) + " (for " + asked + ")");
        return;
    }
    if (!platform::send_all(connection, value->bytes(), kSendTimeout)) {
        log("could not send " + asked + ": the peer closed or did not read");
        return;
    }
    log("served " + asked + " from " + display_key(grant->key));
}

}  // namespace

void add_credential_socket_command(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand(
        "credential-socket", "Serve systemd units' LoadCredential= from the store (a socket)");
    auto socket = std::make_shared<std::string>();
    cmd->add_option("--socket", *socket,
                    "Listen on this path (default: the socket systemd passes, socket activation)");
    cmd->footer(
        "Config: [systemd_credentials.\"UNIT\"] ID = \"SERVICE/NAME\" (docs/INTEGRATIONS.md).\n"
        "Only root and this user's uid are answered; anything not configured gets nothing.\n"
        "Example:\n  # tresor-credentials.socket listens on /run/tresor/credentials.sock; then\n"
        "  # web.service: LoadCredential=tls-key:/run/tresor/credentials.sock\n"
        "  tresor credential-socket --socket /run/tresor/credentials.sock");
    cmd->callback([&ctx, socket] {
        const std::vector<Grant> grants = configured_grants(ctx.config());
        std::optional<platform::FileDescriptor> listening = platform::socket_from_activation();
        if (!listening && socket->empty()) {
            throw Error(ErrorCode::invalid_argument,
                        "no socket from systemd (LISTEN_FDS): give --socket PATH");
        }
        const std::filesystem::path path =
            listening ? std::filesystem::path() : std::filesystem::absolute(*socket);
        // Open (and unlock) the store before the first unit asks.
        Store& store = ctx.store();
        (void)store.list();
        if (!listening) {
            listening = platform::listen_on_socket_path(path);
        }
        platform::ConnectionListener listener(std::move(*listening));
        std::cout << "tresor credential-socket: serving " << grants.size() << " credential"
                  << (grants.size() == 1 ? "" : "s") << " on "
                  << (path.empty() ? "the socket systemd passed" : path.string()) << std::endl;
        while (std::optional<platform::FileDescriptor> connection = listener.next()) {
            try {
                serve_one(store, grants, connection->get());
            } catch (const Error& e) {  // one peer's failure is not the server's
                log(std::string("dropped a connection: ") + e.what());
            }
        }
        if (!path.empty()) {
            std::filesystem::remove(path);
        }
    });
}

}  // namespace tresor::cli
