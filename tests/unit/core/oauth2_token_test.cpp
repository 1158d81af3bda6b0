// What a token endpoint answers, read (core/oauth2_token.hpp): each kind of
// answer to its token or its typed error, and the messages never quoting a
// token, a body or an error_description. The token requests themselves
// run against a real server in tests/integration/oauth2.
#include <boost/test/unit_test.hpp>
#include <string>

#include "core/oauth2_redirect.hpp"
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

BOOST_AUTO_TEST_CASE(the_end_of_a_device_login_is_typed) {
    BOOST_CHECK_EXCEPTION((void)parse(400, R"({"error":"access_denied"})"), TokenEndpointError,
                          refused(Kind::access_denied, ErrorCode::auth_failed, "refused"));
    BOOST_CHECK_EXCEPTION((void)parse(400, R"({"error":"expired_token"})"), TokenEndpointError,
                          refused(Kind::expired_token, ErrorCode::auth_failed, "expired"));
}

BOOST_AUTO_TEST_CASE(a_device_authorization_answer_is_read) {
    const auto device = tresor::core::parse_device_authorization(
        200,
        bytes(R"({"device_code":"SECRET-dc","user_code":"WDJB-MJHT",)"
              R"("verification_uri":"https://auth.example/device","expires_in":900})"),
        "https://auth.example");
    BOOST_TEST(device.device_code.view() == "SECRET-dc");
    BOOST_TEST(device.user_code == "WDJB-MJHT");
    BOOST_TEST(device.verification_uri == "https://auth.example/device");
    BOOST_TEST(device.verification_uri_complete.empty());
    BOOST_TEST(device.expires_in == 900);
    BOOST_TEST(device.interval == 5);  // RFC 8628 section 3.2's default
}

BOOST_AUTO_TEST_CASE(a_device_authorization_answer_that_cannot_be_shown_is_refused) {
    const std::string good_tail = R"("expires_in":900,"interval":1})";
    for (const std::string& body : {
             // a user code with a terminal escape
             std::string(R"({"device_code":"SECRET","user_code":"\u001b[2J",)"
                         R"("verification_uri":"https://a/d",)") +
                 good_tail,
             // a verification URI over plain http to another machine
             std::string(R"({"device_code":"SECRET","user_code":"AB",)"
                         R"("verification_uri":"http://evil.example/d",)") +
                 good_tail,
             // no device code, no expiry, a zero interval
             std::string(R"({"user_code":"AB","verification_uri":"https://a/d",)") + good_tail,
             std::string(
                 R"({"device_code":"SECRET","user_code":"AB","verification_uri":"https://a/d"})"),
             std::string(
                 R"({"device_code":"SECRET","user_code":"AB","verification_uri":"https://a/d",)"
                 R"("expires_in":900,"interval":0})"),
         }) {
        BOOST_CHECK_EXCEPTION((void)tresor::core::parse_device_authorization(
                                  200, bytes(body), "https://auth.example"),
                              TokenEndpointError,
                              refused(Kind::no_device_code, ErrorCode::io, "device_code"));
    }
    BOOST_CHECK_EXCEPTION(
        (void)tresor::core::parse_device_authorization(400, bytes(R"({"error":"invalid_client"})"),
                                                       "https://auth.example"),
        TokenEndpointError,
        refused(Kind::invalid_client, ErrorCode::auth_failed, "device authorization endpoint"));
}

BOOST_AUTO_TEST_CASE(the_loopback_redirect_is_read) {
    using tresor::core::Redirect;
    const auto redirect = [](std::string_view head) {
        return tresor::core::parse_redirect(bytes(head), "/callback");
    };
    const Redirect code =
        redirect("GET /callback?state=s%2B1&code=SECRET%2Fc+d&iss=x HTTP/1.1\r\nHost: h\r\n\r\n");
    BOOST_TEST((code.kind == Redirect::Kind::code));
    BOOST_TEST(code.code.view() == "SECRET/c d");
    BOOST_TEST(code.state == "s+1");
    const Redirect error = redirect("GET /callback?error=access_denied&state=s HTTP/1.1\r\n\r\n");
    BOOST_TEST((error.kind == Redirect::Kind::error));
    BOOST_TEST(error.error == "access_denied");
    BOOST_TEST(error.code.empty());
    BOOST_TEST(redirect("GET /callback?error=%3Cscript%3E&state=s HTTP/1.1\r\n\r\n").error ==
               "an error");
    BOOST_TEST((redirect("GET /favicon.ico HTTP/1.1\r\n\r\n").kind == Redirect::Kind::other_path));
    for (std::string_view bad : {
             "POST /callback?code=c&state=s HTTP/1.1\r\n\r\n",         // not a GET
             "GET /callback?code=c&code=d&state=s HTTP/1.1\r\n\r\n",   // a code given twice
             "GET /callback?code=c%0A&state=s HTTP/1.1\r\n\r\n",       // a control byte
             "GET /callback?code=c%zz&state=s HTTP/1.1\r\n\r\n",       // a broken escape
             "GET /callback?state=s HTTP/1.1\r\n\r\n",                 // neither code nor error
             "GET /callback?code=c&error=e&state=s HTTP/1.1\r\n\r\n",  // both
             "GET /callback HTTP/1.1\r\n\r\n",
             "GET /callback?code=c HTTP/2\r\n\r\n",
             "",
         }) {
        const Redirect r = redirect(bad);
        BOOST_TEST((r.kind == Redirect::Kind::malformed), bad);
        BOOST_TEST(r.code.empty());
    }
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
