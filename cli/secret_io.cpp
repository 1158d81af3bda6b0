#include "cli/secret_io.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/terminal.hpp"
#include "tresor/error.hpp"

namespace tresor::cli {

Secret read_secret_input(const std::string& prompt, bool raw) {
    if (::isatty(STDIN_FILENO) == 1) {
        if (auto line = core::read_hidden_line(prompt)) {
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

SecureBytes read_all_stdin() {
    SecureBytes bytes;
    std::uint8_t chunk[4096];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            const int error = errno;
            ::explicit_bzero(chunk, sizeof(chunk));
            throw Error(ErrorCode::io,
                        std::string("cannot read the secret from stdin: ") + std::strerror(error));
        }
        if (n == 0) {
            break;
        }
        bytes.insert(bytes.end(), chunk, chunk + n);
    }
    ::explicit_bzero(chunk, sizeof(chunk));
    return bytes;
}

void write_stdout(std::span<const std::uint8_t> bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(STDOUT_FILENO, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            throw Error(ErrorCode::io, "cannot write to stdout");
        }
        done += static_cast<std::size_t>(n);
    }
}

void write_stdout(std::string_view text) {
    write_stdout({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

}  // namespace tresor::cli
