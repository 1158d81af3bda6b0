#include "core/authed_request.hpp"

#include <algorithm>

#include "core/credential.hpp"
#include "http/message.hpp"

namespace tresor::core {
namespace {

constexpr std::chrono::milliseconds kMaxTimeout{10 * 60 * 1000};
constexpr std::size_t kMaxResponseBytes = 256 * 1024 * 1024;
constexpr std::size_t kMaxMethodBytes = 32;

std::string key_text(const Entry& entry) {
    return entry.service + "/" + entry.name;
}

void check_limits(const HttpRequest& request) {
    if (request.timeout.count() < 1 || request.timeout > kMaxTimeout) {
        throw Error(ErrorCode::invalid_argument, "the timeout must be 1 ms to 10 minutes");
    }
    if (request.max_response_bytes < 1 || request.max_response_bytes > kMaxResponseBytes) {
        throw Error(ErrorCode::invalid_argument, "the response limit must be 1 byte to 256 MiB");
    }
}

void check_method(const std::string& method) {
    const bool upper_token =
        !method.empty() && method.size() <= kMaxMethodBytes &&
        std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if (!upper_token) {
        throw Error(ErrorCode::invalid_argument,
                    "the method must be an uppercase word such as GET or POST");
    }
    // CONNECT makes a tunnel of the connection; TRACE asks the server to
    // send the request, credential included, back.
    if (method == "CONNECT" || method == "TRACE") {
        throw Error(ErrorCode::invalid_argument, "the method " + method + " is refused");
    }
}

// The credential's header lines, split: names (which the caller may not set
// again) and values.
struct CredentialHeaders {
    std::vector<std::string> names;
    std::vector<std::string_view> values;  // views into the rendered Secret
};

CredentialHeaders split_lines(const Secret& lines) {
    CredentialHeaders out;
    std::string_view rest = lines.view();
    while (!rest.empty()) {
        const std::size_t end = rest.find('\n');
        const std::string_view line = rest.substr(0, end);
        const std::size_t colon = line.find(": ");
        out.names.emplace_back(line.substr(0, colon));
        out.values.push_back(colon == std::string_view::npos ? std::string_view()
                                                             : line.substr(colon + 2));
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    }
    return out;
}

std::vector<http::Header> caller_headers(const HttpRequest& request,
                                         const CredentialHeaders& credential) {
    std::vector<http::Header> out;
    for (const HttpHeader& h : request.headers) {
        http::check_header(h.name, h.value);
        if (http::is_reserved_header(h.name)) {
            throw Error(ErrorCode::invalid_argument,
                        "header '" + h.name + "' is set by tresor, never by the caller");
        }
        if (std::any_of(credential.names.begin(), credential.names.end(),
                        [&](const std::string& n) { return http::same_header_name(n, h.name); })) {
            throw Error(ErrorCode::invalid_argument,
                        "header '" + h.name + "' carries the credential; the caller cannot set it");
        }
        out.push_back({h.name, h.value});
    }
    return out;
}

// Every form of the value a server could send back: the value (each line of
// a custom one), each header value, and each header value's credentials
// after its scheme ("Basic <this>"), each also JSON-escaped.
std::vector<Secret> needles_for(const Secret& value, const CredentialHeaders& credential) {
    std::vector<Secret> needles;
    for (std::string_view rest = value.view();;) {
        const std::size_t end = rest.find('\n');
        http::add_needle_forms(rest.substr(0, end), needles);
        if (end == std::string_view::npos) {
            break;
        }
        rest = rest.substr(end + 1);
    }
    for (std::string_view v : credential.values) {
        http::add_needle_forms(v, needles);
        if (const std::size_t space = v.find(' '); space != std::string_view::npos) {
            http::add_needle_forms(v.substr(space + 1), needles);
        }
    }
    // Longest first, once, rather than in each of the redactions below.
    std::stable_sort(needles.begin(), needles.end(),
                     [](const Secret& a, const Secret& b) { return a.size() > b.size(); });
    return needles;
}

}  // namespace

std::vector<http::Origin> origins_of(const Entry& entry) {
    const auto it = entry.attributes.find("origins");
    if (it == entry.attributes.end()) {
        throw Error(ErrorCode::permission_denied,
                    "credential " + key_text(entry) +
                        " names no origins, so tresor sends it nowhere: store it with its "
                        "origins (tresor set ... --origin https://api.example.com)");
    }
    return http::parse_origin_list(it->second);
}

HttpResponse send_with_credential(http::Client& client, const Entry& entry,
                                  const std::vector<http::Origin>& origins, const Secret& value,
                                  const HttpRequest& request) {
    check_limits(request);
    check_method(request.method);
    const http::Url url = http::parse_url(request.url);
    if (std::find(origins.begin(), origins.end(), url.origin) == origins.end()) {
        throw Error(ErrorCode::permission_denied,
                    url.origin.text() + " is not an origin of credential " + key_text(entry) +
                        " (it is sent only to: " + entry.attributes.at("origins") + ")");
    }
    const Secret lines = render_header(entry, value);
    const CredentialHeaders credential = split_lines(lines);
    const std::vector<http::Header> headers = caller_headers(request, credential);
    const std::vector<Secret> needles = needles_for(value, credential);

    http::Request out;
    out.method = request.method;
    out.url = &url;
    out.headers = headers;
    out.secret_headers = &lines;
    out.body = {reinterpret_cast<const std::uint8_t*>(request.body.data()), request.body.size()};
    out.timeout = request.timeout;
    out.max_response_bytes = request.max_response_bytes;
    http::Response in = client.perform(out);

    HttpResponse response;
    response.status = in.status;
    const bool body_redacted = http::redact(in.body, needles);
    response.redacted = body_redacted;
    for (http::Header& h : in.headers) {
        response.redacted = http::redact(h.name, needles) | response.redacted;
        response.redacted = http::redact(h.value, needles) | response.redacted;
    }
    // The body given back is whole and plain: a length or an encoding of the
    // bytes as sent would describe another body.
    const bool body_changed = body_redacted || in.decoded;
    for (http::Header& h : in.headers) {
        if ((body_changed && http::same_header_name(h.name, "content-length")) ||
            (in.decoded && http::same_header_name(h.name, "content-encoding"))) {
            continue;
        }
        response.headers.push_back({std::move(h.name), std::move(h.value)});
    }
    response.body.assign(in.body.begin(), in.body.end());
    return response;
}

}  // namespace tresor::core
