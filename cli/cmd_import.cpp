// tresor import --dotenv FILE --service S | tresor migrate --from A --to B
//
// Both read everything first and write it as one batch (Store::set_many: one
// transaction in the vault), so a malformed line, an entry that already
// exists or a failing backend leaves nothing half-imported. Values are read
// from the file or the source backend only; none is ever printed.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/dotenv.hpp"
#include "cli/format.hpp"
#include "cli/secret_io.hpp"
#include "platform/file.hpp"

namespace tresor::cli {
namespace {

// Larger than any .env file; a /dev/zero must not fill memory.
constexpr std::uint64_t kMaxDotenvBytes = 16 * 1024 * 1024;

// A .env file given by path must be one that nobody but its owner (or root)
// could have written, like a config: a value planted in it would otherwise
// become a secret the next program trusts.
SecureBytes read_dotenv(const std::string& file) {
    if (file == "-") {
        return read_all_stdin(kMaxDotenvBytes);
    }
    const platform::FileDescriptor fd = platform::open_trusted_file(
        file, {.what = "dotenv file", .follow_final_symlink = true, .max_bytes = kMaxDotenvBytes});
    SecureBytes bytes;
    platform::read_bounded(fd.get(), kMaxDotenvBytes, "dotenv file " + file,
                           [&](std::span<const std::uint8_t> chunk) {
                               bytes.insert(bytes.end(), chunk.begin(), chunk.end());
                           });
    return bytes;
}

// Asks for metadata where the backend keeps it, else for the value.
bool exists(Store& store, const Key& key) {
    try {
        return store.entry(key).has_value();
    } catch (const Error& e) {
        if (e.code() != ErrorCode::unavailable) {
            throw;
        }
        return store.get(key).has_value();
    }
}

// Refuses the batch when an entry already exists, unless replace: naming
// every one (keys only), before anything is written.
void check_existing(Store& store, const std::vector<NewSecret>& batch, bool replace) {
    if (replace) {
        return;
    }
    std::string existing;
    std::size_t count = 0;
    for (const NewSecret& item : batch) {
        if (exists(store, item.key)) {
            existing += (count++ == 0 ? "" : ", ") + display_key(item.key);
        }
    }
    if (count != 0) {
        throw Error(ErrorCode::invalid_argument,
                    std::to_string(count) + " entr" + (count == 1 ? "y exists" : "ies exist") +
                        " already (" + existing + "); nothing was written (--replace overwrites)");
    }
}

void add_import(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("import", "Import secrets from a .env file, all or none");
    auto file = std::make_shared<std::string>();
    auto service = std::make_shared<std::string>();
    auto type = std::make_shared<std::string>("api_key");
    auto replace = std::make_shared<bool>(false);
    cmd->add_option("--dotenv", *file, "The .env file (- for stdin)")->required();
    cmd->add_option("--service", *service, "Service for the imported names")->required();
    cmd->add_option("--type", *type, "Type of every imported secret")->capture_default_str();
    cmd->add_flag("--replace", *replace, "Overwrite entries that exist already");
    cmd->footer(
        "Each NAME=value becomes SERVICE/NAME. Quotes, `export` and comments are read as\n"
        "the common dotenv tools read them; ${VAR} is not expanded.\n"
        "Example:\n  tresor import --dotenv .env --service myapp && shred -u .env");
    cmd->callback([&ctx, file, service, type, replace] {
        const auto parsed_type = secret_type_from_string(*type);
        if (!parsed_type) {
            throw Error(ErrorCode::invalid_argument, "unknown --type '" + *type + "'");
        }
        std::vector<NewSecret> batch;
        for (DotenvEntry& entry : parse_dotenv(read_dotenv(*file), *file)) {
            SetOptions options;
            options.type = *parsed_type;
            options.description = "imported from " + *file + ":" + std::to_string(entry.line);
            batch.push_back({{*service, entry.name}, std::move(entry.value), options});
        }
        Store& store = ctx.store();
        check_existing(store, batch, *replace);
        store.set_many(batch);
        std::cout << "imported " << batch.size() << " entries into " << display_text(*service)
                  << "\n";
    });
}

// A Store that talks to one configured backend only.
Store open_backend(const Context& ctx, const std::string& backend) {
    OpenOptions options;
    if (ctx.config_file) {
        options.config_path = *ctx.config_file;
    }
    options.backend = backend;
    options.allow_prompt = true;
    return Store::open(options);
}

void add_migrate(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("migrate", "Copy entries with their metadata between backends");
    auto from = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    auto service = std::make_shared<std::string>();
    auto dry_run = std::make_shared<bool>(false);
    auto replace = std::make_shared<bool>(false);
    cmd->add_option("--from", *from, "Backend to copy from ([backend.NAME])")->required();
    cmd->add_option("--to", *to, "Backend to copy into")->required();
    cmd->add_option("--service", *service, "Only this service");
    cmd->add_flag("--dry-run", *dry_run, "Print what would be copied, write nothing");
    cmd->add_flag("--replace", *replace, "Overwrite entries the target has already");
    cmd->footer(
        "Type, label, description and expiry are copied; the target sets its own times.\n"
        "The source keeps its entries (remove them with `tresor rm` once checked).\n"
        "Example:\n  tresor migrate --from keyring --to vault --dry-run");
    cmd->callback([&ctx, from, to, service, dry_run, replace] {
        if (*from == *to) {
            throw Error(ErrorCode::invalid_argument, "--from and --to name the same backend");
        }
        Store source = open_backend(ctx, *from);
        Store target = open_backend(ctx, *to);
        const std::vector<Entry> entries = service->empty() ? source.list() : source.list(*service);
        std::vector<NewSecret> batch;
        for (const Entry& e : entries) {
            const Key key{e.service, e.name};
            if (*dry_run) {
                std::cout << "would copy " << display_key(key) << " (" << to_string(e.type)
                          << ")\n";
                batch.push_back({key, Secret(), {}});
                continue;
            }
            std::optional<Secret> value = source.get(key);
            if (!value) {
                continue;  // expired or removed since the listing
            }
            batch.push_back({key,
                             std::move(*value),
                             {e.type, e.label, e.description, e.expires_at, e.attributes}});
        }
        check_existing(target, batch, *replace);
        if (*dry_run) {
            std::cout << "would copy " << batch.size() << " entries from " << display_text(*from)
                      << " to " << display_text(*to) << "\n";
            return;
        }
        target.set_many(batch);
        std::cout << "copied " << batch.size() << " entries from " << display_text(*from) << " to "
                  << display_text(*to) << "\n";
    });
}

}  // namespace

void add_import_commands(CLI::App& app, Context& ctx) {
    add_import(app, ctx);
    add_migrate(app, ctx);
}

}  // namespace tresor::cli
