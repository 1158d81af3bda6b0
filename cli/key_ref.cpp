#include "cli/key_ref.hpp"

#include <algorithm>
#include <array>

namespace tresor::cli {
namespace {

// Read by the dynamic loader or libc before the program runs (glibc's
// "unsecure" variables, which it drops for set-user-ID programs; LD_* and
// DYLD_* as a whole), or by a shell as it starts.
constexpr std::array<std::string_view, 21> kLoaderAndShellVariables = {
    "GCONV_PATH",  "GETCONF_DIR",  "GLIBC_TUNABLES", "HOSTALIASES",    "LOCALDOMAIN",
    "LOCPATH",     "MALLOC_TRACE", "NIS_PATH",       "NLSPATH",        "RESOLV_HOST_CONF",
    "RES_OPTIONS", "TMPDIR",       "TZDIR",          "BASHOPTS",       "BASH_ENV",
    "ENV",         "IFS",          "PATH",           "PROMPT_COMMAND", "PS4",
    "SHELLOPTS"};

bool is_loader_or_shell_variable(std::string_view name) {
    return name.starts_with("LD_") || name.starts_with("DYLD_") ||
           std::find(kLoaderAndShellVariables.begin(), kLoaderAndShellVariables.end(), name) !=
               kLoaderAndShellVariables.end();
}

bool valid_env_name(std::string_view name) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) {
        return false;
    }
    for (char c : name) {
        const bool ok =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

}  // namespace

Key parse_key_ref(std::string_view text) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) {
        throw Error(ErrorCode::invalid_argument,
                    "expected SERVICE/NAME, got '" + std::string(text) + "'");
    }
    return {std::string(text.substr(0, slash)), std::string(text.substr(slash + 1))};
}

EnvBinding parse_env_binding(std::string_view text) {
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) {
        throw Error(ErrorCode::invalid_argument,
                    "expected VAR=SERVICE/NAME, got '" + std::string(text) + "'");
    }
    const std::string_view variable = text.substr(0, equals);
    if (!valid_env_name(variable)) {
        throw Error(ErrorCode::invalid_argument,
                    "'" + std::string(variable) +
                        "' is not a valid environment variable name (letters, digits, '_')");
    }
    return {std::string(variable), parse_key_ref(text.substr(equals + 1))};
}

std::string entry_variable_name(std::string_view prefix, std::string_view name) {
    if (!prefix.empty() && !valid_env_name(prefix)) {
        throw Error(ErrorCode::invalid_argument,
                    "--prefix '" + std::string(prefix) +
                        "' is not the start of a valid variable name (letters, digits, '_')");
    }
    std::string mapped;
    bool in_run = false;  // of bytes that are neither letters, digits nor '_'
    for (const char c : name) {
        const bool kept = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (c >= 'a' && c <= 'z') {
            mapped.push_back(static_cast<char>(c - 'a' + 'A'));
        } else if (kept) {
            mapped.push_back(c);
        } else if (!in_run) {
            mapped.push_back('_');
        }
        in_run = !kept && !(c >= 'a' && c <= 'z');
    }
    std::string variable(prefix);
    if (variable.empty() && (mapped.empty() || (mapped[0] >= '0' && mapped[0] <= '9'))) {
        variable.push_back('_');
    }
    variable += mapped;
    if (is_loader_or_shell_variable(variable)) {
        throw Error(ErrorCode::invalid_argument,
                    "'" + variable +
                        "' changes how programs load or shells start: bind it with --env if "
                        "you mean it, or give --prefix");
    }
    return variable;
}

}  // namespace tresor::cli
