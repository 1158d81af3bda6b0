#include "cli/context.hpp"

#include <algorithm>
#include <iostream>

#include "platform/process.hpp"

namespace tresor::cli {

int exit_status_for(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::config:
        case ErrorCode::invalid_argument:
            return kExitUsage;
        case ErrorCode::unavailable:
        case ErrorCode::locked:
            return kExitUnavailable;
        // Refused access is the caller's to fix like a wrong password: a
        // read-only database role, a file mode (docs/FLEET.md).
        case ErrorCode::auth_failed:
        case ErrorCode::permission_denied:
        case ErrorCode::corrupt:
            return kExitAuth;
        default:
            return kExitOther;
    }
}

Store& Context::store() {
    if (!store_) {
        OpenOptions options;
        if (config_file) {
            options.config_path = *config_file;
        }
        options.backend = backend;
        // A person at a terminal may be asked for the vault password; with
        // no terminal (CI) the prompt is refused at once, never awaited.
        options.allow_prompt = true;
        store_.emplace(Store::open(options));
    }
    return *store_;
}

conf::Config Context::config() const {
    return conf::discover_config(config_file ? std::optional<std::filesystem::path>(*config_file)
                                             : std::nullopt);
}

std::optional<Entry> newest_of(std::vector<Entry> entries) {
    const auto newest = std::max_element(
        entries.begin(), entries.end(),
        [](const Entry& a, const Entry& b) { return a.updated_at < b.updated_at; });
    if (newest == entries.end()) {
        return std::nullopt;
    }
    return std::move(*newest);
}

int helper_main(int argc, char** argv, std::string_view help_start, std::string_view help_end,
                HelperAnswer answer) {
    tresor::platform::forbid_core_dumps();
    Context ctx;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if ((arg == "--config" || arg == "--backend") && i + 1 < argc) {
            (arg == "--config" ? ctx.config_file : ctx.backend) = argv[++i];
        } else if (arg == "--help" || arg == "-h") {
            std::cout << help_start << kHelperOptionsHelp << help_end;
            return kExitOk;
        } else {
            return answer(ctx, arg.starts_with("-") ? std::string_view() : arg);
        }
    }
    return answer(ctx, {});
}

}  // namespace tresor::cli
