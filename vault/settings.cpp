#include "vault/settings.hpp"

#include <charconv>
#include <cstdlib>

#include "tresor/error.hpp"
#include "vault/trust/admin_key.hpp"
#include "vault/trust/anchor.hpp"
#include "vault/unlock_cache.hpp"

namespace tresor::vault {
namespace {

[[noreturn]] void invalid(const std::string& message) {
    throw Error(ErrorCode::invalid_argument, message);
}

std::filesystem::path home_dir() {
    const char* home = std::getenv("HOME");
    if (home == nullptr || *home == '\0') {
        invalid("HOME is not set: configure the vault's path");
    }
    return home;
}

std::filesystem::path default_path() {
    if (const char* data = std::getenv("XDG_DATA_HOME"); data != nullptr && *data == '/') {
        return std::filesystem::path(data) / "tresor" / "vault.db";
    }
    return home_dir() / ".local" / "share" / "tresor" / "vault.db";
}

std::uint32_t number(const std::string& key, const std::string& text, std::uint32_t min,
                     std::uint32_t max) {
    std::uint32_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
        invalid("parameter '" + key + "' must be an integer from " + std::to_string(min) + " to " +
                std::to_string(max) + ", not '" + text + "'");
    }
    return value;
}

bool boolean(const std::string& key, const std::string& value) {
    if (value != "true" && value != "false") {
        invalid("parameter '" + key + "' must be true or false, not '" + value + "'");
    }
    return value == "true";
}

// The most a vault can ask for: 8 slots of 4096 MiB and 64 passes.
constexpr std::uint32_t kMaxWorkMibPasses = 8 * 4096 * 64;

}  // namespace

Settings settings_from_params(const std::vector<std::pair<std::string, std::string>>& params,
                              StoreKind store) {
    Settings s;
    s.store = store;
    const bool file = store == StoreKind::sqlite_file;
    if (file) {
        s.path = default_path();
    } else {
        s.create = false;
    }
    s.unlock = parse_unlock_spec(kDefaultUnlockSpec);
    bool anchor = !file;
    for (const auto& [key, value] : params) {
        if (key == "path" && file) {
            s.path = value.starts_with("~/") ? home_dir() / value.substr(2)
                                             : std::filesystem::path(value);
        } else if (key == "conninfo" && !file) {
            s.conninfo = value;
        } else if (key == "vault" && !file) {
            if (value.empty()) {
                invalid("parameter 'vault' must not be empty");
            }
            s.vault_name = value;
        } else if (key == "statement_timeout_ms" && !file) {
            s.statement_timeout_ms = number(key, value, 100, 3600 * 1000);
        } else if (key == "admin" && !file) {
            s.admin = parse_admin_identity(value);
        } else if (key == "admin_key" && !file) {
            s.admin_key = value.starts_with("~/") ? home_dir() / value.substr(2)
                                                  : std::filesystem::path(value);
        } else if (key == "anchor") {
            anchor = boolean(key, value);
        } else if (key == "unlock") {
            s.unlock = parse_unlock_spec(value);
        } else if (key == "cache") {
            s.cache_for = parse_cache_duration(value, "parameter 'cache'");
        } else if (key == "create") {
            s.create = boolean(key, value);
        } else if (key == "audit") {
            if (value != "off" && value != "on" && value != "strict") {
                invalid("parameter 'audit' must be off, on or strict, not '" + value + "'");
            }
            s.audit = value == "off"  ? AuditMode::off
                      : value == "on" ? AuditMode::on
                                      : AuditMode::strict;
        } else if (key == "kdf.memory_mib") {
            s.kdf.memory_kib = number(key, value, kMinWriteMemoryKib / 1024, 4096) * 1024;
        } else if (key == "kdf.iterations") {
            s.kdf.iterations = number(key, value, kMinWriteIterations, 64);
        } else if (key == "kdf.parallelism") {
            s.kdf.parallelism = number(key, value, 1, 16);
        } else if (key == "kdf.unlock_ms") {
            s.kdf.unlock_target = std::chrono::milliseconds(number(key, value, 20, 60'000));
        } else if (key == "kdf.max_lanes") {
            s.kdf_limits.max_lanes = number(key, value, 1, 16);
        } else if (key == "kdf.max_memory_mib") {
            s.kdf_limits.max_memory_kib =
                number(key, value, kMinWriteMemoryKib / 1024, 4096) * 1024;
        } else if (key == "kdf.max_work") {
            s.kdf_limits.max_work_kib_passes =
                std::uint64_t{number(key, value, kMinWriteMemoryKib / 1024, kMaxWorkMibPasses)} *
                1024;
        } else {
            invalid("unknown parameter '" + key + "' for plugin " +
                    (file ? "vault (known: path, "
                          : "postgres (known: conninfo, vault, " +
                                std::string("statement_timeout_ms, admin, admin_key, ")) +
                    "anchor, unlock, cache, create, audit, kdf.memory_mib, kdf.iterations, "
                    "kdf.parallelism, kdf.unlock_ms, kdf.max_memory_mib, kdf.max_work, "
                    "kdf.max_lanes)");
        }
    }
    if (anchor) {
        s.anchor = default_anchor_folder();
    }
    // A vault written with kdf.* must open under this reader's own limits.
    check_kdf_request_readable(s.kdf, s.kdf_limits);
    return s;
}

}  // namespace tresor::vault
