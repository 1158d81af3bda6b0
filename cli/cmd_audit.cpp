// tresor audit [--service S] [--since T] [--json] | audit verify | audit prune --before T
//
// The vault's audit log (docs/VAULT-FORMAT.md, "Audit log"), read below the
// Store like `tresor vault`: the vault backend of the config (or
// --backend), unlocked on the terminal. Reading checks the chain as it goes;
// `verify` also checks the manifest, which covers the log's last block; both
// exit 4 on a problem. Names and executables are printed through
// display_text: a hostile name cannot move the terminal's cursor.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/json.hpp"
#include "cli/secret_io.hpp"
#include "cli/vault_access.hpp"

namespace tresor::cli {
namespace {

namespace audit = tresor::vault::audit;

// "2026-12-07T05:24:17.123Z"
std::string format_ms(std::int64_t time_ms) {
    const auto seconds = Timestamp(std::chrono::seconds(time_ms / 1000));
    const std::string text = format_time(seconds);
    char ms[8];
    std::snprintf(ms, sizeof(ms), ".%03d", static_cast<int>(((time_ms % 1000) + 1000) % 1000));
    return text.substr(0, text.size() - 1) + ms + "Z";
}

struct Filter {
    std::string service;
    std::optional<Timestamp> since;

    [[nodiscard]] bool keeps(const audit::Event& e) const {
        return (service.empty() || e.service == service) &&
               (!since || e.time_ms >= std::chrono::duration_cast<std::chrono::milliseconds>(
                                           since->time_since_epoch())
                                           .count());
    }
};

SecureString event_json(std::optional<std::uint64_t> block, const audit::Event& e) {
    Json out = Json::object();
    out["block"] = block ? Json(*block) : Json(nullptr);  // null: not sealed yet
    out["time"] = json_text(format_ms(e.time_ms));
    out["operation"] = json_text(audit::to_string(e.operation));
    out["outcome"] = json_text(audit::to_string(e.outcome));
    put_text(out, "service", e.service);
    put_text(out, "name", e.name);
    put_text(out, "actor", e.actor);
    out["uid"] = e.caller.uid;
    out["pid"] = e.caller.pid;
    put_text(out, "executable", e.caller.executable);
    put_text(out, "credential", e.caller.credential);
    put_text(out, "detail", e.detail);
    return dump_json(out);
}

std::string event_line(std::optional<std::uint64_t> block, const audit::Event& e) {
    std::string line = format_ms(e.time_ms) + "  " + std::string(audit::to_string(e.operation)) +
                       "  " + std::string(audit::to_string(e.outcome));
    if (!e.service.empty() || !e.name.empty()) {
        line += "  " + display_key({e.service, e.name});
    }
    line += "  uid " + std::to_string(e.caller.uid) + " pid " + std::to_string(e.caller.pid) + " " +
            display_text(e.caller.executable) + "  " + display_text(e.caller.credential);
    if (!e.actor.empty()) {
        line += "  for " + display_text(e.actor);
    }
    if (!e.detail.empty()) {
        line += "  (" + display_text(e.detail) + ")";
    }
    return line + (block ? "" : "  [not sealed yet]") + "\n";
}

void print_problems(Context& ctx, const std::vector<std::string>& problems) {
    for (const std::string& problem : problems) {
        std::cerr << "tresor: audit log problem: " << problem << "\n";
    }
    if (!problems.empty()) {
        ctx.exit_status = kExitAuth;
    }
}

void add_list(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand(
        "audit", "Show the vault's audit log: who read or changed what, when (checked as read)");
    auto filter = std::make_shared<Filter>();
    auto since = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    cmd->add_option("--service", filter->service, "Only this service's entries");
    cmd->add_option("--since", *since, "Only events from this time on (ISO 8601)");
    cmd->add_flag("--json", *json, "One JSON object per event and line");
    cmd->footer(
        "The log records gets, header uses, sets, removes, key-slot changes and failed\n"
        "unlocks when the backend has audit = \"on\" or \"strict\" (docs/CONFIG.md).\n"
        "Examples:\n  tresor audit --service github --since 2026-12-01\n"
        "  tresor audit verify");
    cmd->callback([&ctx, cmd, filter, since, json] {
        if (cmd->got_subcommand("verify") || cmd->got_subcommand("prune")) {
            return;
        }
        if (!since->empty()) {
            filter->since = parse_time(*since);
        }
        tresor::vault::Vault v = open_vault(vault_settings(ctx)).vault;
        const auto print = [&](std::optional<std::uint64_t> block, const audit::Event& e) {
            if (filter->keeps(e)) {
                write_stdout(*json ? event_json(block, e) : SecureString(event_line(block, e)));
            }
        };
        const audit::ChainReport report =
            v.read_audit([&](std::uint64_t seq, const audit::Event& e) { print(seq, e); });
        for (const audit::Event& e : v.unsealed_audit_notes()) {
            print(std::nullopt, e);
        }
        print_problems(ctx, report.problems);
    });

    auto* verify = cmd->add_subcommand(
        "verify", "Check the audit log's chain and that it ends where the manifest says");
    verify->footer("Exit status 4 on any problem.\nExample:\n  tresor audit verify");
    verify->callback([&ctx] {
        const tresor::vault::VerifyReport report = open_vault(vault_settings(ctx)).vault.verify();
        std::vector<std::string> problems = report.audit_problems;
        if (!report.manifest_matches) {
            problems.push_back(report.problems.back());  // the manifest's, always last
        }
        print_problems(ctx, problems);
        std::cout << report.audit_blocks_checked << " audit blocks (" << report.audit_events_checked
                  << " events) checked, " << problems.size() << " problems\n";
    });

    auto* prune = cmd->add_subcommand(
        "prune", "Remove the oldest blocks whose every event is before a time (kept verifiable)");
    auto before = std::make_shared<std::string>();
    prune->add_option("--before", *before, "Remove what is older than this (ISO 8601)")->required();
    prune->footer(
        "The newest block always stays, and a prune event sealed in the log records what\n"
        "went; a log with a problem is not pruned.\nExample:\n"
        "  tresor audit prune --before 2026-01-01");
    prune->callback([&ctx, before] {
        const Timestamp t = parse_time(*before);
        tresor::vault::Vault v = open_vault(vault_settings(ctx)).vault;
        const std::uint64_t removed = v.prune_audit(
            std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
        std::cout << "pruned " << removed << " audit blocks older than " << format_time(t) << "\n";
    });
}

}  // namespace

void add_audit_commands(CLI::App& app, Context& ctx) {
    add_list(app, ctx);
}

}  // namespace tresor::cli
