// A request with a credential through tresor (Store::request: the entry
// from the memory plugin, its header rendered, the URL and headers checked,
// the response scanned for the value) beside the same request made with
// libcurl directly — the same header and options, the same handle reused,
// so both ride one kept-alive TLS connection — against the same loopback
// HTTPS server: lighttpd with mod_openssl serving a 64-byte file, behind a
// CA made here. A third run resets the handle per request as tresor does.
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
#include <iterator>
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

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// What the direct program holds: the token, the CA bundle, its buffers.
struct Direct {
    std::string url;
    std::string ca_bundle;
    curl_blob ca{};
    curl_slist* headers = nullptr;
    std::string header_lines;
    std::string body;

    explicit Direct(const HttpsServer& server)
        : url(server.url()), ca_bundle(read_file(server.ca())) {
        ca = {ca_bundle.data(), ca_bundle.size(), CURL_BLOB_NOCOPY};
        headers = curl_slist_append(headers, ("Authorization: Bearer " + kToken).c_str());
        headers = curl_slist_append(headers, "Expect:");
    }
    ~Direct() { curl_slist_free_all(headers); }
    Direct(const Direct&) = delete;
    Direct& operator=(const Direct&) = delete;

    // The options http::Client sets for a GET, so that both sides send the
    // same bytes (User-Agent, Accept-Encoding, no Expect), check TLS the
    // same way (a CA bundle in memory, TLS 1.2 at least) and take the same
    // paths in libcurl (no signals, a header callback, bounds): the
    // difference left is what tresor adds.
    void set_options(CURL* handle) {
        curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
        curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(handle, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_IGNORED));
        curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(handle, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
        curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, 30'000L);
        curl_easy_setopt(handle, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(10 << 20));
        curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(handle, CURLOPT_HEADEROPT, static_cast<long>(CURLHEADER_SEPARATE));
        curl_easy_setopt(handle, CURLOPT_USERAGENT, "tresor/" TRESOR_VERSION);
        curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &collect);
        curl_easy_setopt(handle, CURLOPT_HEADERDATA, &header_lines);
        curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &collect);
        curl_easy_setopt(handle, CURLOPT_WRITEDATA, &body);
        curl_easy_setopt(handle, CURLOPT_CAINFO, nullptr);
        curl_easy_setopt(handle, CURLOPT_CAPATH, nullptr);
        curl_easy_setopt(handle, CURLOPT_CAINFO_BLOB, &ca);
    }

    bool perform(CURL* handle) {
        header_lines.clear();
        body.clear();
        return curl_easy_perform(handle) == CURLE_OK && body.size() == 64;
    }
};

// Requests with libcurl alone, one handle for all. reset_each: the handle
// reset and its options set again per request, as http::Client does (a
// request's options point into its own stack), which measures the share of
// the gap that is libcurl's reset and setopt; without it the options are set
// once, as a program that holds the token itself does (the fastest a client
// can be).
void run_libcurl(benchmark::State& state, bool reset_each) {
    HttpsServer& server = HttpsServer::get();
    if (skip_unless(state, server.running(), server.why())) {
        return;
    }
    Direct direct(server);
    CURL* handle = curl_easy_init();
    direct.set_options(handle);
    for (auto _ : state) {
        if (!direct.perform(handle)) {
            state.SkipWithError("the direct libcurl request failed");
            break;
        }
        if (reset_each) {
            curl_easy_reset(handle);
            direct.set_options(handle);
        }
    }
    curl_easy_cleanup(handle);
}

void BM_LibcurlDirect(benchmark::State& state) {
    run_libcurl(state, false);
}

void BM_LibcurlResetEach(benchmark::State& state) {
    run_libcurl(state, true);
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
    benchmark::RegisterBenchmark("request/libcurl_reset_each", BM_LibcurlResetEach)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("request/tresor", BM_TresorRequest)->Unit(benchmark::kMicrosecond);
}

}  // namespace tresor::bench
