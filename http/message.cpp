#include "http/message.hpp"

#include <algorithm>
#include <array>

#include "tresor/error.hpp"

namespace tresor::http {
namespace {

constexpr std::size_t kMaxHeaderNameBytes = 256;
constexpr std::size_t kMaxHeaderValueBytes = 8192;
constexpr std::string_view kRedacted = "[REDACTED]";

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

template <typename Text>
std::string_view text_of(const Text& text) {
    return {reinterpret_cast<const char*>(text.data()), text.size()};
}

// A plain search: needles and most texts (header values) are short, so
// building a searcher's tables would cost more than it saves.
template <typename Text>
bool redact_text(Text& text, std::span<const Secret> needles) {
    std::vector<const Secret*> order;
    order.reserve(needles.size());
    for (const Secret& n : needles) {
        if (!n.empty()) {
            order.push_back(&n);
        }
    }
    const auto longer = [](const Secret* a, const Secret* b) { return a->size() > b->size(); };
    if (!std::is_sorted(order.begin(), order.end(), longer)) {  // callers usually sort once
        std::stable_sort(order.begin(), order.end(), longer);
    }
    bool replaced = false;
    for (const Secret* needle : order) {
        const std::string_view n = needle->view();
        std::size_t at = text_of(text).find(n);
        if (at == std::string_view::npos) {
            continue;
        }
        Text out;
        std::size_t from = 0;
        for (; at != std::string_view::npos; at = text_of(text).find(n, from)) {
            out.insert(out.end(), text.begin() + static_cast<std::ptrdiff_t>(from),
                       text.begin() + static_cast<std::ptrdiff_t>(at));
            out.insert(out.end(), kRedacted.begin(), kRedacted.end());
            from = at + n.size();
        }
        out.insert(out.end(), text.begin() + static_cast<std::ptrdiff_t>(from), text.end());
        text.swap(out);  // the old bytes go with `out`: wiped for SecureBytes
        replaced = true;
    }
    return replaced;
}

}  // namespace

bool is_token(std::string_view s) {
    constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
    return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               kSpecials.find(c) != std::string_view::npos;
    });
}

bool same_header_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

void check_header(std::string_view name, std::string_view value) {
    if (!is_token(name) || name.size() > kMaxHeaderNameBytes) {
        throw Error(ErrorCode::invalid_argument,
                    "a header name must be an HTTP token of at most 256 bytes");
    }
    const bool clean = value.size() <= kMaxHeaderValueBytes &&
                       std::none_of(value.begin(), value.end(), [](char c) {
                           const auto b = static_cast<unsigned char>(c);
                           return (b < 0x20 && c != '\t') || b == 0x7f;
                       });
    if (!clean) {
        throw Error(ErrorCode::invalid_argument,
                    "header '" + std::string(name) +
                        "': its value holds CR, LF, NUL or another control character, or is "
                        "longer than 8 KiB");
    }
}

bool is_reserved_header(std::string_view name) {
    static constexpr std::array<std::string_view, 14> kReserved = {"host",
                                                                   "authorization",
                                                                   "proxy-authorization",
                                                                   "content-length",
                                                                   "transfer-encoding",
                                                                   "connection",
                                                                   "keep-alive",
                                                                   "proxy-connection",
                                                                   "te",
                                                                   "trailer",
                                                                   "upgrade",
                                                                   "expect",
                                                                   "accept-encoding",
                                                                   "http2-settings"};
    return std::any_of(kReserved.begin(), kReserved.end(),
                       [&](std::string_view r) { return same_header_name(r, name); });
}

std::optional<int> add_header_line(std::string_view line, std::vector<Header>& headers) {
    while (line.ends_with('\n') || line.ends_with('\r')) {
        line.remove_suffix(1);
    }
    if (line.starts_with("HTTP/")) {
        headers.clear();
        const std::size_t space = line.find(' ');
        const std::string_view code =
            space == std::string_view::npos ? std::string_view() : line.substr(space + 1, 3);
        if (code.size() == 3 &&
            std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            return (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
        }
        return 0;
    }
    if (line.empty()) {
        return std::nullopt;
    }
    if (line[0] == ' ' || line[0] == '\t') {
        if (!headers.empty()) {
            headers.back().value += " ";
            headers.back().value += trim(line);
        }
        return std::nullopt;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
        return std::nullopt;
    }
    headers.push_back(
        {std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1)))});
    return std::nullopt;
}

bool redact(SecureBytes& text, std::span<const Secret> needles) {
    return redact_text(text, needles);
}

bool redact(std::string& text, std::span<const Secret> needles) {
    return redact_text(text, needles);
}

void add_needle_forms(std::string_view secret, std::vector<Secret>& out) {
    if (secret.empty()) {
        return;
    }
    out.emplace_back(secret);
    const bool plain = std::none_of(secret.begin(), secret.end(), [](char c) {
        return c == '"' || c == '\\' || c == '/' || static_cast<unsigned char>(c) < 0x20;
    });
    if (plain) {
        return;  // every JSON encoder writes it as it is
    }
    SecureBytes escaped;
    escaped.reserve(secret.size() * 2);
    static constexpr char kHex[] = "0123456789abcdef";
    const auto put = [&escaped](std::string_view s) {
        escaped.insert(escaped.end(), s.begin(), s.end());
    };
    for (const char c : secret) {
        const auto b = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            put(c == '"' ? "\\\"" : "\\\\");
        } else if (b < 0x20) {
            const char u[] = {'\\', 'u', '0', '0', kHex[b >> 4], kHex[b & 0xf]};
            put({u, sizeof(u)});
        } else {
            escaped.push_back(b);
        }
    }
    // Some encoders also escape '/' ("\/"), as PHP's json_encode does.
    SecureBytes slashes;
    slashes.reserve(escaped.size() * 2);
    for (const std::uint8_t b : escaped) {
        if (b == '/') {
            slashes.push_back('\\');
        }
        slashes.push_back(b);
    }
    for (SecureBytes* form : {&escaped, &slashes}) {
        const std::string_view text(reinterpret_cast<const char*>(form->data()), form->size());
        if (std::none_of(out.begin(), out.end(),
                         [&](const Secret& s) { return s.view() == text; })) {
            out.emplace_back(std::move(*form));
        }
    }
}

}  // namespace tresor::http
