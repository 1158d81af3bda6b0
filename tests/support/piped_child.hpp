// tests/support/piped_child.hpp — a forked child that reports to its parent
// through a pipe: for the kill -9 tests (the parent reads what the child
// says it committed, kills it mid-flight and reaps it; what the child wrote
// before it died stays readable after the reaping), and for what must not
// happen to the test's own process (a changed uid, a seccomp filter, a
// resource limit), whose outcome the child writes as text.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <string>

#include <boost/test/unit_test.hpp>

namespace tresor::test {

class PipedChild {
  public:
    // Runs body(the pipe's write end) in a child; body ends the child itself
    // (it is [[noreturn]]), or the child exits 0 when it returns.
    template <typename Body>
    explicit PipedChild(Body&& body) {
        int fds[2];
        BOOST_REQUIRE(::pipe(fds) == 0);
        pid_ = ::fork();
        BOOST_REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::close(fds[0]);
            body(fds[1]);
            ::_exit(0);
        }
        ::close(fds[1]);
        from_child_ = fds[0];
    }
    PipedChild(const PipedChild&) = delete;
    PipedChild& operator=(const PipedChild&) = delete;
    ~PipedChild() { ::close(from_child_); }

    [[nodiscard]] pid_t pid() const { return pid_; }

    // One whole report of the child's; false at its end.
    template <typename T>
    bool read(T& out) {
        return ::read(from_child_, &out, sizeof(out)) == static_cast<ssize_t>(sizeof(out));
    }

    // Up to size bytes the child wrote, as text.
    std::string read_text(std::size_t size) {
        std::string text(size, '\0');
        const ssize_t n = ::read(from_child_, text.data(), size);
        text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        return text;
    }

    // All the child writes until it ends (or closes the pipe), as text.
    std::string read_all() {
        std::string text;
        char buffer[512];
        for (ssize_t n; (n = ::read(from_child_, buffer, sizeof(buffer))) > 0;) {
            text.append(buffer, static_cast<std::size_t>(n));
        }
        return text;
    }

    // The wait for a child that ends by itself; its wait status.
    int reap() {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        return status;
    }

    // SIGKILL and the wait; true when the signal is what ended the child
    // (false: it had exited before).
    bool kill_and_reap() {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        return WIFSIGNALED(status);
    }

  private:
    pid_t pid_ = -1;
    int from_child_ = -1;
};

}  // namespace tresor::test
