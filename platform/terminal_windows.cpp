// platform/terminal.hpp on Windows: the console devices CONIN$ and CONOUT$
// (as age does), echo turned off through the console mode, and the standard
// handles read and written with ReadFile/WriteFile, so the C runtime's text
// mode never turns a secret's "\r\n" into "\n".
#include <windows.h>

#include <array>

#include "platform/handle_windows.hpp"
#include "platform/secure_memory.hpp"
#include "platform/terminal.hpp"
#include "platform/utf16_windows.hpp"
#include "tresor/error.hpp"

namespace tresor::platform {
namespace {

HANDLE open_console(const wchar_t* name) {
    return ::CreateFileW(name, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                         nullptr, OPEN_EXISTING, 0, nullptr);
}

// Restores the console's mode on every exit path, including exceptions.
class EchoOff {
  public:
    explicit EchoOff(HANDLE console) : console_(console) {
        if (::GetConsoleMode(console_, &saved_) != 0) {
            active_ =
                ::SetConsoleMode(console_, (saved_ & ~static_cast<DWORD>(ENABLE_ECHO_INPUT)) |
                                               ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT) != 0;
        }
    }
    ~EchoOff() {
        if (active_) {
            ::SetConsoleMode(console_, saved_);
        }
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

  private:
    HANDLE console_;
    DWORD saved_ = 0;
    bool active_ = false;
};

bool is_console(HANDLE h) {
    DWORD mode = 0;
    return h != INVALID_HANDLE_VALUE && h != nullptr && ::GetFileType(h) == FILE_TYPE_CHAR &&
           ::GetConsoleMode(h, &mode) != 0;
}

void write_all(DWORD which, std::span<const std::uint8_t> bytes, const char* stream) {
    const HANDLE out = ::GetStdHandle(which);
    std::size_t done = 0;
    while (done < bytes.size()) {
        DWORD n = 0;
        const auto chunk = static_cast<DWORD>(std::min<std::size_t>(bytes.size() - done, 1 << 20));
        if (::WriteFile(out, bytes.data() + done, chunk, &n, nullptr) == 0) {
            throw Error(ErrorCode::io, std::string("cannot write to ") + stream);
        }
        done += n;
    }
}

}  // namespace

std::optional<SecureBytes> read_hidden_line(std::string_view prompt) {
    const OwnedHandle in(open_console(L"CONIN$"));
    const OwnedHandle out(open_console(L"CONOUT$"));
    if (!is_console(in.get()) || !is_console(out.get())) {
        return std::nullopt;
    }
    const EchoOff echo_off(in.get());
    const std::wstring wide_prompt = to_utf16(prompt).value_or(L"Password: ");
    DWORD written = 0;
    if (::WriteConsoleW(out.get(), wide_prompt.data(), static_cast<DWORD>(wide_prompt.size()),
                        &written, nullptr) == 0) {
        throw Error(ErrorCode::io, "cannot write the prompt to the console");
    }
    // The console hands out UTF-16; the line is kept as UTF-16 in a buffer
    // wiped below, then converted into wiped memory.
    std::array<wchar_t, 1024> line{};
    std::size_t length = 0;
    struct Wipe {
        std::array<wchar_t, 1024>& buffer;
        ~Wipe() { wipe(buffer.data(), sizeof(buffer)); }
    } wipe_line{line};
    for (;;) {
        wchar_t c = 0;
        DWORD n = 0;
        if (::ReadConsoleW(in.get(), &c, 1, &n, nullptr) == 0 || n == 0) {
            throw Error(ErrorCode::io, "the console closed before a line was entered");
        }
        if (c == L'\n' || c == L'\r') {
            break;
        }
        if (length == line.size()) {
            throw Error(ErrorCode::invalid_argument, "the line entered is too long");
        }
        line[length++] = c;
    }
    ::WriteConsoleW(out.get(), L"\r\n", 2, &written, nullptr);
    const int size = ::WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, line.data(),
                                           static_cast<int>(length), nullptr, 0, nullptr, nullptr);
    if (length != 0 && size <= 0) {
        throw Error(ErrorCode::invalid_argument, "the line entered is not valid text");
    }
    SecureBytes bytes(static_cast<std::size_t>(size));
    ::WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, line.data(), static_cast<int>(length),
                          reinterpret_cast<char*>(bytes.data()), size, nullptr, nullptr);
    return bytes;
}

bool stdin_is_terminal() {
    return is_console(::GetStdHandle(STD_INPUT_HANDLE));
}

std::size_t read_stdin(std::span<std::uint8_t> buffer) {
    const HANDLE in = ::GetStdHandle(STD_INPUT_HANDLE);
    DWORD n = 0;
    if (in == nullptr || in == INVALID_HANDLE_VALUE) {
        return 0;  // no stdin at all reads as an empty one
    }
    if (::ReadFile(in, buffer.data(), static_cast<DWORD>(buffer.size()), &n, nullptr) == 0) {
        const DWORD error = ::GetLastError();
        if (error == ERROR_BROKEN_PIPE || error == ERROR_HANDLE_EOF) {
            return 0;
        }
        throw Error(ErrorCode::io,
                    "cannot read the secret from stdin: " + windows_error_text(error));
    }
    return n;
}

void write_stdout(std::span<const std::uint8_t> bytes) {
    write_all(STD_OUTPUT_HANDLE, bytes, "stdout");
}

void write_stderr(std::span<const std::uint8_t> bytes) {
    write_all(STD_ERROR_HANDLE, bytes, "stderr");
}

}  // namespace tresor::platform
