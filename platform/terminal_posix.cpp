// platform/terminal.hpp on POSIX (Linux): /dev/tty with termios, fds 0 and 1.
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/terminal.hpp"
#include "tresor/error.hpp"

namespace tresor::platform {
namespace {

// Restores the terminal's echo on every exit path, including exceptions.
class EchoOff {
  public:
    explicit EchoOff(int fd) : fd_(fd) {
        if (::tcgetattr(fd_, &saved_) == 0) {
            termios quiet = saved_;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            quiet.c_lflag |= ECHONL;
            active_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
        }
    }
    ~EchoOff() {
        if (active_) {
            ::tcsetattr(fd_, TCSAFLUSH, &saved_);
        }
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

  private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    [[nodiscard]] int get() const { return fd_; }

  private:
    int fd_;
};

void write_all(int fd, std::span<const std::uint8_t> bytes, const char* stream) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            throw Error(ErrorCode::io, std::string("cannot write to ") + stream);
        }
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

std::optional<SecureBytes> read_hidden_line(std::string_view prompt) {
    Fd tty(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (tty.get() < 0) {
        return std::nullopt;
    }
    EchoOff echo_off(tty.get());
    if (::write(tty.get(), prompt.data(), prompt.size()) < 0) {
        throw Error(ErrorCode::io, "cannot write the prompt to the terminal");
    }
    SecureBytes line;
    for (;;) {
        char c = 0;
        const ssize_t n = ::read(tty.get(), &c, 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            throw Error(ErrorCode::io, "the terminal closed before a line was entered");
        }
        if (c == '\n' || c == '\r') {
            break;
        }
        line.push_back(static_cast<std::uint8_t>(c));
    }
    return line;
}

bool stdin_is_terminal() {
    return ::isatty(STDIN_FILENO) == 1;
}

std::size_t read_stdin(std::span<std::uint8_t> buffer) {
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            throw Error(ErrorCode::io,
                        std::string("cannot read the secret from stdin: ") + std::strerror(errno));
        }
        return static_cast<std::size_t>(n);
    }
}

void write_stdout(std::span<const std::uint8_t> bytes) {
    write_all(STDOUT_FILENO, bytes, "stdout");
}

void write_stderr(std::span<const std::uint8_t> bytes) {
    write_all(STDERR_FILENO, bytes, "stderr");
}

}  // namespace tresor::platform
