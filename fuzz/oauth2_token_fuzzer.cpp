// What an OAuth 2 token endpoint answers (core/oauth2_token.hpp), the token
// record read back from the store, a device authorization answer and the
// request a browser sends to the loopback redirect URI
// (core/oauth2_redirect.hpp): the first byte picks the status class and the
// reader (0x80: record, 0x40: redirect, 0x20: device authorization), the
// status (the byte modulo 5).
#include "core/oauth2_redirect.hpp"
#include "core/oauth2_token.hpp"
#include "fuzz/fuzz_main.hpp"

namespace {

constexpr std::int64_t kNow = 1'800'000'000;
constexpr int kStatuses[] = {200, 201, 400, 401, 500};

}  // namespace

void fuzz_one(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) {
        return;
    }
    const auto body = bytes.subspan(1);
    const int status = kStatuses[bytes[0] % 5];
    if (bytes[0] & 0x80) {
        const auto record = tresor::core::decode_token_record(tresor::Secret(body));
        // What decode reads, encode writes back the same.
        const auto again =
            tresor::core::decode_token_record(tresor::core::encode_token_record(record));
        if (again.expires_at != record.expires_at ||
            again.access_token.view() != record.access_token.view()) {
            std::abort();
        }
        return;
    }
    if (bytes[0] & 0x40) {
        const auto redirect = tresor::core::parse_redirect(body, "/callback");
        using Kind = tresor::core::Redirect::Kind;
        if ((redirect.kind == Kind::code) == redirect.code.empty()) {
            std::abort();  // a code exactly when the redirect carries one
        }
        return;
    }
    if (bytes[0] & 0x20) {
        const auto device = tresor::core::parse_device_authorization(status, body, "https://d");
        if (device.device_code.empty() || device.user_code.empty() || device.interval <= 0 ||
            device.expires_in <= 0 || status >= 300) {
            std::abort();
        }
        return;
    }
    (void)tresor::core::device_poll_state(status, body);
    const auto record = tresor::core::parse_token_response(status, body, kNow, "https://t");
    if (record.access_token.empty() || record.expires_at <= kNow || status >= 300) {
        std::abort();  // a token is only taken from a whole 2xx answer
    }
    const auto back = tresor::core::decode_token_record(tresor::core::encode_token_record(record));
    if (back.access_token.view() != record.access_token.view()) {
        std::abort();
    }
}
