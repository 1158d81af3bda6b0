// tresor request: an HTTP request made by tresor with a credential it never
// shows (Store::request), curl's options where curl has them.
#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "cli/key_ref.hpp"
#include "cli/secret_io.hpp"

namespace tresor::cli {
namespace {

constexpr std::size_t kMaxBodyBytes = 64 * 1024 * 1024;

struct RequestArgs {
    std::string key;
    std::string url;
    std::string method;
    std::vector<std::string> headers;
    std::string data;
    bool data_given = false;
    double max_time = 30;
    std::size_t max_bytes = HttpRequest{}.max_response_bytes;
    bool include = false;
};

// curl's -H forms: "Name: value", and "Name;" for an empty value.
HttpHeader parse_header(const std::string& text) {
    if (text.ends_with(';') && text.find(':') == std::string::npos) {
        return {text.substr(0, text.size() - 1), ""};
    }
    const std::size_t colon = text.find(':');
    if (colon == std::string::npos || colon == 0) {
        throw Error(ErrorCode::invalid_argument, "-H takes 'Name: value' (or 'Name;' for empty)");
    }
    const std::size_t value = text.find_first_not_of(" \t", colon + 1);
    return {text.substr(0, colon), value == std::string::npos ? "" : text.substr(value)};
}

// curl's -d: the text itself, @FILE for a file's bytes, @- for stdin's.
std::string read_body(const std::string& data) {
    if (!data.starts_with('@')) {
        return data;
    }
    std::string body;
    if (data == "@-") {
        const SecureBytes in = read_all_stdin();
        body.assign(in.begin(), in.end());
    } else {
        std::ifstream file(data.substr(1), std::ios::binary);
        if (!file) {
            throw Error(ErrorCode::io, "cannot read " + data.substr(1));
        }
        body.assign(std::istreambuf_iterator<char>(file), {});
    }
    if (body.size() > kMaxBodyBytes) {
        throw Error(ErrorCode::invalid_argument, "a request body is at most 64 MiB");
    }
    return body;
}

void print_head(const HttpResponse& response) {
    std::string head = "HTTP " + std::to_string(response.status) + "\r\n";
    for (const HttpHeader& h : response.headers) {
        head += h.name + ": " + h.value + "\r\n";
    }
    write_stdout(head + "\r\n");
}

}  // namespace

void add_request_command(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand(
        "request",
        "Make an HTTP request with a credential tresor adds and never shows (docs/CREDENTIALS.md)");
    auto args = std::make_shared<RequestArgs>();
    cmd->add_option("CREDENTIAL", args->key, "SERVICE/NAME of the credential")->required();
    cmd->add_option("URL", args->url, "An URL of one of the credential's origins")->required();
    cmd->add_option("-X,--request", args->method, "Method (default GET, POST with -d)");
    cmd->add_option("-H,--header", args->headers, "A header 'Name: value' (repeatable)");
    cmd->add_option("-d,--data", args->data, "Body: the text, @FILE or @- (stdin), sent as it is")
        ->each([args](const std::string&) { args->data_given = true; });
    cmd->add_option("-m,--max-time", args->max_time, "Seconds the whole request may take")
        ->check(CLI::Range(0.001, 600.0))
        ->capture_default_str();
    cmd->add_option("--max-bytes", args->max_bytes, "Largest response (headers and body)")
        ->capture_default_str();
    cmd->add_flag("-i,--include", args->include, "Print the status line and headers first");
    cmd->footer(
        "The credential's header is added by tresor and sent only to the origins it was stored\n"
        "with (tresor set ... --origin https://api.example.com). Redirects are not followed;\n"
        "wherever the response holds the value, it reads [REDACTED]. The exit status is 0\n"
        "for any HTTP status; 1 when the credential does not exist; 4 for an origin refused;\n"
        "5 when the server cannot be reached in time or answers too much.\n"
        "Example:\n  tresor request github/ci -H 'Accept: application/json' "
        "https://api.github.com/user");
    cmd->callback([&ctx, args] {
        const Key key = parse_key_ref(args->key);
        HttpRequest request;
        request.url = args->url;
        for (const std::string& h : args->headers) {
            request.headers.push_back(parse_header(h));
        }
        if (args->data_given) {
            request.body = read_body(args->data);
        }
        request.method = !args->method.empty() ? args->method : args->data_given ? "POST" : "GET";
        request.timeout =
            std::chrono::milliseconds(static_cast<std::int64_t>(args->max_time * 1000));
        request.max_response_bytes = args->max_bytes;
        // The `use` scope only: this command never needs to read the value.
        const std::optional<HttpResponse> response =
            ctx.store().narrowed({Scope::use}).request(key, request);
        if (!response) {
            std::cerr << "tresor: not found: " << display_key(key) << "\n";
            ctx.exit_status = kExitNotFound;
            return;
        }
        if (args->include) {
            print_head(*response);
        }
        write_stdout(response->body);
        if (response->redacted) {
            std::cerr << "tresor: the response held the credential; it was replaced by "
                         "[REDACTED]\n";
        }
    });
}

}  // namespace tresor::cli
