// tresor set | get | rm | ls
#include <cstring>
#include <iostream>

#include "cli/ci_mask.hpp"
#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/json.hpp"
#include "cli/secret_io.hpp"
#include "core/clock.hpp"

namespace tresor::cli {
namespace {

struct KeyArgs {
    std::string service;
    std::string name;
    [[nodiscard]] Key key() const { return {service, name}; }
};

void add_key_args(CLI::App* cmd, KeyArgs& args) {
    cmd->add_option("SERVICE", args.service, "Service the secret belongs to")->required();
    cmd->add_option("NAME", args.name, "Name of the secret within the service")->required();
}

// An entry's metadata: service, name, type, label, description, id,
// backend, the four times (ISO 8601 or null), then attributes.
Json entry_json(const Entry& e) {
    Json out = Json::object();
    put_text(out, "service", e.service);
    put_text(out, "name", e.name);
    out["type"] = json_text(to_string(e.type));
    put_text(out, "label", e.label);
    put_text(out, "description", e.description);
    put_text(out, "id", e.id);
    put_text(out, "backend", e.backend);
    const auto time = [](const std::optional<Timestamp>& t) {
        return t ? Json(json_text(format_time(t))) : Json(nullptr);
    };
    out["created_at"] = time(e.created_at);
    out["updated_at"] = time(e.updated_at);
    out["last_used_at"] = time(e.last_used_at);
    out["expires_at"] = time(e.expires_at);
    // A typed credential's non-secret fields (docs/CREDENTIALS.md); {} for none.
    Json attributes = Json::object();
    for (const auto& [field, text] : e.attributes) {
        put_text(attributes, field, text);
    }
    out["attributes"] = std::move(attributes);
    return out;
}

void not_found(Context& ctx, const Key& key) {
    std::cerr << "tresor: not found: " << display_key(key) << "\n";
    ctx.exit_status = kExitNotFound;
}

void print_table(const std::vector<Entry>& entries) {
    if (entries.empty()) {
        return;
    }
    std::vector<std::array<std::string, 6>> rows = {
        {"SERVICE", "NAME", "TYPE", "LABEL", "UPDATED", "EXPIRES"}};
    for (const auto& e : entries) {
        rows.push_back({display_text(e.service), display_text(e.name),
                        std::string(to_string(e.type)), display_text(e.label),
                        format_time(e.updated_at), format_time(e.expires_at)});
    }
    std::array<std::size_t, 6> width{};
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            width[i] = std::max(width[i], row[i].size());
        }
    }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) {
                line += std::string(width[i] - row[i].size() + 2, ' ');
            }
        }
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        std::cout << line << "\n";
    }
}

// --field NAME=VALUE options into the attributes; an empty --username is none.
void take_fields(const std::vector<std::string>& fields, Attributes& attributes) {
    std::erase_if(attributes, [](const auto& item) { return item.second.empty(); });
    for (const std::string& field : fields) {
        const std::size_t eq = field.find('=');
        if (eq == 0 || eq == std::string::npos) {
            throw Error(ErrorCode::invalid_argument, "--field takes NAME=VALUE");
        }
        attributes[field.substr(0, eq)] = field.substr(eq + 1);
    }
}

// An entry that has expired reads as missing: storing one would report
// success and lose it, and the epoch itself is the vault's "never expires".
Timestamp parse_expiry(const std::string& text) {
    const Timestamp expires_at = parse_time(text);
    if (expires_at <= core::now()) {
        throw Error(ErrorCode::invalid_argument,
                    "--expires " + format_time(expires_at) + " is in the past");
    }
    return expires_at;
}

void add_set(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("set", "Store a secret read from stdin (or a no-echo prompt)");
    auto args = std::make_shared<KeyArgs>();
    auto type = std::make_shared<std::string>("password");
    auto options = std::make_shared<SetOptions>();
    auto expires = std::make_shared<std::string>();
    auto raw = std::make_shared<bool>(false);
    add_key_args(cmd, *args);
    cmd->add_option("--type", *type,
                    "password, api_key, bearer_token, basic_auth, oauth2, jwt or custom")
        ->capture_default_str();
    cmd->add_option("--label", options->label, "Human-readable label");
    cmd->add_option("--description", options->description, "What the secret is for");
    cmd->add_option("--expires", *expires,
                    "Expiry time, RFC 3339 / ISO 8601 (2027-01-31T12:00:00Z)");
    cmd->add_flag("--raw", *raw, "Keep a trailing newline from stdin");
    auto fields = std::make_shared<std::vector<std::string>>();
    cmd->add_option("--username", options->attributes["username"], "basic_auth: the user name");
    cmd->add_option("--field", *fields,
                    "A credential's non-secret field, NAME=VALUE (docs/CREDENTIALS.md)");
    cmd->footer(
        "Example:\n  printf %s \"$TOKEN\" | tresor set github ci-token --type api_key\n"
        "  tresor set github ci --type basic_auth --username alice   # password from stdin");
    cmd->callback([&ctx, args, type, options, expires, raw, fields] {
        take_fields(*fields, options->attributes);
        auto parsed_type = secret_type_from_string(*type);
        if (!parsed_type) {
            throw Error(ErrorCode::invalid_argument, "unknown --type '" + *type + "'");
        }
        options->type = *parsed_type;
        if (!expires->empty()) {
            options->expires_at = parse_expiry(*expires);
        }
        const Key key = args->key();
        const Secret secret = read_secret_input("Secret for " + display_key(key) + ": ", *raw);
        ctx.store().set(key, secret, *options);
        if (secret.empty()) {
            // `printf %s "$TOKEN" | tresor set ...` with TOKEN unset: an
            // empty value is a value, but rarely the one meant.
            std::cerr << "tresor: warning: stored an empty secret for " << display_key(key)
                      << " (was the input empty by mistake, e.g. an unset variable?)\n";
        }
    });
}

void add_get(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("get", "Print a secret (exit status 1 when not found)");
    auto args = std::make_shared<KeyArgs>();
    auto raw = std::make_shared<bool>(false);
    auto json = std::make_shared<bool>(false);
    add_key_args(cmd, *args);
    cmd->add_flag("--raw", *raw, "Print the exact bytes, without a trailing newline");
    cmd->add_flag("--json", *json, "Print metadata and value as JSON");
    cmd->footer("Example:\n  curl -H \"Authorization: Bearer $(tresor get github ci-token)\" ...");
    cmd->callback([&ctx, args, raw, json] {
        const Key key = args->key();
        std::optional<Secret> secret = ctx.store().get(key);
        if (!secret) {
            return not_found(ctx, key);
        }
        mask_in_ci_log(secret->bytes());
        if (*json) {
            std::optional<Entry> entry = ctx.store().entry(key);
            Json out = entry ? entry_json(*entry) : Json::object();
            put_text(out, "value", secret->view());
            write_stdout(dump_json(out));
            return;
        }
        write_stdout(secret->bytes());
        if (!*raw) {
            write_stdout("\n");
        }
    });
}

void add_rm(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("rm", "Remove a secret (exit status 1 when there was none)");
    auto args = std::make_shared<KeyArgs>();
    add_key_args(cmd, *args);
    cmd->footer("Example:\n  tresor rm github ci-token");
    cmd->callback([&ctx, args] {
        if (!ctx.store().remove(args->key())) {
            not_found(ctx, args->key());
        }
    });
}

void add_ls(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("ls", "List secrets' metadata (never their values)");
    auto service = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    cmd->add_option("SERVICE", *service, "Only this service");
    cmd->add_flag("--json", *json, "Print a JSON array");
    cmd->footer("Example:\n  tresor ls github --json");
    cmd->callback([&ctx, service, json] {
        const auto entries = service->empty() ? ctx.store().list() : ctx.store().list(*service);
        if (!*json) {
            return print_table(entries);
        }
        Json out = Json::array();
        for (const auto& e : entries) {
            out.push_back(entry_json(e));
        }
        write_stdout(dump_json(out));
    });
}

}  // namespace

void add_secret_commands(CLI::App& app, Context& ctx) {
    add_set(app, ctx);
    add_get(app, ctx);
    add_rm(app, ctx);
    add_ls(app, ctx);
}

}  // namespace tresor::cli
