// http/client.hpp — one HTTP(S) request out, one bounded response in, over
// libcurl (http/libcurl.hpp, loaded on the first request).
//
// The client is what tresor sends from a process: the point-of-use request
// of a credential (core/authed_request.hpp), and the token endpoints of
// OAuth 2 flows. It checks nothing about who may send what where (its
// callers do); it sends exactly the request it is given and enforces:
// - TLS verified (peer and host name, TLS 1.2 at least) against the
//   system's CA store, or against the PEM bundle of TlsSettings instead;
// - no redirect followed (a 3xx is a response like any other), no cookie,
//   no .netrc, no protocol but http and https, no proxy for plain http
//   (https may go through the environment's proxy, as a CONNECT tunnel that
//   never sees the headers);
// - the timeout, for the whole exchange, and the response size, headers
//   and (decoded) body together, both refusing with Error{io}.
// Bytes that may be secret travel in wiped memory on tresor's side: the
// header lines given as `secret_headers` and the response body. (libcurl
// copies the request into a send buffer of its own that it frees without
// wiping; tresor processes never dump core.)
//
// Thread safety: perform() may be called from any number of threads; each
// call has a libcurl handle of its own, and finished handles are kept for
// the next call, so their connections stay open (kept alive).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "http/url.hpp"
#include "tresor/secret.hpp"

namespace tresor::http {

struct Request {
    std::string_view method = "GET";  // an uppercase token
    const Url* url = nullptr;
    std::span<const Header> headers;  // checked by the caller
    // Header lines ("Name: value", joined by '\n') that hold a secret.
    const Secret* secret_headers = nullptr;
    std::span<const std::uint8_t> body;  // sent when not empty, or for POST/PUT/PATCH
    std::chrono::milliseconds timeout{30'000};
    std::size_t max_response_bytes = 10 * 1024 * 1024;
};

struct Response {
    int status = 0;
    std::vector<Header> headers;  // of the final response, in order
    SecureBytes body;             // decoded when the server compressed it
    bool decoded = false;         // the body was decompressed (Content-Encoding)
};

struct TlsSettings {
    // A PEM bundle that replaces the system's CA store; empty: the store.
    std::string ca_bundle;
};

class Client {
  public:
    explicit Client(TlsSettings tls = {});
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Throws Error{io} for a connection, TLS, timeout or size failure
    // (naming the origin, never a header or body), Error{plugin_abi} when
    // libcurl cannot be loaded.
    [[nodiscard]] Response perform(const Request& request);

  private:
    struct Pool;
    TlsSettings tls_;
    std::unique_ptr<Pool> pool_;
};

}  // namespace tresor::http
