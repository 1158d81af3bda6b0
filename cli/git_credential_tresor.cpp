// git-credential-tresor — git's credential helper protocol over a tresor
// Store (git-credential(1); `git config credential.helper tresor`).
//
//   git-credential-tresor [--config FILE] [--backend NAME] get|store|erase
//
// The request arrives on stdin, the answer leaves on stdout; passwords are
// never on argv. A store that cannot answer (locked, unreachable) makes `get`
// print nothing and exit 0, so git goes on and asks the person; the reason
// goes to stderr. The mapping to tresor keys is in cli/git_credential.hpp.
#include <algorithm>
#include <iostream>
#include <string_view>

#include "cli/context.hpp"
#include "cli/format.hpp"
#include "cli/git_credential.hpp"
#include "cli/secret_io.hpp"
#include "core/clock.hpp"
#include "platform/process.hpp"

namespace tresor::cli {
namespace {

constexpr const char* kUsage =
    "usage: git-credential-tresor [--config FILE] [--backend NAME] get|store|erase\n";

std::int64_t unix_seconds(Timestamp t) {
    return t.time_since_epoch().count();
}

// The username git asked for, or the one most recently stored for the
// service when git did not name one.
std::optional<std::string> pick_username(Store& store, const std::string& service,
                                         const GitCredential& request) {
    if (!request.username.empty()) {
        return request.username;
    }
    const std::vector<Entry> entries = store.list(service);
    const auto newest = std::max_element(
        entries.begin(), entries.end(),
        [](const Entry& a, const Entry& b) { return a.updated_at < b.updated_at; });
    if (newest == entries.end()) {
        return std::nullopt;
    }
    return newest->name;
}

void get(Store& store, const GitCredential& request) {
    const std::string service = git_service(request);
    if (service.empty()) {
        return;
    }
    const auto username = pick_username(store, service, request);
    if (!username) {
        return;
    }
    const Key key{service, *username};
    const std::optional<Secret> password = store.get(key);
    if (!password) {
        return;
    }
    SecureBytes answer;
    append_git_attribute(answer, "username", *username);
    append_git_attribute(answer, "password", password->view());
    if (const auto entry = store.entry(key); entry && entry->expires_at) {
        append_git_attribute(answer, "password_expiry_utc",
                             std::to_string(unix_seconds(*entry->expires_at)));
    }
    if (const auto refresh = store.get({git_refresh_service(request), *username})) {
        append_git_attribute(answer, "oauth_refresh_token", refresh->view());
    }
    write_stdout(answer);
}

void store_credential(Store& store, const GitCredential& request) {
    const std::string service = git_service(request);
    if (service.empty() || request.username.empty() || !request.password) {
        return;  // nothing git could ask for again
    }
    SetOptions options;
    options.label = "git credential";
    if (request.password_expiry_utc) {
        const Timestamp expiry{std::chrono::seconds(*request.password_expiry_utc)};
        if (expiry <= core::now()) {
            return;  // already expired: it could never be read back
        }
        options.expires_at = expiry;
    }
    store.set({service, request.username}, *request.password, options);
    const Key refresh_key{git_refresh_service(request), request.username};
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

// Removes the matching credentials. With a password in the request (the one
// a server just rejected), only an entry still holding that password goes:
// one that was replaced meanwhile stays.
void erase(Store& store, const GitCredential& request) {
    const std::string service = git_service(request);
    if (service.empty()) {
        return;
    }
    std::vector<std::string> names;
    if (!request.username.empty()) {
        names.push_back(request.username);
    } else {
        for (const Entry& e : store.list(service)) {
            names.push_back(e.name);
        }
    }
    for (const std::string& name : names) {
        if (request.password) {
            const auto stored = store.get({service, name});
            if (!stored || !stored->equals(request.password->bytes())) {
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

}  // namespace
}  // namespace tresor::cli

int main(int argc, char** argv) {
    using namespace tresor::cli;
    tresor::platform::forbid_core_dumps();
    Context ctx;
    const std::string_view action = parse_helper_arguments(ctx, argc, argv);
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
