#include "cli/systemd_credential.hpp"

namespace tresor::cli {
namespace {

constexpr std::size_t kMaxNameBytes = 255;  // systemd's UNIT_NAME_MAX and NAME_MAX, less the NUL

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_random_part(std::string_view text) {
    if (text.empty() || text.size() > 16) {
        return false;
    }
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

}  // namespace

bool valid_unit_name(std::string_view unit) {
    if (unit.empty() || unit.size() > kMaxNameBytes) {
        return false;
    }
    for (const char c : unit) {
        if (!is_alnum(c) && std::string_view(":-_.\\@").find(c) == std::string_view::npos) {
            return false;
        }
    }
    const std::size_t dot = unit.rfind('.');
    return dot != std::string_view::npos && dot > 0 && dot + 1 < unit.size();
}

bool valid_credential_id(std::string_view credential) {
    if (credential.empty() || credential.size() > kMaxNameBytes || credential == "." ||
        credential == "..") {
        return false;
    }
    for (const char c : credential) {
        if (c < 0x20 || c > 0x7e || c == '/' || c == ':') {
            return false;
        }
    }
    return true;
}

std::optional<CredentialRequest> parse_credential_request(std::string_view address) {
    // Abstract: a NUL, then the name, which has none (systemd writes it
    // from a C string).
    if (address.size() < 2 || address[0] != '\0') {
        return std::nullopt;
    }
    std::string_view name = address.substr(1);
    if (name.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    const std::size_t slash = name.find('/');
    constexpr std::string_view kUnit = "/unit/";
    if (slash == std::string_view::npos || !is_random_part(name.substr(0, slash)) ||
        name.substr(slash, kUnit.size()) != kUnit) {
        return std::nullopt;
    }
    name.remove_prefix(slash + kUnit.size());
    const std::size_t end_of_unit = name.find('/');
    if (end_of_unit == std::string_view::npos) {
        return std::nullopt;
    }
    CredentialRequest request{std::string(name.substr(0, end_of_unit)),
                              std::string(name.substr(end_of_unit + 1))};
    if (!valid_unit_name(request.unit) || !valid_credential_id(request.credential)) {
        return std::nullopt;
    }
    return request;
}

}  // namespace tresor::cli
