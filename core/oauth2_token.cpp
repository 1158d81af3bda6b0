#include "core/oauth2_token.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace tresor::core {
namespace {

// Every string the parser makes lives in wiped memory: a token answer holds
// the access and refresh tokens.
using SecureString = std::basic_string<char, std::char_traits<char>, detail::WipingAllocator<char>>;
using Json = nlohmann::basic_json<std::map, std::vector, SecureString, bool, std::int64_t,
                                  std::uint64_t, double, detail::WipingAllocator>;

constexpr std::size_t kMaxCodeBytes = 64;

// RFC 6749 §5.2: an error code is %x20-21 / %x23-5B / %x5D-7E; tresor names
// only the plain ones (letters, digits, '_', '-', '.') and says "an error"
// for the rest, which a message could not show safely.
bool is_plain_code(std::string_view code) {
    return !code.empty() && code.size() <= kMaxCodeBytes &&
           std::all_of(code.begin(), code.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-' || c == '.';
           });
}

std::optional<Json> parse_object(std::span<const std::uint8_t> body) {
    Json json = Json::parse(body.begin(), body.end(), nullptr, false);
    if (!json.is_object()) {
        return std::nullopt;
    }
    return json;
}

std::string_view text_member(const Json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end() || !it->is_string()) {
        return {};
    }
    const SecureString& s = it->template get_ref<const SecureString&>();
    return {s.data(), s.size()};
}

std::string what_of(TokenEndpointError::Kind kind) {
    switch (kind) {
        case TokenEndpointError::Kind::invalid_client:
            return " (the client id or secret was refused: wrong, or the client was revoked)";
        case TokenEndpointError::Kind::invalid_grant:
            return " (the code or refresh token is no longer good)";
        case TokenEndpointError::Kind::access_denied:
            return " (the authorization was refused)";
        case TokenEndpointError::Kind::expired_token:
            return " (the device code expired before the user approved it)";
        default:
            return "";
    }
}

}  // namespace

TokenEndpointError::TokenEndpointError(Kind kind, const std::string& message,
                                       std::string oauth_code)
    : Error(kind == Kind::invalid_client || kind == Kind::invalid_grant ||
                    kind == Kind::oauth_error || kind == Kind::access_denied ||
                    kind == Kind::expired_token
                ? ErrorCode::auth_failed
                : ErrorCode::io,
            message),
      kind_(kind),
      oauth_code_(std::move(oauth_code)) {}

namespace {

// Which endpoint answered, as messages name it.
constexpr std::string_view kTokenEndpoint = "token endpoint ";
constexpr std::string_view kDeviceEndpoint = "device authorization endpoint ";

[[noreturn]] void fail(TokenEndpointError::Kind kind, std::string_view endpoint,
                       const std::string& what, std::string_view role = kTokenEndpoint) {
    throw TokenEndpointError(kind, std::string(role) + std::string(endpoint) + ": " + what);
}

// An RFC 6749 §5.2 (or RFC 8628 §3.5) error answer, when the body is one.
[[noreturn]] void fail_oauth(const Json& object, int status, std::string_view endpoint,
                             std::string_view role = kTokenEndpoint) {
    const std::string_view code = text_member(object, "error");
    using Kind = TokenEndpointError::Kind;
    const Kind kind = code == "invalid_client"  ? Kind::invalid_client
                      : code == "invalid_grant" ? Kind::invalid_grant
                      : code == "access_denied" ? Kind::access_denied
                      : code == "expired_token" ? Kind::expired_token
                                                : Kind::oauth_error;
    const std::string plain = is_plain_code(code) ? std::string(code) : std::string();
    throw TokenEndpointError(kind,
                             std::string(role) + std::string(endpoint) + ": HTTP " +
                                 std::to_string(status) + ", " +
                                 (plain.empty() ? std::string("an error") : plain) + what_of(kind),
                             plain);
}

// Text a terminal shows as it is: printable ASCII, bounded.
bool is_printable(std::string_view text, std::size_t max_bytes) {
    return !text.empty() && text.size() <= max_bytes &&
           std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

bool is_web_uri(std::string_view text) {
    constexpr std::size_t kMaxUriBytes = 2048;
    if (!is_printable(text, kMaxUriBytes)) {
        return false;
    }
    if (text.starts_with("https://")) {
        return true;
    }
    // Plain http only to this machine (a test server, a local gateway).
    for (std::string_view host : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
        if (text.starts_with(host) &&
            (text.size() == host.size() ||
             std::string_view("/:?").find(text[host.size()]) != std::string_view::npos)) {
            return true;
        }
    }
    return false;
}

// A positive integer member no larger than `max`, or nullopt.
std::optional<std::int64_t> seconds_member(const Json& object, const char* name, std::int64_t max) {
    const auto it = object.find(name);
    if (it == object.end() || !it->is_number_integer() || it->get<std::int64_t>() <= 0 ||
        it->get<std::int64_t>() > max) {
        return std::nullopt;
    }
    return it->get<std::int64_t>();
}

}  // namespace

TokenRecord parse_token_response(int status, std::span<const std::uint8_t> body, std::int64_t now,
                                 std::string_view endpoint) {
    using Kind = TokenEndpointError::Kind;
    const std::optional<Json> object = parse_object(body);
    // An error member wins, whatever the status (some servers answer 200).
    if (object && !text_member(*object, "error").empty()) {
        fail_oauth(*object, status, endpoint);
    }
    if (status < 200 || status >= 300) {
        fail(Kind::http_status, endpoint,
             "HTTP " + std::to_string(status) + " without an OAuth error in its body");
    }
    if (!object) {
        fail(Kind::not_json, endpoint, "the answer is not a JSON object");
    }
    const std::string_view access = text_member(*object, "access_token");
    const std::string_view type = text_member(*object, "token_type");
    std::string lower(type);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    if (access.empty() || lower != "bearer") {
        fail(Kind::no_access_token, endpoint,
             "the answer has no access_token of token_type Bearer");
    }
    if (access.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
        fail(Kind::no_access_token, endpoint, "the access_token holds CR, LF or NUL bytes");
    }
    constexpr std::int64_t kMaxLifetime = 10LL * 365 * 24 * 3600;
    const std::optional<std::int64_t> expires = seconds_member(*object, "expires_in", kMaxLifetime);
    if (!expires) {
        fail(Kind::no_expires_in, endpoint,
             "the token has no expires_in (a positive number of seconds); tresor cannot tell "
             "when to fetch a new one");
    }
    TokenRecord record;
    record.access_token = Secret(access);
    record.expires_at = now + *expires;
    const std::string_view refresh = text_member(*object, "refresh_token");
    if (!refresh.empty()) {
        record.refresh_token = Secret(refresh);
    }
    return record;
}

std::optional<DevicePoll> device_poll_state(int status, std::span<const std::uint8_t> body) {
    if (status < 400) {
        return std::nullopt;
    }
    const std::optional<Json> object = parse_object(body);
    if (!object) {
        return std::nullopt;
    }
    const std::string_view code = text_member(*object, "error");
    if (code == "authorization_pending") {
        return DevicePoll::pending;
    }
    if (code == "slow_down") {
        return DevicePoll::slow_down;
    }
    return std::nullopt;
}

DeviceAuthorization parse_device_authorization(int status, std::span<const std::uint8_t> body,
                                               std::string_view endpoint) {
    using Kind = TokenEndpointError::Kind;
    const std::optional<Json> object = parse_object(body);
    if (object && !text_member(*object, "error").empty()) {
        fail_oauth(*object, status, endpoint, kDeviceEndpoint);
    }
    if (status < 200 || status >= 300) {
        fail(Kind::http_status, endpoint,
             "HTTP " + std::to_string(status) + " without an OAuth error in its body",
             kDeviceEndpoint);
    }
    if (!object) {
        fail(Kind::not_json, endpoint, "the answer is not a JSON object", kDeviceEndpoint);
    }
    constexpr std::size_t kMaxUserCodeBytes = 64;
    constexpr std::size_t kMaxDeviceCodeBytes = 4096;
    constexpr std::int64_t kMaxWait = 24 * 3600;
    constexpr std::int64_t kMaxInterval = 600;
    const std::string_view device_code = text_member(*object, "device_code");
    const std::string_view user_code = text_member(*object, "user_code");
    const std::string_view uri = text_member(*object, "verification_uri");
    const std::string_view complete = text_member(*object, "verification_uri_complete");
    const std::optional<std::int64_t> expires = seconds_member(*object, "expires_in", kMaxWait);
    const bool has_interval = object->contains("interval");
    const std::optional<std::int64_t> interval =
        has_interval ? seconds_member(*object, "interval", kMaxInterval)
                     : std::optional<std::int64_t>(5);
    if (!is_printable(device_code, kMaxDeviceCodeBytes) ||
        !is_printable(user_code, kMaxUserCodeBytes) || !is_web_uri(uri) ||
        (!complete.empty() && !is_web_uri(complete)) || !expires || !interval) {
        fail(Kind::no_device_code, endpoint,
             "the answer lacks a device_code, user_code, verification_uri (https), expires_in or "
             "a good interval (RFC 8628 section 3.2)",
             kDeviceEndpoint);
    }
    DeviceAuthorization out;
    out.device_code = Secret(device_code);
    out.user_code = std::string(user_code);
    out.verification_uri = std::string(uri);
    out.verification_uri_complete = std::string(complete);
    out.expires_in = *expires;
    out.interval = *interval;
    return out;
}

Secret encode_token_record(const TokenRecord& record) {
    Json json = Json::object();
    json["access_token"] = SecureString(record.access_token.view());
    json["expires_at"] = record.expires_at;
    if (record.refresh_token) {
        json["refresh_token"] = SecureString(record.refresh_token->view());
    }
    const SecureString text = json.dump();
    return Secret(std::string_view(text.data(), text.size()));
}

TokenRecord decode_token_record(const Secret& value) {
    const std::optional<Json> object = parse_object(value.bytes());
    const auto corrupt = [] {
        return Error(ErrorCode::corrupt,
                     "an oauth2 token record is not the JSON object tresor "
                     "writes (access_token, expires_at, refresh_token)");
    };
    if (!object || !object->contains("expires_at") ||
        !(*object)["expires_at"].is_number_integer()) {
        throw corrupt();
    }
    TokenRecord record;
    record.access_token = Secret(text_member(*object, "access_token"));
    record.expires_at = object->at("expires_at").get<std::int64_t>();
    const std::string_view refresh = text_member(*object, "refresh_token");
    if (!refresh.empty()) {
        record.refresh_token = Secret(refresh);
    }
    if (record.access_token.empty() && !record.refresh_token) {
        throw corrupt();
    }
    return record;
}

}  // namespace tresor::core
