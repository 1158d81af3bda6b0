// tresor aws-credential-process SERVICE/NAME
//
// AWS SDKs and the aws CLI run this from a profile's credential_process and
// read its JSON (Version 1). The entry's value is a JSON object holding
// AccessKeyId, SecretAccessKey and, for temporary credentials, SessionToken,
// the same members as `aws sts get-session-token` prints under
// "Credentials"; the entry's expiry becomes Expiration, so the SDK asks again
// in time. docs/INTEGRATIONS.md has the steps.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/json.hpp"
#include "cli/key_ref.hpp"
#include "cli/secret_io.hpp"

namespace tresor::cli {
namespace {

SecureString required_text(const Json& value, std::string_view member, const Key& key) {
    auto text = get_text(value, member, "the value of " + display_key(key));
    if (!text || text->empty()) {
        throw Error(ErrorCode::invalid_argument,
                    "the value of " + display_key(key) + " has no \"" + std::string(member) + "\"");
    }
    return std::move(*text);
}

}  // namespace

void add_aws_command(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("aws-credential-process",
                                   "Print AWS credentials for a profile's credential_process");
    auto ref = std::make_shared<std::string>();
    cmd->add_option("SERVICE/NAME", *ref, "The entry holding the credentials as JSON")->required();
    cmd->footer(
        "The value: {\"AccessKeyId\": ..., \"SecretAccessKey\": ..., \"SessionToken\": ...}\n"
        "(SessionToken optional); the entry's expiry becomes Expiration.\n"
        "Example (~/.aws/config):\n"
        "  [profile prod]\n  credential_process = tresor aws-credential-process aws/prod");
    cmd->callback([&ctx, ref] {
        const Key key = parse_key_ref(*ref);
        const std::optional<Secret> value = ctx.store().get(key);
        if (!value) {
            std::cerr << "tresor: not found: " << display_key(key) << "\n";
            ctx.exit_status = kExitNotFound;
            return;
        }
        const Json stored = parse_json(value->bytes(), "the value of " + display_key(key));
        if (!stored.is_object()) {
            throw Error(ErrorCode::invalid_argument,
                        "the value of " + display_key(key) + " is not a JSON object");
        }
        Json out = Json::object();
        out["Version"] = 1;
        out["AccessKeyId"] = required_text(stored, "AccessKeyId", key);
        out["SecretAccessKey"] = required_text(stored, "SecretAccessKey", key);
        if (auto token = get_text(stored, "SessionToken", "the value of " + display_key(key))) {
            out["SessionToken"] = std::move(*token);
        }
        if (const auto entry = ctx.store().entry(key); entry && entry->expires_at) {
            out["Expiration"] = json_text(format_time(entry->expires_at));
        }
        write_stdout(dump_json(out));
    });
}

}  // namespace tresor::cli
