// What a token endpoint answers, read (core/oauth2_token.hpp): each kind of
// answer to its token or its typed error, and the messages never quoting a
// token, a body or an error_description. The token requests themselves
// run against a real server in tests/integration/oauth2.
#include <boost/test/unit_test.hpp>
#include <string>

#include "core/oauth2_token.hpp"

namespace {

using tresor::ErrorCode;
using tresor::core::TokenEndpointError;
using Kind = TokenEndpointError::Kind;

constexpr std::int64_t kNow = 1'800'000'000;

std::span<const std::uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

tresor::core::TokenRecord parse(int status, std::string_view body) {
    return tresor::core::parse_token_response(status, bytes(body), kNow, "https://auth.example");
}

// Refused as `kind` with `code`, naming the endpoint, quoting nothing
// secret-looking from the body.
auto refused(Kind kind, ErrorCode code, std::string words) {
    return [=](const TokenEndpointError& e) {
        const std::string what = e.what();
        return e.kind() == kind && e.code() == code && what.find(words) != std::string::npos &&
               what.find("https://auth.example") != std::string::npos &&
               what.find("SECRET") == std::string::npos;
    };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(oauth2_token)

BOOST_AUTO_TEST_CASE(a_token_answer_gives_the_token_its_expiry_and_refresh_token) {
    const auto record = parse(200, R"({"access_token":"at-SECRET","token_type":"bearer",
        "expires_in":3600,"refresh_token":"rt-SECRET","scope":"a b"})");
    BOOST_TEST(record.access_token.view() == "at-SECRET");
    BOOST_TEST(record.expires_at == kNow + 3600);
    BOOST_TEST(record.refresh_token->view() == "rt-SECRET");
    const auto back = tresor::core::decode_token_record(tresor::core::encode_token_record(record));
    BOOST_TEST(back.access_token.view() == "at-SECRET");
    BOOST_TEST(back.expires_at == kNow + 3600);
    BOOST_TEST(back.refresh_token->view() == "rt-SECRET");
}

BOOST_AUTO_TEST_CASE(each_failure_is_its_kind) {
    BOOST_CHECK_EXCEPTION(
        parse(401, R"({"error":"invalid_client","error_description":"SECRET was wrong"})"),
        TokenEndpointError,
        refused(Kind::invalid_client, ErrorCode::auth_failed, "invalid_client"));
    BOOST_CHECK_EXCEPTION(parse(400, R"({"error":"invalid_grant"})"), TokenEndpointError,
                          refused(Kind::invalid_grant, ErrorCode::auth_failed, "invalid_grant"));
    BOOST_CHECK_EXCEPTION(parse(400, R"({"error":"invalid_scope"})"), TokenEndpointError,
                          refused(Kind::oauth_error, ErrorCode::auth_failed, "invalid_scope"));
    // An error code that is not plain text is not repeated.
    BOOST_CHECK_EXCEPTION(parse(400, R"({"error":"SECRET\nline"})"), TokenEndpointError,
                          refused(Kind::oauth_error, ErrorCode::auth_failed, "an error"));
    BOOST_CHECK_EXCEPTION(parse(502, "SECRET"), TokenEndpointError,
                          refused(Kind::http_status, ErrorCode::io, "HTTP 502"));
    BOOST_CHECK_EXCEPTION(parse(200, "<html>SECRET</html>"), TokenEndpointError,
                          refused(Kind::not_json, ErrorCode::io, "not a JSON object"));
    BOOST_CHECK_EXCEPTION(parse(200, R"({"access_token":"SECRET","token_type":"Bearer"})"),
                          TokenEndpointError,
                          refused(Kind::no_expires_in, ErrorCode::io, "no expires_in"));
    BOOST_CHECK_EXCEPTION(
        parse(200, R"({"access_token":"SECRET","token_type":"Bearer","expires_in":"3600"})"),
        TokenEndpointError, refused(Kind::no_expires_in, ErrorCode::io, "no expires_in"));
    BOOST_CHECK_EXCEPTION(
        parse(200, R"({"access_token":"SECRET","token_type":"mac","expires_in":60})"),
        TokenEndpointError, refused(Kind::no_access_token, ErrorCode::io, "token_type Bearer"));
    BOOST_CHECK_EXCEPTION(
        parse(200, R"({"access_token":"SECRET\r\nX: y","token_type":"Bearer","expires_in":60})"),
        TokenEndpointError, refused(Kind::no_access_token, ErrorCode::io, "CR, LF"));
    // An error member wins over a 200 status.
    BOOST_CHECK_EXCEPTION(parse(200, R"({"error":"invalid_grant","access_token":"SECRET"})"),
                          TokenEndpointError,
                          refused(Kind::invalid_grant, ErrorCode::auth_failed, "invalid_grant"));
}

BOOST_AUTO_TEST_CASE(device_polls_tell_pending_and_slow_down) {
    using tresor::core::DevicePoll;
    BOOST_TEST((tresor::core::device_poll_state(
                    400, bytes(R"({"error":"authorization_pending"})")) == DevicePoll::pending));
    BOOST_TEST((tresor::core::device_poll_state(400, bytes(R"({"error":"slow_down"})")) ==
                DevicePoll::slow_down));
    BOOST_TEST(!tresor::core::device_poll_state(400, bytes(R"({"error":"access_denied"})")));
    BOOST_TEST(!tresor::core::device_poll_state(200, bytes(R"({"access_token":"x"})")));
}

BOOST_AUTO_TEST_CASE(a_record_that_is_not_tresors_is_corrupt) {
    for (const char* text : {"", "[]", R"({"access_token":"a"})", R"({"expires_at":1})",
                             R"({"access_token":"a","expires_at":"1"})"}) {
        BOOST_CHECK_EXCEPTION(
            (void)tresor::core::decode_token_record(tresor::Secret(std::string_view(text))),
            tresor::Error, [](const tresor::Error& e) { return e.code() == ErrorCode::corrupt; });
    }
}

BOOST_AUTO_TEST_SUITE_END()
