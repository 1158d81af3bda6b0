// tresor/request.hpp — an HTTP request tresor makes with a credential
// (Store::request), and its response.
//
// The caller gives method, URL, headers and body; tresor adds the
// credential's header (docs/CREDENTIALS.md) and sends it only to one of the
// credential's origins. The caller never sees the value: the response is
// redacted wherever the value or the header appears in it.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace tresor {

struct HttpHeader {
    std::string name;
    std::string value;
};

struct HttpRequest {
    std::string method = "GET";  // an uppercase token; CONNECT and TRACE are refused
    std::string url;             // absolute http(s); its origin must be one of the credential's
    // No CR, LF or NUL; never Host, Authorization, Proxy-Authorization, the
    // framing headers (Content-Length, Transfer-Encoding, Connection, ...),
    // Accept-Encoding, or a header the credential itself sets.
    std::vector<HttpHeader> headers;
    std::string body;  // bytes, sent as they are (POST, PUT, PATCH, or when not empty)
    // The whole exchange, from 1 ms to 10 min.
    std::chrono::milliseconds timeout{30'000};
    // Headers and decoded body together, from 1 byte to 256 MiB.
    std::size_t max_response_bytes = 10 * 1024 * 1024;
};

struct HttpResponse {
    int status = 0;                   // redirects are not followed: a 3xx is returned as it is
    std::vector<HttpHeader> headers;  // of the response, in order
    std::string body;                 // decompressed when the server compressed it
    bool redacted = false;            // the credential was found in headers or body and replaced
};

}  // namespace tresor
