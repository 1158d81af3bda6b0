// Route globs (docs/CONFIG.md): the fnmatch(3) syntax without flags, written
// here because the pattern language belongs to tresor's config format, not
// to the operating system (Windows has no fnmatch). Bytes, as fnmatch in the
// C locale: '*' any run (also '/'), '?' one byte, '[...]' a set with ranges,
// '!' or '^' negation and [:class:] names, '\' quotes the next character
// (one that ends the pattern matches nothing); a '[' without its ']' is an
// ordinary character.
#include <cctype>
#include <optional>
#include <utility>

#include "conf/config.hpp"

namespace tresor::conf {
namespace {

bool is_blank(int c) {
    return c == ' ' || c == '\t';
}

bool in_class(std::string_view name, unsigned char c) {
    static constexpr std::pair<std::string_view, int (*)(int)> kClasses[] = {
        {"alnum", [](int x) { return std::isalnum(x); }},
        {"alpha", [](int x) { return std::isalpha(x); }},
        {"blank", [](int x) { return static_cast<int>(is_blank(x)); }},
        {"cntrl", [](int x) { return std::iscntrl(x); }},
        {"digit", [](int x) { return std::isdigit(x); }},
        {"graph", [](int x) { return std::isgraph(x); }},
        {"lower", [](int x) { return std::islower(x); }},
        {"print", [](int x) { return std::isprint(x); }},
        {"punct", [](int x) { return std::ispunct(x); }},
        {"space", [](int x) { return std::isspace(x); }},
        {"upper", [](int x) { return std::isupper(x); }},
        {"xdigit", [](int x) { return std::isxdigit(x); }}};
    for (const auto& [class_name, test] : kClasses) {
        if (name == class_name) {
            return test(c) != 0;
        }
    }
    return false;
}

struct SetMatch {
    bool matched;
    std::size_t end;  // index in the pattern just past the closing ']'
};

// The bracket expression starting at pattern[at] == '[', matched against c;
// empty when it has no closing ']'.
std::optional<SetMatch> match_set(std::string_view p, std::size_t at, unsigned char c) {
    std::size_t i = at + 1;
    const bool negated = i < p.size() && (p[i] == '!' || p[i] == '^');
    if (negated) {
        ++i;
    }
    bool matched = false;
    bool first = true;
    while (i < p.size() && (first || p[i] != ']')) {
        first = false;
        if (p[i] == '[' && i + 1 < p.size() && p[i + 1] == ':') {
            const auto close = p.find(":]", i + 2);
            if (close == std::string_view::npos) {
                return std::nullopt;
            }
            matched = matched || in_class(p.substr(i + 2, close - i - 2), c);
            i = close + 2;
            continue;
        }
        if (p[i] == '\\' && i + 1 < p.size()) {
            ++i;
        }
        unsigned char low = static_cast<unsigned char>(p[i]);
        unsigned char high = low;
        if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
            std::size_t h = i + 2;
            if (p[h] == '\\' && h + 1 < p.size()) {
                ++h;
            }
            high = static_cast<unsigned char>(p[h]);
            i = h;
        }
        matched = matched || (low <= c && c <= high);
        ++i;
    }
    if (i >= p.size()) {
        return std::nullopt;
    }
    return SetMatch{matched != negated, i + 1};
}

}  // namespace

bool route_glob_matches(std::string_view pattern, std::string_view text) {
    std::size_t p = 0;
    std::size_t t = 0;
    // Where to resume after the last '*': its pattern position and the text
    // position it has been stretched to (one backtracking point suffices).
    std::optional<std::pair<std::size_t, std::size_t>> star;
    while (t < text.size()) {
        if (p < pattern.size()) {
            const char pc = pattern[p];
            if (pc == '*') {
                star = {{++p, t}};
                continue;
            }
            const auto c = static_cast<unsigned char>(text[t]);
            if (pc == '?') {
                ++p;
                ++t;
                continue;
            }
            if (pc == '[') {
                if (const auto set = match_set(pattern, p, c)) {
                    if (set->matched) {
                        p = set->end;
                        ++t;
                        continue;
                    }
                } else if (c == '[') {  // no ']': a literal '['
                    ++p;
                    ++t;
                    continue;
                }
            } else {
                // '\' quotes the next character; a '\' that ends the
                // pattern matches nothing (as in glibc).
                const std::size_t literal = pc == '\\' ? p + 1 : p;
                if (literal < pattern.size() && static_cast<unsigned char>(pattern[literal]) == c) {
                    p = literal + 1;
                    ++t;
                    continue;
                }
            }
        }
        if (!star) {
            return false;
        }
        p = star->first;
        t = ++star->second;
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

}  // namespace tresor::conf
