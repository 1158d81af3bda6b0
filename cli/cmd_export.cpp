// tresor export [--service S] (--recipient age1… | --passphrase) > backup.age
// and what `tresor import --age` reads back (cli/age_export.hpp).
//
// The plaintext is cli/export_format.hpp's JSON lines, built in wiped memory
// and sealed with age/age.hpp as one age-encryption.org/v1 file, which
// Debian's `age -d` opens (docs/INTEGRATIONS.md). Values go nowhere but into
// that file: stdout is refused when it is a terminal. A passphrase comes
// from the terminal, the environment, a file or a descriptor, never argv.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <set>

#include "age/age.hpp"
#include "cli/age_export.hpp"
#include "cli/commands.hpp"
#include "cli/entry_json.hpp"
#include "cli/export_format.hpp"
#include "cli/format.hpp"
#include "cli/secret_io.hpp"
#include "platform/file.hpp"
#include "platform/terminal.hpp"
#include "vault/unlock.hpp"

namespace tresor::cli {
namespace {

// An age file of secrets is small; the bound keeps /dev/zero out of memory.
constexpr std::uint64_t kMaxAgeFileBytes = 256ull * 1024 * 1024;
constexpr std::uint64_t kMaxKeyFileBytes = 64 * 1024;

SecureBytes without_line_end(SecureBytes bytes) {
    if (!bytes.empty() && bytes.back() == '\n') {
        bytes.pop_back();
    }
    return bytes;
}

// The passphrase from `spec`, its sources tried in order as a vault's unlock
// sources are (vault/unlock.hpp's syntax): env:VAR, file:PATH, fd:N, prompt.
// A new one (export) is asked twice at the prompt.
SecureBytes read_passphrase(const std::string& spec, bool is_new) {
    std::string tried;
    auto note = [&tried](const std::string& why) { tried += (tried.empty() ? "" : "; ") + why; };
    std::optional<SecureBytes> found;
    for (const vault::UnlockSource& source : vault::parse_unlock_spec(spec)) {
        using Kind = vault::UnlockSource::Kind;
        if (source.kind == Kind::env) {
            const char* value = std::getenv(source.argument.c_str());
            if (value != nullptr && *value != '\0') {
                found.emplace(value, value + std::strlen(value));
                break;
            }
            note("$" + source.argument + " is not set");
        } else if (source.kind == Kind::file) {
            found = without_line_end(
                read_trusted_file(source.argument, "passphrase file", kMaxKeyFileBytes));
            break;
        } else if (source.kind == Kind::fd) {
            SecureBytes bytes;
            platform::read_bounded(
                std::stoi(source.argument), kMaxKeyFileBytes, "fd " + source.argument,
                [&](auto chunk) { bytes.insert(bytes.end(), chunk.begin(), chunk.end()); });
            found = without_line_end(std::move(bytes));
            break;
        } else if (source.kind == Kind::prompt) {
            found = platform::read_hidden_line("Passphrase for the age file: ");
            if (!found) {
                note("no terminal to prompt on");
                continue;
            }
            if (is_new && platform::read_hidden_line("Repeat the passphrase: ") != found) {
                throw Error(ErrorCode::invalid_argument, "the passphrases do not match");
            }
            break;
        } else {
            throw Error(ErrorCode::invalid_argument,
                        "--passphrase-from takes env:VAR, file:PATH, fd:N or prompt");
        }
    }
    if (!found) {
        throw Error(
            ErrorCode::invalid_argument,
            "no passphrase (" + tried + "); use --passphrase-from env:VAR, fd:N or file:PATH");
    }
    if (found->empty()) {
        throw Error(ErrorCode::invalid_argument, "the passphrase is empty");
    }
    return std::move(*found);
}

// One line per entry that still has a value: listed, then read. An entry
// two backends hold is exported once, as get() finds it.
std::vector<SecureString> export_lines(Store& store, const std::string& service) {
    std::vector<SecureString> lines;
    std::set<std::pair<std::string, std::string>> seen;
    for (const Entry& e : service.empty() ? store.list() : store.list(service)) {
        if (!seen.emplace(e.service, e.name).second) {
            continue;
        }
        const std::optional<Secret> value = store.get({e.service, e.name});
        if (!value) {
            continue;  // expired or removed since the listing
        }
        Json line = entry_json(e);
        put_text(line, "value", value->view());
        lines.push_back(dump_json(line));
    }
    return lines;
}

void add_export(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand(
        "export", "Write every entry with its metadata to stdout as an age file (age -d opens it)");
    auto service = std::make_shared<std::string>();
    auto recipients = std::make_shared<std::vector<std::string>>();
    auto passphrase = std::make_shared<bool>(false);
    auto passphrase_from = std::make_shared<std::string>("prompt");
    cmd->add_option("--service", *service, "Only this service");
    auto* to = cmd->add_option("--recipient,-r", *recipients,
                               "An age X25519 recipient (age1…, from age-keygen); repeatable");
    auto* with = cmd->add_flag("--passphrase,-p", *passphrase,
                               "Encrypt with a passphrase (scrypt, as age -p) instead");
    to->excludes(with);
    cmd->add_option("--passphrase-from", *passphrase_from,
                    "Where the passphrase comes from: env:VAR, file:PATH, fd:N or prompt")
        ->capture_default_str();
    cmd->footer(
        "The file holds one JSON line per entry (docs/INTEGRATIONS.md); tresor import --age\n"
        "restores it into any backend, age -d decrypts it without tresor.\nExamples:\n"
        "  tresor export -r age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p > "
        "backup.age\n  BACKUP_PASSPHRASE=... tresor export -p --passphrase-from "
        "env:BACKUP_PASSPHRASE "
        "> backup.age");
    cmd->callback([&ctx, service, recipients, passphrase, passphrase_from] {
        if (recipients->empty() && !*passphrase) {
            throw Error(ErrorCode::invalid_argument, "give --recipient age1… or --passphrase");
        }
        if (::isatty(STDOUT_FILENO) == 1) {
            throw Error(ErrorCode::invalid_argument,
                        "stdout is a terminal: redirect the age file (> backup.age)");
        }
        // Every key is checked, and a passphrase asked for, before any value is read.
        std::vector<std::vector<std::uint8_t>> public_keys;
        for (const std::string& r : *recipients) {
            public_keys.push_back(age::parse_recipient(r));
        }
        const std::optional<SecureBytes> secret =
            *passphrase ? std::optional(read_passphrase(*passphrase_from, true)) : std::nullopt;
        const std::vector<SecureString> lines = export_lines(ctx.store(), *service);
        SecureBytes plaintext;
        const auto append = [&plaintext](const SecureString& text) {
            plaintext.insert(plaintext.end(), text.begin(), text.end());
        };
        append(export_header(lines.size(), std::chrono::time_point_cast<std::chrono::seconds>(
                                               std::chrono::system_clock::now())));
        for (const SecureString& line : lines) {
            append(line);
        }
        write_stdout(secret ? age::encrypt_with_passphrase(plaintext, *secret)
                            : age::encrypt_to_recipients(plaintext, public_keys));
        std::cerr << "exported " << lines.size() << " entries "
                  << (secret ? "with a passphrase"
                             : "to " + std::to_string(public_keys.size()) + " recipient(s)")
                  << "\n";
    });
}

}  // namespace

std::vector<NewSecret> read_age_import(const AgeImport& request) {
    age::Identities identities;
    for (const std::string& file : request.identity_files) {
        // A private key: not even readable by others (ssh's rule).
        for (SecureBytes& key : age::parse_identity_file(
                 read_trusted_file(file, "age identity file", kMaxKeyFileBytes, 077),
                 "age identity file " + file)) {
            identities.x25519.push_back(std::move(key));
        }
    }
    if (request.passphrase) {
        identities.passphrase = read_passphrase(request.passphrase_from, false);
    }
    if (identities.x25519.empty() && !identities.passphrase) {
        throw Error(ErrorCode::invalid_argument, "give --identity KEYFILE or --passphrase");
    }
    const SecureBytes file = request.file == "-"
                                 ? read_all_stdin()
                                 : read_trusted_file(request.file, "age file", kMaxAgeFileBytes);
    const SecureBytes plaintext = age::decrypt(file, identities);
    std::vector<NewSecret> batch;
    for (ImportedEntry& e : parse_export(plaintext, request.file)) {
        if (!request.service.empty() && e.key.service != request.service) {
            continue;
        }
        const auto type = secret_type_from_string(e.type);
        if (!type) {
            throw Error(ErrorCode::invalid_argument, request.file + ": " + display_key(e.key) +
                                                         " has an unknown type '" +
                                                         display_text(e.type) + "'");
        }
        batch.push_back({std::move(e.key),
                         std::move(e.value),
                         {*type, std::move(e.label), std::move(e.description), e.expires_at,
                          std::move(e.attributes)}});
    }
    return batch;
}

void add_export_command(CLI::App& app, Context& ctx) {
    add_export(app, ctx);
}

}  // namespace tresor::cli
