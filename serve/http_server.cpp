#include "serve/http_server.hpp"

#include <utility>  // std::exchange, which Boost 1.74's asio uses without including

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <iostream>
#include <memory>

#include "platform/socket.hpp"

namespace tresor::serve {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;

// API calls run here, so the I/O thread never waits on them. Most of these
// threads wait rather than compute: on the commit their write shares
// (serve/group_commit.hpp: as many writes can share one as wait here at
// once, so 32 clients need 32 threads), on another server (the request
// route, up to its timeout) or on a KDF. A waiting thread costs a stack, not
// a core.
constexpr std::size_t kApiThreads = 64;

struct Shared {
    CredentialsApi& api;
    const ServerOptions& options;
    asio::thread_pool& workers;
};

template <typename Protocol>
class Connection : public std::enable_shared_from_this<Connection<Protocol>> {
  public:
    // `open` is the count of its listener's open connections (atomic: a
    // connection may end on a worker).
    using Count = std::atomic<std::size_t>;
    Connection(typename Protocol::socket socket, Shared& shared, std::shared_ptr<Count> open)
        : stream_(std::move(socket)), shared_(shared), open_(std::move(open)) {
        ++*open_;
    }
    ~Connection() { --*open_; }

    void read() {
        parser_.emplace();
        parser_->header_limit(kMaxHeaderBytes);
        parser_->body_limit(shared_.options.max_body_bytes);
        // The whole request, not each read, must fit the deadline: a client
        // trickling one byte at a time is cut off all the same.
        stream_.expires_after(shared_.options.request_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             self->on_read(ec);
                         });
    }

  private:
    void on_read(beast::error_code ec) {
        if (ec == http::error::body_limit) {
            return reply(413, R"({"error":"request body too large"})", false, "?", "?");
        }
        if (ec == http::error::header_limit) {
            return reply(431, R"({"error":"request headers too large"})", false, "?", "?");
        }
        if (ec) {
            stream_.socket().close(ec);  // timeout, reset, malformed HTTP
            return;
        }
        asio::post(shared_.workers, [self = this->shared_from_this()] { self->call_api(); });
    }

    // On a worker: the connection reads nothing meanwhile, so the request is
    // this thread's until the reply is posted back to the I/O thread.
    void call_api() {
        auto& req = parser_->get();
        const std::string method(req.method_string());
        const std::string target(req.target());
        const auto authorization = req[http::field::authorization];
        ApiResponse res = shared_.api.handle(
            {method, target, std::string_view(authorization.data(), authorization.size()),
             req.body()});
        // The body may hold a value: wipe it before the buffer is reused.
        std::fill(req.body().begin(), req.body().end(), '\0');
        asio::post(stream_.get_executor(),
                   [self = this->shared_from_this(), res = std::move(res),
                    keep_alive = req.keep_alive(), method, target]() mutable {
                       self->reply(res.status, std::move(res.body), keep_alive, method, target);
                   });
    }

    void reply(int status, std::string body, bool keep_alive, const std::string& method,
               const std::string& target) {
        // One line per request: method, path and status, never a body.
        std::clog << "tresor serve: " << method << " " << target.substr(0, target.find('?')) << " "
                  << status << "\n";
        response_ = {};
        response_.result(static_cast<unsigned>(status));
        response_.version(11);
        response_.set(http::field::server, "tresor");
        if (!body.empty()) {
            response_.set(http::field::content_type, "application/json");
        }
        response_.body() = std::move(body);
        response_.keep_alive(keep_alive);
        response_.prepare_payload();
        stream_.expires_after(shared_.options.request_timeout);
        http::async_write(
            stream_, response_,
            [self = this->shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                if (ec || !keep_alive) {
                    self->stream_.socket().shutdown(Protocol::socket::shutdown_send, ec);
                    return;
                }
                self->read();
            });
    }

    beast::basic_stream<Protocol> stream_;
    Shared& shared_;
    std::shared_ptr<Count> open_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
};

// Each listener counts its own connections against max_connections: anyone
// on the machine may connect to the loopback port (no token is needed to
// hold a connection open), and must not use up the owner's unix socket.
template <typename Protocol>
class Listener : public std::enable_shared_from_this<Listener<Protocol>> {
  public:
    Listener(asio::io_context& io, const typename Protocol::endpoint& endpoint, Shared& shared,
             bool check_peer)
        : io_(io), acceptor_(io, endpoint), retry_(io), shared_(shared), check_peer_(check_peer) {}

    typename Protocol::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

    void accept() {
        acceptor_.async_accept([self = this->shared_from_this()](beast::error_code ec,
                                                                 typename Protocol::socket socket) {
            self->on_accept(ec, std::move(socket));
        });
    }

  private:
    void on_accept(beast::error_code ec, typename Protocol::socket socket) {
        if (ec) {
            // Out of descriptors, most likely: wait for connections to end
            // instead of spinning or stopping.
            retry_.expires_after(std::chrono::milliseconds(100));
            retry_.async_wait(
                [self = this->shared_from_this()](beast::error_code) { self->accept(); });
            return;
        }
        const bool refused =
            *open_ >= shared_.options.max_connections ||
            (check_peer_ && !platform::peer_is_effective_user(socket.native_handle()));
        if (refused) {
            socket.close(ec);
        } else {
            std::make_shared<Connection<Protocol>>(std::move(socket), shared_, open_)->read();
        }
        accept();
    }

    asio::io_context& io_;
    typename Protocol::acceptor acceptor_;
    asio::steady_timer retry_;
    Shared& shared_;
    bool check_peer_;
    std::shared_ptr<typename Connection<Protocol>::Count> open_ =
        std::make_shared<typename Connection<Protocol>::Count>(0);
};

}  // namespace

void run_server(CredentialsApi& api, const ServerOptions& options,
                const std::function<void(std::uint16_t)>& on_ready) {
    asio::io_context io(1);
    asio::thread_pool workers(kApiThreads);
    Shared shared{api, options, workers};
    std::uint16_t port = 0;
    try {
        if (options.socket_path) {
            using Local = asio::local::stream_protocol;
            platform::prepare_socket_path(*options.socket_path);
            auto listener = std::make_shared<Listener<Local>>(
                io, Local::endpoint(options.socket_path->string()), shared, true);
            platform::restrict_socket_to_owner(*options.socket_path);
            listener->accept();
        }
        if (options.loopback_port) {
            using Tcp = asio::ip::tcp;
            auto listener = std::make_shared<Listener<Tcp>>(
                io, Tcp::endpoint(asio::ip::address_v4::loopback(), *options.loopback_port), shared,
                false);
            port = listener->local_endpoint().port();
            listener->accept();
        }
    } catch (const boost::system::system_error& e) {
        throw Error(ErrorCode::io, std::string("cannot listen: ") + e.what());
    }
    on_ready(port);
    io.run();
}

}  // namespace tresor::serve
