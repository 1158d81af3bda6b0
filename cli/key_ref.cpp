#include "cli/key_ref.hpp"

namespace tresor::cli {
namespace {

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

}  // namespace tresor::cli
