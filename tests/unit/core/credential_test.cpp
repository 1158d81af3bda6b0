// Typed credentials through the Store (memory plugin): the fields each type
// needs, metadata that lists them, and header rendering under the `use`
// scope alone.
#include <boost/test/unit_test.hpp>

#include "core/credential.hpp"
#include "tests/support/doc_text.hpp"
#include "tests/support/test_support.hpp"
#include "tresor/store.hpp"

using tresor::Error;
using tresor::ErrorCode;
using tresor::Scope;
using tresor::Secret;
using tresor::SecretType;
using tresor::SetOptions;
using tresor::Store;
using tresor::test::kMemoryConfig;

namespace {

SetOptions typed(SecretType type, tresor::Attributes attributes = {}) {
    SetOptions options;
    options.type = type;
    options.attributes = std::move(attributes);
    return options;
}

std::string header_of(Store& store, const tresor::Key& key) {
    auto header = store.narrowed({Scope::read}).header(key);
    return header ? std::string(header->view()) : "<none>";
}

auto invalid_saying(std::string words) {
    return [words](const Error& e) {
        return e.code() == ErrorCode::invalid_argument &&
               std::string(e.what()).find(words) != std::string::npos;
    };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(credentials)

BOOST_AUTO_TEST_CASE(basic_auth_lists_its_username_and_renders_a_basic_header) {
    Store store = Store::from_toml(kMemoryConfig);
    store.set({"github", "ci"}, Secret("open sesame"),
              typed(SecretType::basic_auth, {{"username", "alice"}}));
    const auto entry = store.narrowed({Scope::metadata}).entry({"github", "ci"});
    BOOST_REQUIRE(entry.has_value());
    BOOST_TEST((entry->type == SecretType::basic_auth));
    BOOST_TEST(entry->attributes.at("username") == "alice");
    BOOST_TEST(store.list("github").at(0).attributes.at("username") == "alice");
    // base64("alice:open sesame")
    BOOST_TEST(header_of(store, {"github", "ci"}) ==
               "Authorization: Basic YWxpY2U6b3BlbiBzZXNhbWU=");
}

BOOST_AUTO_TEST_CASE(tokens_and_keys_render_their_header) {
    Store store = Store::from_toml(kMemoryConfig);
    store.set({"s", "bearer"}, Secret("tok"), typed(SecretType::bearer_token));
    store.set({"s", "key"}, Secret("k1"), typed(SecretType::api_key));
    store.set({"s", "named"}, Secret("k2"), typed(SecretType::api_key, {{"header", "X-API-Key"}}));
    store.set({"s", "multi"}, Secret("a1\nb2"),
              typed(SecretType::custom, {{"headers", "X-Id,X-Secret"}}));
    BOOST_TEST(header_of(store, {"s", "bearer"}) == "Authorization: Bearer tok");
    BOOST_TEST(header_of(store, {"s", "key"}) == "Authorization: Bearer k1");
    BOOST_TEST(header_of(store, {"s", "named"}) == "X-API-Key: k2");
    BOOST_TEST(header_of(store, {"s", "multi"}) == "X-Id: a1\nX-Secret: b2");
    BOOST_TEST(header_of(store, {"s", "missing"}) == "<none>");
    // A proxy's credential is a credential too (framing headers are not).
    store.set({"s", "proxy"}, Secret("k3"),
              typed(SecretType::api_key, {{"header", "Proxy-Authorization"}}));
    BOOST_TEST(header_of(store, {"s", "proxy"}) == "Proxy-Authorization: k3");
}

// A header carries the value (this bearer token verbatim): rendering one is
// reading, so a use-only handle, which may only have tresor make the request,
// gets neither.
BOOST_AUTO_TEST_CASE(a_header_needs_the_read_scope_like_the_value) {
    Store store = Store::from_toml(kMemoryConfig);
    store.set({"s", "t"}, Secret("tok"), typed(SecretType::bearer_token));
    Store reader = store.narrowed({Scope::read});
    BOOST_TEST(reader.header({"s", "t"}).has_value());
    const auto denied = [](const Error& e) { return e.code() == ErrorCode::permission_denied; };
    Store user = store.narrowed({Scope::use, Scope::metadata, Scope::store});
    BOOST_CHECK_EXCEPTION((void)user.header({"s", "t"}), Error, denied);
    BOOST_CHECK_EXCEPTION((void)user.get({"s", "t"}), Error, denied);
}

BOOST_AUTO_TEST_CASE(types_without_a_header_form_say_why) {
    Store store = Store::from_toml(kMemoryConfig);
    store.set({"s", "pw"}, Secret("pw"));
    // Without a token URL (as git's refresh tokens are stored) there is no
    // token to ask for (tests/integration/oauth2 has the token requests).
    store.set({"s", "oauth"}, Secret("client-secret"),
              typed(SecretType::oauth2, {{"client_id", "app"}, {"scopes", "read write"}}));
    Store user = store.narrowed({Scope::read});
    BOOST_CHECK_EXCEPTION((void)user.header({"s", "pw"}), Error, invalid_saying("no header form"));
    BOOST_CHECK_EXCEPTION((void)user.header({"s", "oauth"}), Error,
                          invalid_saying("field 'token_url' is required for a token request"));
    BOOST_TEST(store.entry({"s", "oauth"})->attributes.at("scopes") == "read write");
    // A custom value without header names is a structured secret (AWS keys).
    store.set({"s", "aws"}, Secret(R"({"AccessKeyId":"AKIA","SecretAccessKey":"k"})"),
              typed(SecretType::custom, {}));
    BOOST_CHECK_EXCEPTION((void)user.header({"s", "aws"}), Error,
                          invalid_saying("no 'headers' field"));
}

BOOST_AUTO_TEST_CASE(origins_are_stored_canonical_and_https_unless_loopback) {
    Store store = Store::from_toml(kMemoryConfig);
    store.set({"s", "k"}, Secret("v"),
              typed(SecretType::api_key,
                    {{"origins", "HTTPS://API.Example.com:443/  http://localhost:8080"}}));
    BOOST_TEST(store.entry({"s", "k"})->attributes.at("origins") ==
               "https://api.example.com http://localhost:8080");
    const struct {
        const char* name;
        SecretType type;
        const char* origins;
        const char* refusal;
    } refused[] = {
        {"k", SecretType::api_key, "http://api.example.com", "plain http"},
        {"k", SecretType::api_key, "https://api.example.com/v1", "without a path"},
        {"k", SecretType::bearer_token, "https://a@evil.example", "user information"},
        // A password has no header form, so nowhere to be sent.
        {"p", SecretType::password, "https://api.example.com", "unknown field 'origins'"},
    };
    for (const auto& c : refused) {
        BOOST_TEST_CONTEXT(c.origins) {
            BOOST_CHECK_EXCEPTION(
                store.set({"s", c.name}, Secret("v"), typed(c.type, {{"origins", c.origins}})),
                Error, invalid_saying(c.refusal));
        }
    }
}

BOOST_AUTO_TEST_CASE(fields_are_checked_against_the_type) {
    Store store = Store::from_toml(kMemoryConfig);
    BOOST_CHECK_EXCEPTION(store.set({"s", "b"}, Secret("p"), typed(SecretType::basic_auth)), Error,
                          invalid_saying("'username' is required"));
    BOOST_CHECK_EXCEPTION(
        store.set({"s", "b"}, Secret("p"), typed(SecretType::basic_auth, {{"username", "a:b"}})),
        Error, invalid_saying("RFC 7617"));
    BOOST_CHECK_EXCEPTION(
        store.set({"s", "b"}, Secret("p"), typed(SecretType::bearer_token, {{"username", "a"}})),
        Error, invalid_saying("unknown field 'username'"));
    BOOST_CHECK_EXCEPTION(
        store.set({"s", "o"}, Secret("p"),
                  typed(SecretType::oauth2, {{"client_id", "a"}, {"token_url", "ftp://x"}})),
        Error, invalid_saying("http(s) URL"));
    BOOST_CHECK_EXCEPTION(store.set({"s", "c"}, Secret("only-one"),
                                    typed(SecretType::custom, {{"headers", "X-A,X-B"}})),
                          Error, invalid_saying("one line per header"));
    BOOST_CHECK_EXCEPTION(
        store.set({"s", "c"}, Secret("v"), typed(SecretType::custom, {{"headers", "X A"}})), Error,
        invalid_saying("header names"));
    // A credential's header authenticates; it never addresses or frames the
    // request (a Host or Content-Length carrying the value).
    BOOST_CHECK_EXCEPTION(
        store.set({"s", "k"}, Secret("v"), typed(SecretType::api_key, {{"header", "host"}})), Error,
        invalid_saying("not Host or a framing header"));
    BOOST_CHECK_EXCEPTION(store.set({"s", "c"}, Secret("a\nb"),
                                    typed(SecretType::custom, {{"headers", "X-A,Content-Length"}})),
                          Error, invalid_saying("not Host or a framing header"));
    BOOST_CHECK_EXCEPTION(
        store.set({"s", "o"}, Secret("p"), typed(SecretType::oauth2, {{"client_secret", "x"}})),
        Error, invalid_saying("unknown field 'client_secret'"));
    BOOST_CHECK_EXCEPTION(store.set({"s", "l"}, Secret("v"),
                                    typed(SecretType::jwt, {{"algorithm", "HS256\r\nX: y"}})),
                          Error, invalid_saying("without control characters"));
    BOOST_TEST(store.list().empty());
}

// A value with a line break would add header lines of its own. Values are
// bytes (a binary api_key is stored), so the check is made when rendering.
BOOST_AUTO_TEST_CASE(a_value_cannot_inject_header_lines) {
    Store store = Store::from_toml(kMemoryConfig);
    store.set({"s", "t"}, Secret("tok\r\nX-Evil: 1"), typed(SecretType::bearer_token));
    BOOST_CHECK_EXCEPTION((void)store.header({"s", "t"}), Error, [](const Error& e) {
        return e.code() == ErrorCode::invalid_argument &&
               std::string(e.what()).find("Evil") == std::string::npos;
    });
}

BOOST_AUTO_TEST_CASE(a_backend_that_cannot_keep_fields_refuses_them) {
    // The test plugin lacks TRESOR_CAP_ATTRIBUTES; its calls would fail with io.
    Store store = Store::from_toml("plugin_path = \"" +
                                   (tresor::test::build_dir() / "test-plugins").string() +
                                   "\"\n[backend.f]\nplugin = \"failing\"\ncalls = \"io\"\n");
    BOOST_CHECK_EXCEPTION(
        store.set({"s", "b"}, Secret("p"), typed(SecretType::basic_auth, {{"username", "alice"}})),
        Error, invalid_saying("cannot keep a credential's fields"));
}

// Issue 22, finding 20: a field that is not UTF-8 cannot be JSON text; it
// was an internal error from the JSON writer, now a typed refusal.
BOOST_AUTO_TEST_CASE(a_field_that_is_not_utf8_is_refused) {
    Store store = Store::from_toml(kMemoryConfig);
    BOOST_CHECK_EXCEPTION(
        store.set({"s", "b"}, Secret("p"), typed(SecretType::basic_auth, {{"username", "al\xff"}})),
        Error, invalid_saying("field 'username' must be UTF-8 text"));
}

BOOST_AUTO_TEST_CASE(attributes_travel_as_sorted_json_and_garbage_is_corrupt) {
    using tresor::core::decode_attributes;
    using tresor::core::encode_attributes;
    BOOST_TEST(encode_attributes({}) == "");
    BOOST_TEST(encode_attributes({{"z", "1"}, {"a", "2"}}) == R"({"a":"2","z":"1"})");
    BOOST_TEST(decode_attributes(R"({"a":"2"})", "b").at("a") == "2");
    // Issue 22, finding 20: the bytes a vault stores, exactly as
    // docs/VAULT-FORMAT.md gives them: no whitespace, keys in byte order,
    // only " and \ escaped, '/' and UTF-8 as they are.
    BOOST_TEST(encode_attributes({{"username", "a\"l\\i/c\xc3\xa9"}, {"B", "x"}, {"a", "y"}}) ==
               "{\"B\":\"x\",\"a\":\"y\",\"username\":\"a\\\"l\\\\i/c\xc3\xa9\"}");
    BOOST_TEST(encode_attributes({{"k", "\xf0\x9f\x94\x91"}, {"\xc3\xa9", "1"}}) ==
               "{\"k\":\"\xf0\x9f\x94\x91\",\"\xc3\xa9\":\"1\"}");
    // Issue 22, finding 20: the worked example of docs/VAULT-FORMAT.md, read
    // from the document, is what the writer produces for its fields.
    const auto example = tresor::test::doc_example(tresor::test::doc_section(
        tresor::test::doc_text("VAULT-FORMAT.md"), "Worked example: a typed record, once used"));
    const tresor::Attributes fields = {{"client_id", "ci \"tresor\" \\ \xc3\xa9/1"},
                                       {"scopes", "repo read:org"},
                                       {"token_url", "https://example.com/oauth/token"}};
    BOOST_REQUIRE(example.count("attributes"));
    BOOST_TEST(encode_attributes(fields) == example.at("attributes"));
    BOOST_TEST((decode_attributes(example.at("attributes"), "b") == fields));
    for (const char* bad : {"{", "[]", R"({"a":1})", "null"}) {
        BOOST_CHECK_EXCEPTION((void)decode_attributes(bad, "b"), Error,
                              [](const Error& e) { return e.code() == ErrorCode::corrupt; });
    }
}

BOOST_AUTO_TEST_SUITE_END()
