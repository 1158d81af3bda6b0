#include "plugins/wincred/target_name.hpp"

namespace tresor::wincred {

std::string escape_part(std::string_view part) {
    std::string out;
    out.reserve(part.size());
    for (const char c : part) {
        switch (c) {
            case '%':
                out += "%25";
                break;
            case '/':
                out += "%2F";
                break;
            case '*':
                out += "%2A";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::optional<std::string> unescape_part(std::string_view escaped) {
    std::string out;
    out.reserve(escaped.size());
    for (std::size_t i = 0; i < escaped.size(); ++i) {
        const char c = escaped[i];
        if (c == '/' || c == '*') {
            return std::nullopt;  // never left bare by escape_part
        }
        if (c != '%') {
            out += c;
            continue;
        }
        const std::string_view code = escaped.substr(i + 1, 2);
        if (code == "25") {
            out += '%';
        } else if (code == "2F") {
            out += '/';
        } else if (code == "2A") {
            out += '*';
        } else {
            return std::nullopt;
        }
        i += 2;
    }
    return out;
}

std::string target_name(std::string_view service, std::string_view name) {
    return std::string(kTargetPrefix) + escape_part(service) + "/" + escape_part(name);
}

std::string service_filter(std::string_view service) {
    return std::string(kTargetPrefix) + escape_part(service) + "/*";
}

std::string all_filter() {
    return std::string(kTargetPrefix) + "*";
}

std::optional<std::pair<std::string, std::string>> parse_target_name(std::string_view target) {
    if (!target.starts_with(kTargetPrefix)) {
        return std::nullopt;
    }
    target.remove_prefix(kTargetPrefix.size());
    const auto slash = target.find('/');
    if (slash == std::string_view::npos) {
        return std::nullopt;
    }
    auto service = unescape_part(target.substr(0, slash));
    auto name = unescape_part(target.substr(slash + 1));
    if (!service || !name || service->empty() || name->empty()) {
        return std::nullopt;
    }
    return std::pair{std::move(*service), std::move(*name)};
}

}  // namespace tresor::wincred
