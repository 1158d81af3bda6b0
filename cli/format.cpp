#include "cli/format.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "core/base64.hpp"

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

// The length of the UTF-8 sequence at text[i], its code point in cp; 0 when
// the bytes there are not UTF-8.
std::size_t utf8_sequence(std::string_view text, std::size_t i, std::uint32_t& cp) noexcept {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    if (c < 0x80) {
        cp = c;
        return 1;
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
        return 0;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
        if (i + k >= text.size()) {
            return 0;
        }
        const auto cc = static_cast<unsigned char>(text[i + k]);
        if ((cc & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past Unicode are not UTF-8.
    static constexpr std::uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinimum[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return extra + 1;
}

// C0, DEL and C1: a terminal acts on them (ESC starts a command, CR returns
// to the line's start) instead of showing them.
bool is_control(std::uint32_t cp) noexcept {
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

// prefix, then `digits` lowercase hex digits of value: "\x1b", "\u009b".
std::string escaped(std::string_view prefix, std::uint32_t value, int digits) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(prefix);
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
        out += kHex[(value >> shift) & 0xF];
    }
    return out;
}

}  // namespace

std::string format_time(const std::optional<Timestamp>& t) {
    if (!t) {
        return "";
    }
    // std::chrono's year holds only +-32767 and its conversions would
    // overflow for the far future a backend may hold (INT64_MAX seconds):
    // the civil date is computed here in 64 bits (Hinnant's days_to_civil).
    const std::int64_t seconds = t->time_since_epoch().count();
    std::int64_t days = seconds / 86400;
    std::int64_t second_of_day = seconds % 86400;
    if (second_of_day < 0) {
        second_of_day += 86400;
        --days;
    }
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t day_of_era = z - era * 146097;
    const std::int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const std::int64_t day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const std::int64_t mp = (5 * day_of_year + 2) / 153;
    const std::int64_t day = day_of_year - (153 * mp + 2) / 5 + 1;
    const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
    // Years past 9999 (or before 1) in ISO 8601's expanded form, with a sign.
    const char* year_format = year > 9999 ? "+%lld" : year < 0 ? "%05lld" : "%04lld";
    char text[64];
    const int n = std::snprintf(text, sizeof(text), year_format, static_cast<long long>(year));
    std::snprintf(text + n, sizeof(text) - static_cast<std::size_t>(n),
                  "-%02lld-%02lldT%02lld:%02lld:%02lldZ", static_cast<long long>(month),
                  static_cast<long long>(day), static_cast<long long>(second_of_day / 3600),
                  static_cast<long long>(second_of_day / 60 % 60),
                  static_cast<long long>(second_of_day % 60));
    return text;
}

Timestamp parse_time(std::string_view text) {
    const auto invalid = [&] {
        return Error(ErrorCode::invalid_argument,
                     "'" + std::string(text) +
                         "' is not an ISO 8601 time (RFC 3339: 2027-01-31, "
                         "2027-01-31T12:00:00Z, 2027-01-31T12:00:00.000+01:00)");
    };
    std::size_t pos = 0;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!read_number(text, pos, 4, year) || !expect(text, pos, '-') ||
        !read_number(text, pos, 2, month) || !expect(text, pos, '-') ||
        !read_number(text, pos, 2, day)) {
        throw invalid();
    }
    // RFC 3339 (5.6) allows a lowercase t and z, and a space for the T.
    if (expect(text, pos, 'T') || expect(text, pos, 't') || expect(text, pos, ' ')) {
        if (!read_number(text, pos, 2, hour) || !expect(text, pos, ':') ||
            !read_number(text, pos, 2, minute)) {
            throw invalid();
        }
        if (expect(text, pos, ':')) {
            if (!read_number(text, pos, 2, second)) {
                throw invalid();
            }
            // time-secfrac: any number of digits, dropped (times are whole
            // seconds), as JavaScript's toISOString() writes milliseconds.
            if (expect(text, pos, '.')) {
                const std::size_t digits = pos;
                while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
                    ++pos;
                }
                if (pos == digits) {
                    throw invalid();
                }
            }
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
    } else if (!expect(text, pos, 'Z')) {
        (void)expect(text, pos, 'z');
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
    std::uint32_t cp = 0;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = utf8_sequence(text, i, cp);
        if (n == 0) {
            return false;
        }
        i += n;
    }
    return true;
}

std::string display_text(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        std::uint32_t cp = 0;
        const std::size_t n = utf8_sequence(text, i, cp);
        if (n == 0) {
            out += escaped("\\x", static_cast<unsigned char>(text[i]), 2);
            ++i;
            continue;
        }
        if (cp == '\\') {
            out += "\\\\";
        } else if (is_control(cp)) {
            out += cp < 0x80 ? escaped("\\x", cp, 2) : escaped("\\u", cp, 4);
        } else {
            out.append(text.substr(i, n));
        }
        i += n;
    }
    return out;
}

std::string display_key(const Key& key) {
    return display_text(key.service) + "/" + display_text(key.name);
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
    std::string out;
    core::append_base64(out, bytes);
    return out;
}

}  // namespace tresor::cli
