// git-credential-tresor — git's credential helper protocol over a tresor
// Store (git-credential(1); `git config credential.helper tresor`).
//
//   git-credential-tresor [--config FILE] [--backend NAME] get|store|erase
//
// The request arrives on stdin, the answer leaves on stdout; passwords are
// never on argv. A store that cannot answer (locked, unreachable) makes `get`
// print nothing and exit 0, so git goes on and asks the person; the reason
// goes to stderr. The mapping to tresor keys is in cli/git_credential.hpp.
#include <iostream>
#include <string_view>

#include "cli/context.hpp"
#include "cli/format.hpp"
#include "cli/git_credential.hpp"
#include "cli/secret_io.hpp"
#include "core/clock.hpp"

namespace tresor::cli {
namespace {

constexpr const char* kUsage =
    "usage: git-credential-tresor [--config FILE] [--backend NAME] get|store|erase\n";

// --help, and the man page built from it (cmake/help_to_man.sh).
constexpr const char* kHelp =
    "git-credential-tresor - git's credential helper over the tresor secret store\n"
    "Usage: git-credential-tresor [--config FILE] [--backend NAME] get|store|erase\n"
    "\n"
    "Set it up with: git config --global credential.helper tresor\n"
    "git runs it with a request of key=value lines on stdin (git-credential(1)).\n"
    "\n"
    "Actions:\n"
    "  get     answer username, password (or authtype and credential),\n"
    "          password_expiry_utc and oauth_refresh_token when stored\n"
    "  store   keep the credential: service git:<protocol>://<host>[/<path>],\n"
    "          name the username (<empty> for an empty one), value the password\n"
    "  erase   remove it (only while it still holds a password git sends)\n"
    "  Other actions are ignored, as git asks of helpers.\n"
    "\n";
// Then kHelperOptionsHelp (cli/context.hpp), then:
constexpr const char* kHelpEnd =
    "\n"
    "A store that cannot answer (locked, unreachable) makes get print nothing and\n"
    "exit 0, so git asks the person; the reason goes to stderr. store and erase\n"
    "exit with tresor's status: 0 ok, 2 usage or config error, 3 backend\n"
    "unavailable or locked, 4 authentication failed, access denied or data\n"
    "corrupt, 5 other error. Passwords are never on the command line.\n"
    "Mappings and limits: docs/INTEGRATIONS.md.\n";

std::int64_t unix_seconds(Timestamp t) {
    return t.time_since_epoch().count();
}

// A pre-encoded credential (authtype + credential) is kept as the value of
// its Authorization header: typed custom, rendered by `tresor header` too.
constexpr std::string_view kAuthorization = "Authorization";
constexpr std::string_view kAuthtypeCapability = "authtype";

bool is_pre_encoded(const Entry& e) {
    const auto headers = e.attributes.find("headers");
    return e.type == SecretType::custom && headers != e.attributes.end() &&
           headers->second == kAuthorization;
}

// What this request may be answered with: a pre-encoded credential only for
// a caller that announced the authtype capability (gitcredentials(7)).
bool answers(const GitCredential& request, const Entry& e) {
    return !is_pre_encoded(e) || request.understands(kAuthtypeCapability);
}

// The entry of the username git asked for, or when git named none, the most
// recently updated one of the service this request can take.
std::optional<Entry> pick_entry(Store& store, const std::string& service,
                                const GitCredential& request) {
    if (request.username) {
        std::optional<Entry> e = store.entry({service, git_name(*request.username)});
        return e && answers(request, *e) ? e : std::nullopt;
    }
    std::vector<Entry> entries = store.list(service);
    std::erase_if(entries, [&](const Entry& e) { return !answers(request, e); });
    return newest_of(std::move(entries));
}

void get(Store& store, const GitCredential& request) {
    const std::string service = git_service(request);
    if (service.empty()) {
        return;
    }
    const std::optional<Entry> entry = pick_entry(store, service, request);
    if (!entry) {
        return;
    }
    const std::optional<Secret> value = store.get({service, entry->name});
    if (!value) {
        return;
    }
    SecureBytes answer;
    if (request.understands(kAuthtypeCapability)) {
        append_git_attribute(answer, "capability[]", kAuthtypeCapability);
    }
    if (is_pre_encoded(*entry)) {
        const std::string_view header = value->view();
        const std::size_t space = header.find(' ');
        append_git_attribute(answer, "authtype", header.substr(0, space));
        append_git_attribute(answer, "credential",
                             space == std::string_view::npos ? "" : header.substr(space + 1));
    } else {
        append_git_attribute(answer, "username", git_username(entry->name));
        append_git_attribute(answer, "password", value->view());
    }
    if (entry->expires_at) {
        append_git_attribute(answer, "password_expiry_utc",
                             std::to_string(unix_seconds(*entry->expires_at)));
    }
    if (const auto refresh = store.get({git_refresh_service(request), entry->name})) {
        append_git_attribute(answer, "oauth_refresh_token", refresh->view());
    }
    write_stdout(answer);
}

// The value to keep and how: the password, or a pre-encoded credential as
// its Authorization header's value. Nothing when the request carries neither.
std::optional<Secret> value_to_store(const GitCredential& request, SetOptions& options) {
    if (request.credential && !request.authtype.empty()) {
        options.type = SecretType::custom;
        options.attributes["headers"] = std::string(kAuthorization);
        SecureBytes header(request.authtype.begin(), request.authtype.end());
        header.push_back(' ');
        header.insert(header.end(), request.credential->bytes().begin(),
                      request.credential->bytes().end());
        return Secret(std::move(header));
    }
    if (request.password) {
        return *request.password;
    }
    return std::nullopt;
}

void store_credential(Store& store, const GitCredential& request) {
    const std::string service = git_service(request);
    // An ephemeral credential (a Digest response, a one-time token) must not
    // be kept (gitcredentials(7)); git still calls store to report success.
    if (service.empty() || request.ephemeral) {
        return;
    }
    SetOptions options;
    options.label = "git credential";
    const std::optional<Secret> value = value_to_store(request, options);
    if (!value) {
        return;
    }
    if (request.password_expiry_utc) {
        const Timestamp expiry{std::chrono::seconds(*request.password_expiry_utc)};
        if (expiry <= core::now()) {
            return;  // already expired: it could never be read back
        }
        options.expires_at = expiry;
    }
    // git sends a username with every password ("username=" for none);
    // a pre-encoded credential may come without one.
    const std::string name = git_name(request.username.value_or(""));
    store.set({service, name}, *value, options);
    const Key refresh_key{git_refresh_service(request), name};
    if (request.oauth_refresh_token) {
        SetOptions refresh_options;
        refresh_options.type = SecretType::oauth2;
        refresh_options.label = "git OAuth refresh token";
        store.set(refresh_key, *request.oauth_refresh_token, refresh_options);
    } else {
        // A refresh token kept from an earlier credential is not this one's.
        (void)store.remove(refresh_key);
    }
}

// Removes the matching credentials. With a password or credential in the
// request (the one a server just rejected), only an entry still holding it
// goes: one that was replaced meanwhile stays.
void erase(Store& store, const GitCredential& request) {
    const std::string service = git_service(request);
    if (service.empty()) {
        return;
    }
    std::vector<std::string> names;
    if (request.username) {
        names.push_back(git_name(*request.username));
    } else {
        for (const Entry& e : store.list(service)) {
            names.push_back(e.name);
        }
    }
    SetOptions ignored;
    const std::optional<Secret> rejected = value_to_store(request, ignored);
    for (const std::string& name : names) {
        if (rejected) {
            const auto stored = store.get({service, name});
            if (!stored || !stored->equals(rejected->bytes())) {
                continue;
            }
        }
        (void)store.remove({service, name});
        (void)store.remove({git_refresh_service(request), name});
    }
}

int run(Context& ctx, std::string_view action) {
    const GitCredential request = parse_git_credential(read_all_stdin());
    Store& store = ctx.store();
    if (action == "get") {
        get(store, request);
    } else if (action == "store") {
        store_credential(store, request);
    } else {
        erase(store, request);
    }
    return kExitOk;
}

// After the helper's options: the action, or "" for a command line without one.
int answer(Context& ctx, std::string_view action) {
    if (action.empty()) {
        std::cerr << kUsage;
        return kExitUsage;
    }
    if (action != "get" && action != "store" && action != "erase") {
        return kExitOk;  // git-credential(1): ignore operations you do not know
    }
    try {
        return run(ctx, action);
    } catch (const std::exception& e) {
        // git reads an empty answer as "ask the person"; for store and erase
        // it ignores the status, so the message is what the person sees.
        std::cerr << "git-credential-tresor: " << e.what()
                  << (action == "get" ? " (git will ask for the credential)" : "") << "\n";
        const auto* error = dynamic_cast<const tresor::Error*>(&e);
        if (action == "get") {
            return kExitOk;
        }
        return error != nullptr ? exit_status_for(error->code()) : kExitOther;
    }
}

}  // namespace
}  // namespace tresor::cli

int main(int argc, char** argv) {
    return tresor::cli::helper_main(argc, argv, tresor::cli::kHelp, tresor::cli::kHelpEnd,
                                    tresor::cli::answer);
}
