/* tests/cli/credential_client.c — what systemd does for
 * LoadCredential=ID:/path/to/socket (src/basic/fileio.c, systemd.exec(5)),
 * step for step: an AF_UNIX stream socket bound to the abstract address
 * "\0" NAME (NAME is "<random hex>/unit/<unit>/<id>"; none bound when NAME is
 * not given), connected to SOCKET, its writing side shut down, then read
 * until end of file; the bytes go to stdout.
 *
 *   credential-client SOCKET [NAME]
 * Exit status 0 after end of file, 3 when bind or connect fails, 4 when a
 * read fails (the reason on stderr). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int fail(int status, const char* what) {
    fprintf(stderr, "credential-client: %s: %s\n", what, strerror(errno));
    return status;
}

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: credential-client SOCKET [NAME]\n");
        return 2;
    }
    const int sk = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sk < 0) {
        return fail(3, "socket");
    }
    if (argc == 3) {
        struct sockaddr_un bind_address = {.sun_family = AF_UNIX};
        const size_t length = strlen(argv[2]);
        if (length + 1 > sizeof(bind_address.sun_path)) {
            fprintf(stderr, "credential-client: name too long\n");
            return 2;
        }
        /* sun_path[0] stays NUL: the abstract namespace; no trailing NUL. */
        memcpy(bind_address.sun_path + 1, argv[2], length);
        if (bind(sk, (struct sockaddr*)&bind_address,
                 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + length)) != 0) {
            return fail(3, "bind");
        }
    }
    struct sockaddr_un server = {.sun_family = AF_UNIX};
    strncpy(server.sun_path, argv[1], sizeof(server.sun_path) - 1);
    if (connect(sk, (struct sockaddr*)&server, sizeof(server)) != 0) {
        return fail(3, "connect");
    }
    if (shutdown(sk, SHUT_WR) != 0) {
        return fail(3, "shutdown");
    }
    char buffer[4096];
    for (;;) {
        const ssize_t n = read(sk, buffer, sizeof(buffer));
        if (n == 0) {
            return 0;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail(4, "read");
        }
        if (fwrite(buffer, 1, (size_t)n, stdout) != (size_t)n) {
            return fail(4, "write");
        }
    }
}
