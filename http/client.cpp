#include "http/client.hpp"

#include <mutex>

#include "http/libcurl.hpp"
#include "tresor/error.hpp"

namespace tresor::http {
namespace {

// Handles kept for the next requests, each with its open connections.
constexpr std::size_t kMaxIdleHandles = 8;
constexpr const char* kUserAgent = "tresor/" TRESOR_VERSION;

// curl_easy_setopt is variadic: each wrapper passes exactly the type the
// option is documented to take (long, curl_off_t, a pointer), so a wrong
// argument type is a compile error here rather than undefined behaviour.
class Options {
  public:
    Options(const LibCurl& api, CURL* handle) : api_(api), handle_(handle) {}
    void number(CURLoption option, long value) { check(api_.easy_setopt(handle_, option, value)); }
    void size(CURLoption option, std::size_t value) {
        check(api_.easy_setopt(handle_, option, static_cast<curl_off_t>(value)));
    }
    void text(CURLoption option, const char* value) {
        check(api_.easy_setopt(handle_, option, value));
    }
    void pointer(CURLoption option, const void* value) {
        check(api_.easy_setopt(handle_, option, value));
    }
    void callback(CURLoption option, curl_write_callback value) {
        check(api_.easy_setopt(handle_, option, value));
    }

  private:
    void check(CURLcode code) const {
        if (code != CURLE_OK) {
            throw Error(
                ErrorCode::plugin_abi,
                std::string("libcurl refused an option tresor sets: ") + api_.easy_strerror(code));
        }
    }
    const LibCurl& api_;
    CURL* handle_;
};

// What one transfer collects; the callbacks' context.
struct Transfer {
    std::size_t budget = 0;  // bytes of headers and body still allowed
    bool too_large = false;
    int status = 0;
    std::vector<Header> headers;
    SecureBytes body;

    bool take(std::size_t bytes) {
        if (bytes > budget) {
            too_large = true;
            return false;
        }
        budget -= bytes;
        return true;
    }
};

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* context) {
    auto* t = static_cast<Transfer*>(context);
    const std::size_t bytes = size * count;
    if (!t->take(bytes)) {
        return 0;  // aborts the transfer
    }
    if (const auto status = add_header_line({data, bytes}, t->headers)) {
        t->status = *status;
    }
    return bytes;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* context) {
    auto* t = static_cast<Transfer*>(context);
    const std::size_t bytes = size * count;
    if (!t->take(bytes)) {
        return 0;
    }
    t->body.insert(t->body.end(), data, data + bytes);
    return bytes;
}

// The request's header lines as a curl_slist libcurl only reads: nodes and
// NUL-terminated lines in memory of tresor's, the secret lines in wiped
// memory (curl_slist_append would leave unwiped copies in the heap).
class HeaderList {
  public:
    HeaderList(std::span<const Header> headers, const Secret* secret_headers) {
        for (const Header& h : headers) {
            // "Name;" is libcurl's spelling of a header with an empty value
            // ("Name:" would remove a header instead of sending one).
            plain_.push_back(h.value.empty() ? h.name + ";" : h.name + ": " + h.value);
        }
        // libcurl adds "Expect: 100-continue" to larger bodies: one round
        // trip more, and a server that never answers it stalls the upload.
        plain_.emplace_back("Expect:");
        if (secret_headers != nullptr) {
            const std::string_view lines = secret_headers->view();
            secret_.storage().assign(lines.begin(), lines.end());
            secret_.storage().push_back('\n');
            for (std::uint8_t& b : secret_.storage()) {
                b = b == '\n' ? '\0' : b;
            }
        }
        for (std::string& line : plain_) {
            nodes_.push_back({line.data(), nullptr});
        }
        auto* text = reinterpret_cast<char*>(secret_.storage().data());
        for (std::size_t i = 0; i < secret_.size();
             i += std::char_traits<char>::length(text + i) + 1) {
            nodes_.push_back({text + i, nullptr});
        }
        for (std::size_t i = 0; i + 1 < nodes_.size(); ++i) {
            nodes_[i].next = &nodes_[i + 1];
        }
    }
    HeaderList(const HeaderList&) = delete;
    HeaderList& operator=(const HeaderList&) = delete;
    [[nodiscard]] const curl_slist* head() const { return nodes_.data(); }

  private:
    std::vector<std::string> plain_;
    Secret secret_;
    std::vector<curl_slist> nodes_;
};

bool has_encoding(const std::vector<Header>& headers) {
    for (const Header& h : headers) {
        if (same_header_name(h.name, "content-encoding") && !h.value.empty() &&
            !same_header_name(h.value, "identity")) {
            return true;
        }
    }
    return false;
}

}  // namespace

struct Client::Pool {
    std::mutex mutex;
    std::vector<CURL*> idle;
};

Client::Client(TlsSettings tls) : tls_(std::move(tls)), pool_(std::make_unique<Pool>()) {}

Client::~Client() {
    if (!pool_->idle.empty()) {
        for (CURL* handle : pool_->idle) {
            libcurl().easy_cleanup(handle);
        }
    }
}

Response Client::perform(const Request& request) {
    const LibCurl& api = libcurl();
    CURL* handle = nullptr;
    {
        const std::lock_guard lock(pool_->mutex);
        if (!pool_->idle.empty()) {
            handle = pool_->idle.back();
            pool_->idle.pop_back();
        }
    }
    if (handle == nullptr && (handle = api.easy_init()) == nullptr) {
        throw Error(ErrorCode::io, "libcurl could not make a request handle");
    }
    // Back to the pool however the transfer ends: its connection stays open.
    struct Return {
        Pool& pool;
        CURL* handle;
        ~Return() {
            // Drops every pointer into this call's stack (error buffer,
            // header list, callbacks' data); connections and caches stay.
            libcurl().easy_reset(handle);
            const std::lock_guard lock(pool.mutex);
            if (pool.idle.size() < kMaxIdleHandles) {
                pool.idle.push_back(handle);
            } else {
                libcurl().easy_cleanup(handle);
            }
        }
    } give_back{*pool_, handle};

    const Url& url = *request.url;
    const std::string origin = url.origin.text();
    Transfer transfer;
    transfer.budget = request.max_response_bytes;
    HeaderList headers(request.headers, request.secret_headers);
    char error_text[CURL_ERROR_SIZE] = {};
    const std::string url_text = url.text();

    Options o(api, handle);
    o.text(CURLOPT_URL, url_text.c_str());
    o.text(CURLOPT_PROTOCOLS_STR, "http,https");
    o.number(CURLOPT_FOLLOWLOCATION, 0L);
    o.number(CURLOPT_NOSIGNAL, 1L);
    o.number(CURLOPT_NETRC, static_cast<long>(CURL_NETRC_IGNORED));
    o.number(CURLOPT_SSL_VERIFYPEER, 1L);
    o.number(CURLOPT_SSL_VERIFYHOST, 2L);
    o.number(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    o.number(CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    o.size(CURLOPT_MAXFILESIZE_LARGE, request.max_response_bytes);
    // Every encoding libcurl decodes, so what the caller gets back (and
    // tresor redacts) is the body, never compressed bytes hiding an echo.
    o.text(CURLOPT_ACCEPT_ENCODING, "");
    // Custom headers never go to a proxy's CONNECT.
    o.number(CURLOPT_HEADEROPT, static_cast<long>(CURLHEADER_SEPARATE));
    o.text(CURLOPT_USERAGENT, kUserAgent);
    o.pointer(CURLOPT_ERRORBUFFER, error_text);
    o.pointer(CURLOPT_HTTPHEADER, headers.head());
    o.callback(CURLOPT_HEADERFUNCTION, &on_header);
    o.pointer(CURLOPT_HEADERDATA, &transfer);
    o.callback(CURLOPT_WRITEFUNCTION, &on_body);
    o.pointer(CURLOPT_WRITEDATA, &transfer);
    if (url.origin.scheme == "http") {
        o.text(CURLOPT_PROXY, "");  // plain text would show the credential to a proxy
    }
    // Not copied: the bundle lives as long as the client and its handles
    // (a connection keeps a copy of its own).
    curl_blob bundle{tls_.ca_bundle.data(), tls_.ca_bundle.size(), CURL_BLOB_NOCOPY};
    if (!tls_.ca_bundle.empty()) {
        // Instead of the system's store, not beside it.
        o.text(CURLOPT_CAINFO, nullptr);
        o.text(CURLOPT_CAPATH, nullptr);
        o.pointer(CURLOPT_CAINFO_BLOB, &bundle);
    }
    const bool sends_body = !request.body.empty() || request.method == "POST" ||
                            request.method == "PUT" || request.method == "PATCH";
    if (request.method == "HEAD") {
        o.number(CURLOPT_NOBODY, 1L);
    } else if (sends_body) {
        o.pointer(CURLOPT_POSTFIELDS, request.body.data());
        o.size(CURLOPT_POSTFIELDSIZE_LARGE, request.body.size());
    }
    const std::string method(request.method);
    if (method != "GET" && method != "HEAD" && (method != "POST" || !sends_body)) {
        o.text(CURLOPT_CUSTOMREQUEST, method.c_str());
    }

    const CURLcode code = api.easy_perform(handle);
    if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
        throw Error(ErrorCode::io, "the response of " + origin + " is larger than " +
                                       std::to_string(request.max_response_bytes) + " bytes");
    }
    if (code == CURLE_OPERATION_TIMEDOUT) {
        throw Error(ErrorCode::io, "no complete response from " + origin + " within " +
                                       std::to_string(request.timeout.count()) + " ms");
    }
    if (code != CURLE_OK) {
        throw Error(ErrorCode::io, "request to " + origin + " failed: " +
                                       (error_text[0] != '\0' ? std::string(error_text)
                                                              : api.easy_strerror(code)));
    }
    long status = 0;
    api.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    Response out;
    out.status = static_cast<int>(status);
    out.decoded = has_encoding(transfer.headers);
    out.headers = std::move(transfer.headers);
    out.body = std::move(transfer.body);
    return out;
}

}  // namespace tresor::http
