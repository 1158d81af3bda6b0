// docker-credential-tresor — the docker-credential-helpers protocol over a
// tresor Store, for docker, podman, skopeo and buildah ("credHelpers" or
// "credsStore": "tresor" in their auth file).
//
//   docker-credential-tresor [--config FILE] [--backend NAME] store|get|erase|list|version
//
// store reads {"ServerURL","Username","Secret"}; get and erase read the
// server URL; get prints that JSON object, list {"<ServerURL>": "<Username>"}.
// A failure is one line on stdout and exit status 1, as the protocol has it;
// a missing credential, and a store that cannot answer, is exactly
// "credentials not found in native keychain" (the client then treats the
// registry as one without credentials), with the reason on stderr.
//
// Mapping (docs/INTEGRATIONS.md): service "docker:<ServerURL>", name the
// username, value the secret; one credential per server.
#include <iostream>
#include <string_view>

#include "cli/context.hpp"
#include "cli/format.hpp"
#include "cli/json.hpp"
#include "cli/secret_io.hpp"

namespace tresor::cli {
namespace {

// The protocol's messages, which clients compare as text.
constexpr std::string_view kNotFound = "credentials not found in native keychain";
constexpr std::string_view kNoServerUrl = "no credentials server URL";
constexpr std::string_view kNoUsername = "no credentials username";
constexpr std::string_view kServicePrefix = "docker:";

// --help, and the man page built from it (cmake/help_to_man.sh).
constexpr const char* kHelp =
    "docker-credential-tresor - the docker credential helper over the tresor secret store\n"
    "Usage: docker-credential-tresor [--config FILE] [--backend NAME] "
    "<store|get|erase|list|version>\n"
    "\n"
    "For docker, podman, skopeo and buildah: \"credsStore\": \"tresor\", or\n"
    "\"credHelpers\": {\"registry.example.com\": \"tresor\"} in their auth file.\n"
    "\n"
    "Actions (docker-credential-helpers' protocol, JSON on stdin and stdout):\n"
    "  store     read {\"ServerURL\", \"Username\", \"Secret\"}; one credential per server,\n"
    "            as service docker:<ServerURL>, name the username, value the secret\n"
    "  get       read the server URL, print that object\n"
    "  erase     read the server URL, remove its credential\n"
    "  list      print {\"<ServerURL>\": \"<Username>\", ...}\n"
    "  version   print the version\n"
    "\n";
// Then kHelperOptionsHelp (cli/context.hpp), then:
constexpr const char* kHelpEnd =
    "\n"
    "A failure is one line on stdout and exit status 1, with the protocol's texts\n"
    "(\"credentials not found in native keychain\" also when the store cannot\n"
    "answer; the reason goes to stderr). Mappings: docs/INTEGRATIONS.md.\n";

// A protocol failure: its text goes to stdout.
struct ProtocolError {
    std::string_view message;
};

std::string service_of(std::string_view server_url) {
    return std::string(kServicePrefix) + std::string(server_url);
}

std::string_view trimmed(const SecureBytes& bytes) {
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::string read_server_url() {
    const SecureBytes input = read_all_stdin();
    const std::string_view url = trimmed(input);
    if (url.empty()) {
        throw ProtocolError{kNoServerUrl};
    }
    return std::string(url);
}

// The entry of a server: one per server, the newest if there are several.
std::optional<Entry> credential_of(Store& store, const std::string& service) {
    std::vector<Entry> entries = store.list(service);
    return newest_of(std::move(entries));
}

void store_credential(Store& store) {
    const SecureBytes input = read_all_stdin();
    const Json request = parse_json(input, "the credentials");
    if (!request.is_object()) {
        throw Error(ErrorCode::invalid_argument, "the credentials must be a JSON object");
    }
    const auto server_url = get_text(request, "ServerURL", "the credentials");
    const auto username = get_text(request, "Username", "the credentials");
    const auto secret = get_text(request, "Secret", "the credentials");
    if (!server_url || server_url->empty()) {
        throw ProtocolError{kNoServerUrl};
    }
    if (!username || username->empty()) {
        throw ProtocolError{kNoUsername};
    }
    const std::string service = service_of(*server_url);
    const std::string name(username->begin(), username->end());
    SetOptions options;
    // Docker's identity tokens travel with the username "<token>".
    options.type = name == "<token>" ? SecretType::bearer_token : SecretType::password;
    options.label = "container registry credential";
    store.set({service, name}, Secret(secret ? std::string_view(*secret) : std::string_view()),
              options);
    for (const Entry& other : store.list(service)) {
        if (other.name != name) {
            (void)store.remove({service, other.name});
        }
    }
}

void get(Store& store) {
    const std::string server_url = read_server_url();
    const std::string service = service_of(server_url);
    const auto entry = credential_of(store, service);
    const auto secret = entry ? store.get({service, entry->name}) : std::nullopt;
    if (!secret) {
        throw ProtocolError{kNotFound};
    }
    if (!is_valid_utf8(secret->view()) || !is_valid_utf8(entry->name)) {
        throw Error(ErrorCode::invalid_argument, "the credential for " + display_text(server_url) +
                                                     " is not UTF-8 text, which the protocol "
                                                     "requires");
    }
    Json answer = Json::object();
    put_text(answer, "ServerURL", server_url);
    put_text(answer, "Username", entry->name);
    put_text(answer, "Secret", secret->view());
    write_stdout(dump_json(answer));
}

void erase(Store& store) {
    const std::string service = service_of(read_server_url());
    bool removed = false;
    for (const Entry& e : store.list(service)) {
        removed = store.remove({service, e.name}) || removed;
    }
    if (!removed) {
        throw ProtocolError{kNotFound};
    }
}

void list(Store& store) {
    Json answer = Json::object();
    for (const Entry& e : store.list()) {
        const std::string_view service = e.service;
        if (service.starts_with(kServicePrefix) && is_valid_utf8(service) &&
            is_valid_utf8(e.name)) {
            put_text(answer, service.substr(kServicePrefix.size()), e.name);
        }
    }
    write_stdout(dump_json(answer));
}

int run(Context& ctx, std::string_view action) {
    if (action == "version") {
        write_stdout("docker-credential-tresor (tresor) " TRESOR_VERSION "\n");
        return kExitOk;
    }
    if (action != "store" && action != "get" && action != "erase" && action != "list") {
        std::cout << "Unknown credential action `" << display_text(action) << "`\n";
        return 1;
    }
    try {
        Store& store = ctx.store();
        if (action == "store") {
            store_credential(store);
        } else if (action == "get") {
            get(store);
        } else if (action == "erase") {
            erase(store);
        } else {
            list(store);
        }
        return kExitOk;
    } catch (const ProtocolError& e) {
        std::cout << e.message << "\n";
        return 1;
    } catch (const Error& e) {
        std::cerr << "docker-credential-tresor: " << e.what() << "\n";
        // A store that cannot answer has no credential for the client; for
        // store and list the client shows the message.
        const bool lookup = action == "get" || action == "erase";
        std::cout << (lookup ? std::string(kNotFound) : std::string(e.what())) << "\n";
        return 1;
    }
}

// After the helper's options: the action, or "" for a command line without one.
int answer(Context& ctx, std::string_view action) {
    if (action.empty()) {
        std::cout << "Usage: docker-credential-tresor [--config FILE] [--backend NAME] "
                     "<store|get|erase|list|version>\n";
        return 1;
    }
    try {
        return run(ctx, action);
    } catch (const std::exception& e) {
        std::cout << "internal error: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace
}  // namespace tresor::cli

int main(int argc, char** argv) {
    return tresor::cli::helper_main(argc, argv, tresor::cli::kHelp, tresor::cli::kHelpEnd,
                                    tresor::cli::answer);
}
