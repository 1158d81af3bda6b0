#include "cli/git_credential.hpp"

#include <algorithm>
#include <charconv>

#include "tresor/error.hpp"

namespace tresor::cli {
namespace {

std::optional<std::int64_t> parse_unix_seconds(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
        return std::nullopt;
    }
    return value;
}

// git_config_bool's words; anything else is false (git would refuse it).
bool git_bool(std::string_view text) {
    for (std::string_view yes : {"true", "yes", "on", "1"}) {
        if (text.size() == yes.size() &&
            std::equal(text.begin(), text.end(), yes.begin(), [](char a, char b) {
                return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
            })) {
            return true;
        }
    }
    return false;
}

// "key[]=value" appends to the list; "key[]=" clears it.
void add_to_list(std::vector<std::string>& list, std::string_view value) {
    if (value.empty()) {
        list.clear();
    } else {
        list.emplace_back(value);
    }
}

std::string service_for(std::string_view prefix, const GitCredential& c) {
    if (c.host.empty() && c.path.empty()) {
        return "";
    }
    std::string service = std::string(prefix) + c.protocol + "://" + c.host;
    if (!c.path.empty()) {
        service += "/" + c.path;
    }
    return service;
}

}  // namespace

GitCredential parse_git_credential(std::span<const std::uint8_t> request) {
    const std::string_view text(reinterpret_cast<const char*>(request.data()), request.size());
    GitCredential c;
    std::size_t line_number = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t end = std::min(text.find('\n', pos), text.size());
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_number;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty()) {
            break;  // the end of the request
        }
        const std::size_t eq = line.find('=');
        if (eq == std::string_view::npos) {
            throw Error(ErrorCode::invalid_argument,
                        "line " + std::to_string(line_number) + " of the request has no '='");
        }
        const std::string_view key = line.substr(0, eq);
        const std::string_view value = line.substr(eq + 1);
        if (value.find('\0') != std::string_view::npos) {
            throw Error(ErrorCode::invalid_argument,
                        "line " + std::to_string(line_number) + " of the request holds a NUL byte");
        }
        if (key == "protocol") {
            c.protocol = value;
        } else if (key == "host") {
            c.host = value;
        } else if (key == "path") {
            c.path = value;
        } else if (key == "username") {
            c.username.emplace(value);
        } else if (key == "password") {
            c.password.emplace(value);
        } else if (key == "oauth_refresh_token") {
            c.oauth_refresh_token.emplace(value);
        } else if (key == "password_expiry_utc") {
            // git drops an expiry it cannot read; so does tresor.
            c.password_expiry_utc = parse_unix_seconds(value);
        } else if (key == "capability[]") {
            add_to_list(c.capabilities, value);
        } else if (key == "authtype") {
            c.authtype = value;
        } else if (key == "credential") {
            c.credential.emplace(value);
        } else if (key == "ephemeral") {
            c.ephemeral = git_bool(value);
        } else if (key == "state[]") {
            add_to_list(c.state, value);
        }
    }
    return c;
}

bool GitCredential::understands(std::string_view capability) const {
    return std::find(capabilities.begin(), capabilities.end(), capability) != capabilities.end();
}

std::string git_name(std::string_view username) {
    if (username == kNoUsername) {
        throw Error(ErrorCode::invalid_argument,
                    "the username '" + std::string(kNoUsername) +
                        "' is reserved: it is how tresor names an empty one");
    }
    return username.empty() ? std::string(kNoUsername) : std::string(username);
}

std::string_view git_username(std::string_view name) {
    return name == kNoUsername ? std::string_view() : name;
}

std::string git_service(const GitCredential& credential) {
    return service_for("git:", credential);
}

std::string git_refresh_service(const GitCredential& credential) {
    return service_for("git-oauth-refresh:", credential);
}

void append_git_attribute(SecureBytes& out, std::string_view key, std::string_view value) {
    if (value.find_first_of(std::string_view("\n\0", 2)) != std::string_view::npos) {
        throw Error(ErrorCode::invalid_argument,
                    "the stored " + std::string(key) +
                        " holds a newline or NUL byte, which git's protocol cannot carry");
    }
    out.insert(out.end(), key.begin(), key.end());
    out.push_back('=');
    out.insert(out.end(), value.begin(), value.end());
    out.push_back('\n');
}

}  // namespace tresor::cli
