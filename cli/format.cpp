#include "cli/format.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace tresor::cli {
namespace {

// Reads exactly `digits` decimal digits at pos; from_chars alone would also
// take a sign ("-001").
bool read_number(std::string_view text, std::size_t& pos, std::size_t digits, int& out) {
    if (pos + digits > text.size()) {
        return false;
    }
    const char* begin = text.data() + pos;
    if (!std::all_of(begin, begin + digits, [](char c) { return c >= '0' && c <= '9'; })) {
        return false;
    }
    auto [end, ec] = std::from_chars(begin, begin + digits, out);
    if (ec != std::errc() || end != begin + digits) {
        return false;
    }
    pos += digits;
    return true;
}

// The UTC offsets in use run from -12:00 to +14:00.
constexpr int kMaxOffsetMinutes = 14 * 60;

bool expect(std::string_view text, std::size_t& pos, char c) {
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

}  // namespace

std::string format_time(const std::optional<Timestamp>& t) {
    if (!t) {
        return "";
    }
    const auto day = std::chrono::floor<std::chrono::days>(*t);
    const std::chrono::year_month_day ymd(day);
    const std::chrono::hh_mm_ss hms(*t - day);
    char text[32];
    std::snprintf(text, sizeof(text), "%04d-%02u-%02uT%02d:%02d:%02dZ",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                  static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
    return text;
}

Timestamp parse_time(std::string_view text) {
    const auto invalid = [&] {
        return Error(ErrorCode::invalid_argument,
                     "'" + std::string(text) +
                         "' is not an ISO 8601 time (e.g. 2027-01-31 or 2027-01-31T12:00:00Z)");
    };
    std::size_t pos = 0;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!read_number(text, pos, 4, year) || !expect(text, pos, '-') ||
        !read_number(text, pos, 2, month) || !expect(text, pos, '-') ||
        !read_number(text, pos, 2, day)) {
        throw invalid();
    }
    if (expect(text, pos, 'T') || expect(text, pos, ' ')) {
        if (!read_number(text, pos, 2, hour) || !expect(text, pos, ':') ||
            !read_number(text, pos, 2, minute)) {
            throw invalid();
        }
        if (expect(text, pos, ':') && !read_number(text, pos, 2, second)) {
            throw invalid();
        }
    }
    int offset_minutes = 0;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        const int sign = text[pos++] == '-' ? -1 : 1;
        int oh = 0, om = 0;
        if (!read_number(text, pos, 2, oh) || !expect(text, pos, ':') ||
            !read_number(text, pos, 2, om)) {
            throw invalid();
        }
        if (om > 59 || oh * 60 + om > kMaxOffsetMinutes) {
            throw invalid();
        }
        offset_minutes = sign * (oh * 60 + om);
    } else {
        (void)expect(text, pos, 'Z');
    }
    const std::chrono::year_month_day ymd{std::chrono::year(year),
                                          std::chrono::month(static_cast<unsigned>(month)),
                                          std::chrono::day(static_cast<unsigned>(day))};
    if (pos != text.size() || year < 1 || !ymd.ok() || hour > 23 || minute > 59 || second > 60) {
        throw invalid();
    }
    return std::chrono::sys_days(ymd) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
           std::chrono::seconds(second) - std::chrono::minutes(offset_minutes);
}

bool is_valid_utf8(std::string_view text) noexcept {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        for (std::size_t k = 1; k <= extra; ++k) {
            if (i + k >= text.size()) {
                return false;
            }
            const auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Overlong forms, surrogates and values past Unicode are not UTF-8.
        static constexpr std::uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMinimum[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += extra + 1;
    }
    return true;
}

std::string json_string(std::string_view text) {
    const bool utf8 = is_valid_utf8(text);
    std::string out = "\"";
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7F || (!utf8 && c >= 0x80)) {
            char escaped[8];
            std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
            out += escaped;
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

}  // namespace tresor::cli
