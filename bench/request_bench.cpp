// A request with a credential through tresor (Store::request: the entry
// from the memory plugin, its header rendered, the URL and headers checked,
// the response scanned for the value) beside the same request made with
// libcurl directly — the same header, the same handle reused, so both ride
// one kept-alive TLS connection — against the same loopback HTTPS server:
// lighttpd with mod_openssl serving a 64-byte file, behind a CA made here.
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "bench/bench_support.hpp"
#include "bench/registry.hpp"
#include "tresor/store.hpp"

extern char** environ;

namespace tresor::bench {
namespace {

const std::string kToken(40, 't');

// lighttpd on 127.0.0.1 with TLS, started on first use, stopped at exit.
class HttpsServer {
  public:
    static HttpsServer& get() {
        static HttpsServer server;
        return server;
    }
    [[nodiscard]] bool running() const { return pid_ > 0; }
    [[nodiscard]] const std::string& why() const { return why_; }
    [[nodiscard]] std::string url() const {
        return "https://localhost:" + std::to_string(port_) + "/file.txt";
    }
    [[nodiscard]] std::string origin() const {
        return "https://localhost:" + std::to_string(port_);
    }
    [[nodiscard]] std::filesystem::path ca() const { return dir_ / "ca.crt"; }

  private:
    HttpsServer() {
        dir_ = scratch_dir() / "https";
        std::filesystem::create_directories(dir_ / "www");
        std::ofstream(dir_ / "www" / "file.txt") << std::string(64, 'r');
        const std::string d = dir_.string();
        const std::string make_ca =
            "cd " + d +
            " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2"
            " -subj /CN=bench-ca >/dev/null 2>&1"
            " && openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr"
            " -subj /CN=localhost >/dev/null 2>&1"
            " && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > server.ext"
            " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial"
            " -out server.crt -days 2 -extfile server.ext >/dev/null 2>&1"
            " && chmod 600 ca.crt";
        if (std::system(make_ca.c_str()) != 0) {
            why_ = "openssl could not make the test CA";
            return;
        }
        port_ = free_port();
        std::ofstream(dir_ / "lighttpd.conf")
            << "server.document-root = \"" << d << "/www\"\n"
            << "server.bind = \"127.0.0.1\"\nserver.port = " << port_ << "\n"
            << "server.modules = (\"mod_openssl\")\nssl.engine = \"enable\"\n"
            << "ssl.pemfile = \"" << d << "/server.crt\"\nssl.privkey = \"" << d
            << "/server.key\"\nserver.max-keep-alive-requests = 1000000\n"
            << "server.max-keep-alive-idle = 60\nserver.errorlog = \"" << d << "/error.log\"\n";
        const std::string conf = (dir_ / "lighttpd.conf").string();
        const char* argv[] = {"/usr/sbin/lighttpd", "-D", "-f", conf.c_str(), nullptr};
        if (::access(argv[0], X_OK) != 0 ||
            posix_spawn(&pid_, argv[0], nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
            pid_ = 0;
            why_ = "no /usr/sbin/lighttpd (scripts/install-deps --test)";
            return;
        }
        for (int i = 0; i < 100 && !listening(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (!listening()) {
            why_ = "lighttpd did not listen (lighttpd-mod-openssl missing?)";
            stop();
        }
    }
    ~HttpsServer() { stop(); }

    void stop() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
            pid_ = 0;
        }
    }

    static int free_port() {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof(address);
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
        ::close(fd);
        return ntohs(address.sin_port);
    }

    [[nodiscard]] bool listening() const {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(static_cast<std::uint16_t>(port_));
        const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
        ::close(fd);
        return ok;
    }

    std::filesystem::path dir_;
    int port_ = 0;
    pid_t pid_ = 0;
    std::string why_;
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
}

// What a program that holds the token itself does: one handle, reused.
void BM_LibcurlDirect(benchmark::State& state) {
    HttpsServer& server = HttpsServer::get();
    if (skip_unless(state, server.running(), server.why())) {
        return;
    }
    CURL* handle = curl_easy_init();
    const std::string header = "Authorization: Bearer " + kToken;
    curl_slist* headers = curl_slist_append(nullptr, header.c_str());
    const std::string url = server.url();
    const std::string ca = server.ca().string();
    std::string body;
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(handle, CURLOPT_CAINFO, ca.c_str());
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &collect);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &body);
    for (auto _ : state) {
        body.clear();
        if (curl_easy_perform(handle) != CURLE_OK || body.size() != 64) {
            state.SkipWithError("the direct libcurl request failed");
            break;
        }
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(handle);
}

void BM_TresorRequest(benchmark::State& state) {
    HttpsServer& server = HttpsServer::get();
    if (skip_unless(state, server.running(), server.why())) {
        return;
    }
    Store store = Store::from_toml(
        "chain = [\"mem\"]\n[backend.mem]\nplugin = \"memory\"\n"
        "[http]\nca_file = \"" +
        server.ca().string() + "\"\n");
    SetOptions options;
    options.type = SecretType::bearer_token;
    options.attributes = {{"origins", server.origin()}};
    store.set({"bench", "api"}, Secret(kToken), options);
    Store user = store.narrowed({Scope::use});
    HttpRequest request;
    request.url = server.url();
    for (auto _ : state) {
        const auto response = user.request({"bench", "api"}, request);
        if (!response || response->status != 200 || response->body.size() != 64) {
            state.SkipWithError("the request through tresor failed");
            break;
        }
    }
}

}  // namespace

void register_request_benchmarks() {
    benchmark::RegisterBenchmark("request/libcurl", BM_LibcurlDirect)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("request/tresor", BM_TresorRequest)->Unit(benchmark::kMicrosecond);
}

}  // namespace tresor::bench
