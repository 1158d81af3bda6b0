// serve/http_server.hpp — HTTP/1.1 for `tresor serve` (Boost.Beast over
// Asio): a unix socket (owner-only, peer uid checked on every connection)
// and optionally a loopback TCP port, each request handed to the
// CredentialsApi.
//
// Limits, so one client cannot take the server down: a body over
// max_body_bytes is refused with 413 before it is read; a request (headers
// and body) must arrive within request_timeout, or the connection is closed
// (slowloris); at most max_connections are open at once on each listener,
// further ones are closed as soon as they are accepted (so connections to
// the loopback port, which any local user may open, never lock the owner
// out of the unix socket). One thread runs every connection; API calls run
// on a pool (serve/http_server.cpp says how large and why).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "serve/credentials_api.hpp"

namespace tresor::serve {

struct ServerOptions {
    std::optional<std::filesystem::path> socket_path;
    std::optional<std::uint16_t> loopback_port;  // 0: any free port
    std::size_t max_body_bytes = 1024 * 1024;
    std::chrono::seconds request_timeout{10};
    std::size_t max_connections = 512;
};

// Runs until the process is stopped. `on_ready` is called once everything is
// bound, with the loopback port actually bound (0 when none).
void run_server(CredentialsApi& api, const ServerOptions& options,
                const std::function<void(std::uint16_t)>& on_ready);

}  // namespace tresor::serve
