#!/usr/bin/python3
"""HTTPS servers on loopback behind a test CA, for the tests of tresor request.

    https_echo_server.py DIR [--servers N]

Makes a CA and a server certificate (localhost, 127.0.0.1, ::1) in DIR with
openssl, unless DIR/ca.crt exists; starts N servers (default 2) on
127.0.0.1, each on a free port; writes their ports, space-separated, to
DIR/ports once all listen; logs each request received as one JSON line
{"port", "method", "path", "headers", "body"} to DIR/requests.log. Runs until
its stdin closes (or it is killed), so a test that dies takes it along.

Paths (any method):
  /echo              200, JSON of the request as received
  /echo-header       the Authorization header sent back: in a header
                     (X-Echo), in the body verbatim and JSON-escaped
  /gzip-echo         /echo, gzip-compressed (Content-Encoding: gzip)
  /redirect?to=URL   302 to URL
  /big?bytes=N       N bytes of "x" with a Content-Length
  /chunked?bytes=N   N bytes of "x", chunked, no length
  /slow              no answer for a minute
  /status?code=N     status N, empty body
"""

import gzip
import http.server
import json
import os
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse

LOG_LOCK = threading.Lock()


def make_ca(folder):
    """A CA and a server certificate signed by it (2 days)."""
    if os.path.exists(os.path.join(folder, "ca.crt")):
        return

    def run(*args):
        subprocess.run(args, check=True, cwd=folder, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
        "-out", "ca.crt", "-days", "2", "-subj", "/CN=tresor test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
        "-out", "server.csr", "-subj", "/CN=localhost")
    with open(os.path.join(folder, "server.ext"), "w") as ext:
        ext.write("subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n"
                  "extendedKeyUsage=serverAuth\n")
    run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "server.ext")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real APIs

    def log_message(self, *args):
        pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        received = {
            "port": self.server.server_address[1],
            "method": self.command,
            "path": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": body.decode("utf-8", "replace"),
        }
        with LOG_LOCK, open(self.server.log_path, "a") as log:
            log.write(json.dumps(received) + "\n")
        route = url.path
        if route == "/echo":
            self._send(200, json.dumps(received).encode(), "application/json")
        elif route == "/echo-header":
            auth = self.headers.get("Authorization", "")
            text = ("your header: " + auth + "\n" + json.dumps({"auth": auth}) + "\n").encode()
            self._send(200, text, "text/plain", [("X-Echo", auth)])
        elif route == "/gzip-echo":
            self._send(200, gzip.compress(json.dumps(received).encode()), "application/json",
                       [("Content-Encoding", "gzip")])
        elif route == "/redirect":
            self._send(302, b"", "text/plain", [("Location", query.get("to", "/"))])
        elif route == "/big":
            self._send(200, b"x" * int(query.get("bytes", "0")), "text/plain")
        elif route == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            left = int(query.get("bytes", "0"))
            while left > 0:
                n = min(left, 65536)
                self.wfile.write(b"%x\r\n" % n + b"x" * n + b"\r\n")
                left -= n
            self.wfile.write(b"0\r\n\r\n")
        elif route == "/slow":
            time.sleep(60)
        elif route == "/status":
            self._send(int(query.get("code", "200")), b"", "text/plain")
        else:
            self._send(404, b"no such path\n", "text/plain")

    def _send(self, status, body, content_type, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    folder = sys.argv[1]
    count = int(sys.argv[sys.argv.index("--servers") + 1]) if "--servers" in sys.argv else 2
    make_ca(folder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(folder, "server.crt"), os.path.join(folder, "server.key"))
    ports = []
    for _ in range(count):
        server = Server(("127.0.0.1", 0), Handler)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.log_path = os.path.join(folder, "requests.log")
        ports.append(server.server_address[1])
        threading.Thread(target=server.serve_forever, daemon=True).start()
    with open(os.path.join(folder, "ports.tmp"), "w") as out:
        out.write(" ".join(map(str, ports)) + "\n")
    os.rename(os.path.join(folder, "ports.tmp"), os.path.join(folder, "ports"))
    sys.stdin.read()  # until the test closes it or dies


if __name__ == "__main__":
    main()
