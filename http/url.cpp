#include "http/url.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "tresor/error.hpp"

namespace tresor::http {
namespace {

constexpr std::size_t kMaxUrlBytes = 8192;
constexpr std::size_t kMaxHostBytes = 253;
constexpr std::size_t kMaxLabelBytes = 63;

[[noreturn]] void refuse(const std::string& why) {
    throw Error(ErrorCode::invalid_argument, "URL refused: " + why);
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_hex_digit(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hex_value(char c) {
    return is_digit(c) ? c - '0' : lower(c) - 'a' + 10;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// Printable ASCII without space and backslash: the URL standard reads '\'
// as '/' in http(s) URLs and libcurl does not, and a byte above 0x7f is an
// IDN that a resolver may map (NFKC) onto another host.
void check_bytes(std::string_view text) {
    if (text.size() > kMaxUrlBytes) {
        refuse("longer than " + std::to_string(kMaxUrlBytes) + " bytes");
    }
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (b >= 0x80) {
            refuse("non-ASCII characters (give a host in its xn-- form, percent-encode the path)");
        }
        if (b <= 0x20 || b == 0x7f) {
            refuse("spaces or control characters");
        }
        if (c == '\\') {
            refuse("a backslash");
        }
    }
}

// A dotted quad with four decimal parts of 0-255, no leading zeros: the
// only numeric host accepted, since "2130706433", "0x7f.1" or "0177.0.0.1"
// are each read as 127.0.0.1 by some resolvers and as a name by others.
std::optional<std::string> dotted_quad(std::string_view host) {
    const auto parts = split(host, '.');
    if (parts.size() != 4) {
        return std::nullopt;
    }
    for (std::string_view p : parts) {
        if (!all_digits(p) || p.size() > 3 || (p.size() > 1 && p[0] == '0') ||
            std::stoi(std::string(p)) > 255) {
            return std::nullopt;
        }
    }
    return std::string(host);
}

// RFC 4291 text, with an optional dotted quad at the end, to its 16 bytes.
std::optional<std::array<std::uint16_t, 8>> parse_ipv6(std::string_view text) {
    std::array<std::uint16_t, 8> groups{};
    std::vector<std::uint16_t> head, tail;
    bool compressed = false;
    const std::size_t gap = text.find("::");
    std::string_view before = text, after;
    if (gap != std::string_view::npos) {
        compressed = true;
        before = text.substr(0, gap);
        after = text.substr(gap + 2);
        if (after.find("::") != std::string_view::npos) {
            return std::nullopt;
        }
    }
    const auto read = [](std::string_view part, std::vector<std::uint16_t>& out,
                         bool may_end_in_quad) {
        if (part.empty()) {
            return true;
        }
        const auto items = split(part, ':');
        for (std::size_t i = 0; i < items.size(); ++i) {
            const std::string_view item = items[i];
            if (may_end_in_quad && i + 1 == items.size() &&
                item.find('.') != std::string_view::npos) {
                if (!dotted_quad(item)) {
                    return false;
                }
                const auto q = split(item, '.');
                const auto b = [&](int k) {
                    return static_cast<std::uint16_t>(std::stoi(std::string(q[k])));
                };
                out.push_back(static_cast<std::uint16_t>(b(0) << 8 | b(1)));
                out.push_back(static_cast<std::uint16_t>(b(2) << 8 | b(3)));
                continue;
            }
            if (item.empty() || item.size() > 4 ||
                !std::all_of(item.begin(), item.end(), is_hex_digit)) {
                return false;
            }
            std::uint16_t value = 0;
            for (const char c : item) {
                value = static_cast<std::uint16_t>(value << 4 | hex_value(c));
            }
            out.push_back(value);
        }
        return true;
    };
    if (!read(before, head, !compressed) || !read(after, tail, true)) {
        return std::nullopt;
    }
    const std::size_t count = head.size() + tail.size();
    if ((compressed && count > 7) || (!compressed && count != 8)) {
        return std::nullopt;
    }
    std::copy(head.begin(), head.end(), groups.begin());
    std::copy(tail.begin(), tail.end(), groups.end() - static_cast<std::ptrdiff_t>(tail.size()));
    return groups;
}

// RFC 5952: lowercase, no leading zeros, the longest run of two or more
// zero groups (the first of equal runs) as "::".
std::string ipv6_text(const std::array<std::uint16_t, 8>& groups) {
    int best = -1, best_length = 1;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && groups[static_cast<std::size_t>(j)] == 0) {
            ++j;
        }
        if (j - i > best_length) {
            best = i;
            best_length = j - i;
        }
        i = j == i ? i + 1 : j;
    }
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 8; ++i) {
        if (i == best) {
            out += "::";
            i += best_length - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') {
            out += ':';
        }
        const std::uint16_t g = groups[static_cast<std::size_t>(i)];
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            const int digit = (g >> shift) & 0xf;
            if (digit != 0 || started || shift == 0) {
                out += kDigits[digit];
                started = true;
            }
        }
    }
    return out;
}

std::string canonical_name(std::string_view host) {
    if (host.find('%') != std::string_view::npos) {
        refuse("a percent-encoded host");
    }
    std::string out(host.size(), '\0');
    std::transform(host.begin(), host.end(), out.begin(), lower);
    // One trailing dot is kept: it names the same DNS name but another
    // origin (the URL standard's view, and the Host header sent differs).
    const std::string_view name =
        std::string_view(out).substr(0, out.ends_with('.') ? out.size() - 1 : out.size());
    if (name.empty() || name.size() > kMaxHostBytes) {
        refuse("an empty host or one longer than 253 bytes");
    }
    const auto labels = split(name, '.');
    for (std::string_view label : labels) {
        const bool ok = !label.empty() && label.size() <= kMaxLabelBytes && label.front() != '-' &&
                        label.back() != '-' && std::all_of(label.begin(), label.end(), [](char c) {
                            return is_digit(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
                        });
        if (!ok) {
            refuse(
                "a host that is not a DNS name (letters, digits, '-' inside and '_' between dots)");
        }
    }
    // The URL standard reads a host whose last label is a number as IPv4.
    const std::string_view last = labels.back();
    if (all_digits(last) || (last.size() > 1 && last[0] == '0' && last[1] == 'x')) {
        if (out.ends_with('.') || !dotted_quad(name)) {
            refuse("a numeric host that is not a plain dotted quad (a.b.c.d)");
        }
    }
    return out;
}

std::uint16_t default_port(std::string_view scheme) {
    return scheme == "https" ? 443 : 80;
}

}  // namespace

std::vector<std::string_view> split(std::string_view s, char separator) {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        const std::size_t end = s.find(separator, start);
        parts.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

std::string Origin::text() const {
    std::string out = scheme + "://";
    out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != default_port(scheme)) {
        out += ":" + std::to_string(port);
    }
    return out;
}

bool Origin::is_loopback() const {
    return host == "localhost" || host == "::1" ||
           (host.starts_with("127.") && dotted_quad(host).has_value());
}

std::string Url::text() const {
    const std::string host =
        origin.host.find(':') != std::string::npos ? "[" + origin.host + "]" : origin.host;
    return origin.scheme + "://" + host + ":" + std::to_string(origin.port) + target;
}

Url parse_url(std::string_view text) {
    check_bytes(text);
    const std::size_t colon = text.find("://");
    if (colon == std::string_view::npos) {
        refuse("not an absolute URL (scheme://host/...)");
    }
    Url url;
    url.origin.scheme.resize(colon);
    std::transform(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(colon),
                   url.origin.scheme.begin(), lower);
    if (url.origin.scheme != "https" && url.origin.scheme != "http") {
        refuse("only http and https URLs are requested");
    }
    std::string_view rest = text.substr(colon + 3);
    const std::size_t authority_end = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, authority_end);
    rest =
        authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
    if (authority.find('@') != std::string_view::npos) {
        refuse("user information before the host (user@host)");
    }
    std::string_view host = authority, port;
    if (authority.starts_with('[')) {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            refuse("an IPv6 host without its ']'");
        }
        host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty() && !after.starts_with(':')) {
            refuse("text after an IPv6 host");
        }
        port = after.empty() ? after : after.substr(1);
        if (port.empty() && !after.empty()) {
            refuse("an empty port");
        }
        const auto groups = parse_ipv6(host);
        if (!groups) {
            refuse("an IPv6 host that is not an address (zone ids are refused)");
        }
        url.origin.host = ipv6_text(*groups);
    } else {
        const std::size_t port_at = authority.find(':');
        if (port_at != std::string_view::npos) {
            host = authority.substr(0, port_at);
            port = authority.substr(port_at + 1);
            if (port.empty()) {
                refuse("an empty port");
            }
        }
        url.origin.host = canonical_name(host);
    }
    url.origin.port = default_port(url.origin.scheme);
    if (!port.empty()) {
        if (!all_digits(port) || port.size() > 5 || std::stoi(std::string(port)) == 0 ||
            std::stoi(std::string(port)) > 65535) {
            refuse("a port that is not a number from 1 to 65535");
        }
        url.origin.port = static_cast<std::uint16_t>(std::stoi(std::string(port)));
    }
    rest = rest.substr(0, rest.find('#'));  // a fragment is never sent
    for (std::size_t i = rest.find('%'); i != std::string_view::npos; i = rest.find('%', i + 1)) {
        if (i + 2 >= rest.size() || !is_hex_digit(rest[i + 1]) || !is_hex_digit(rest[i + 2])) {
            refuse("a '%' that is not followed by two hex digits");
        }
    }
    url.target = rest.starts_with('/') ? std::string(rest) : "/" + std::string(rest);
    return url;
}

Origin parse_origin(std::string_view text) {
    const std::size_t scheme_end = text.find("://");
    const std::string_view after =
        scheme_end == std::string_view::npos ? text : text.substr(scheme_end + 3);
    const std::size_t path = after.find_first_of("/?#");
    if (path != std::string_view::npos && after.substr(path) != "/") {
        throw Error(ErrorCode::invalid_argument,
                    "an origin is scheme://host[:port], without a path, query or fragment");
    }
    return parse_url(text).origin;
}

std::vector<Origin> parse_origin_list(std::string_view text) {
    std::vector<Origin> out;
    for (std::string_view item : split(text, ' ')) {
        if (!item.empty()) {
            out.push_back(parse_origin(item));
        }
    }
    if (out.empty()) {
        throw Error(ErrorCode::invalid_argument, "no origin given");
    }
    return out;
}

}  // namespace tresor::http
