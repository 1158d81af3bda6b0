#include "cli/secret_io.hpp"

#include <array>

#include "platform/secure_memory.hpp"
#include "platform/terminal.hpp"
#include "tresor/error.hpp"

namespace tresor::cli {

Secret read_secret_input(const std::string& prompt, bool raw) {
    if (platform::stdin_is_terminal()) {
        if (auto line = platform::read_hidden_line(prompt)) {
            return Secret(std::move(*line));
        }
    }
    SecureBytes bytes = read_all_stdin();
    if (!raw && !bytes.empty() && bytes.back() == '\n') {
        bytes.pop_back();
        if (!bytes.empty() && bytes.back() == '\r') {
            bytes.pop_back();
        }
    }
    return Secret(std::move(bytes));
}

SecureBytes read_all_stdin(std::size_t max_bytes) {
    SecureBytes bytes;
    std::array<std::uint8_t, 4096> chunk;
    struct Wipe {
        std::array<std::uint8_t, 4096>& buffer;
        ~Wipe() { platform::wipe(buffer.data(), buffer.size()); }
    } wipe{chunk};
    while (const std::size_t n = platform::read_stdin(chunk)) {
        if (n > max_bytes - bytes.size()) {
            throw Error(ErrorCode::io,
                        "cannot read stdin: more than " + std::to_string(max_bytes) + " bytes");
        }
        bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
    }
    return bytes;
}

void write_stdout(std::span<const std::uint8_t> bytes) {
    platform::write_stdout(bytes);
}

void write_stdout(std::string_view text) {
    write_stdout({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

}  // namespace tresor::cli
