#include "cli/ci_mask.hpp"

#include <string_view>

#include "platform/paths.hpp"
#include "platform/terminal.hpp"
#include "tresor/secret.hpp"

namespace tresor::cli {
namespace {

bool on_github_actions() {
    return platform::environment_variable("GITHUB_ACTIONS") == "true";
}

// The runner ignores a mask of blanks only (and would mask every space).
bool blank(std::span<const std::uint8_t> line) {
    for (std::uint8_t c : line) {
        if (c != ' ' && c != '\t' && c != '\f' && c != '\v') {
            return false;
        }
    }
    return true;
}

void append_mask_line(SecureBytes& out, std::span<const std::uint8_t> line) {
    constexpr std::string_view kCommand = "::add-mask::";
    out.insert(out.end(), kCommand.begin(), kCommand.end());
    for (std::uint8_t c : line) {
        if (c == '%') {
            constexpr std::string_view kEscaped = "%25";
            out.insert(out.end(), kEscaped.begin(), kEscaped.end());
        } else {
            out.push_back(c);
        }
    }
    out.push_back('\n');
}

}  // namespace

void mask_in_ci_log(std::span<const std::uint8_t> value) {
    if (!on_github_actions()) {
        return;
    }
    SecureBytes lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= value.size(); ++i) {
        if (i == value.size() || value[i] == '\n' || value[i] == '\r') {
            const auto line = value.subspan(start, i - start);
            if (!blank(line)) {
                append_mask_line(lines, line);
            }
            start = i + 1;
        }
    }
    platform::write_stderr(lines);
}

}  // namespace tresor::cli
