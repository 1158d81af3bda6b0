// The shared behaviour suite (tests/integration/behaviour/behaviour_cases.hpp)
// against Windows Credential Manager through the wincred plugin, plus what
// only this backend has: Windows' 2560-byte limit, names that differ only in
// case, and every awkward character through the target-name escaping.
//
// Wine's Credential Manager keeps a credential's comment but drops its
// attributes, where tresor keeps type, description and expiry; those cases
// run only where a probe finds attributes kept (real Windows), and are
// reported skipped, with the reason, under Wine.
#define BOOST_TEST_MODULE windows_behaviour
#include <windows.h>
// after windows.h:
#include <wincred.h>

#include <boost/test/data/test_case.hpp>
#include <boost/test/included/unit_test.hpp>

#include "integration/behaviour/behaviour_cases.hpp"
#include "tresor/error.hpp"

namespace {

Backend::Backend(const std::string& plugin)
    : store(Store::from_toml("[backend.only]\nplugin = \"" + plugin + "\"\n")),
      service("tresor-behaviour-" + std::to_string(::GetCurrentProcessId()) + "-" + plugin) {}

// Writes a credential with one attribute and reads it back.
struct AttributesKept {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        wchar_t target[] = L"tresor-test:attribute-probe";
        wchar_t keyword[] = L"probe";
        BYTE value[] = {1};
        CREDENTIAL_ATTRIBUTEW attribute{keyword, 0, sizeof(value), value};
        CREDENTIALW c{};
        c.Type = CRED_TYPE_GENERIC;
        c.TargetName = target;
        c.Persist = CRED_PERSIST_SESSION;
        c.AttributeCount = 1;
        c.Attributes = &attribute;
        PCREDENTIALW back = nullptr;
        const bool kept = ::CredWriteW(&c, 0) != FALSE &&
                          ::CredReadW(target, CRED_TYPE_GENERIC, 0, &back) != FALSE &&
                          back->AttributeCount == 1;
        ::CredFree(back);
        ::CredDeleteW(target, CRED_TYPE_GENERIC, 0);
        boost::test_tools::assertion_result result(kept);
        if (!kept) {
            result.message() << "this Credential Manager drops credential attributes (Wine does), "
                                "where wincred keeps type, description and expiry";
        }
        return result;
    }
};

template <typename Call>
tresor::Error error_of(Call&& call) {
    try {
        call();
    } catch (const tresor::Error& e) {
        return e;
    }
    BOOST_FAIL("no tresor::Error thrown");
    throw;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(credential_manager)
const char* const kBackends[] = {"wincred"};
TRESOR_BASIC_BEHAVIOURS(TRESOR_BEHAVIOUR_CASE)

BOOST_AUTO_TEST_CASE(the_label_is_the_comment_and_survives) {
    Backend b("wincred");
    SetOptions options;
    options.label = "shown in the Credential Manager window";
    b.store.set({b.service, "labelled"}, Secret("v"), options);
    const auto entry = b.store.entry({b.service, "labelled"});
    BOOST_REQUIRE(entry.has_value());
    BOOST_TEST(entry->label == "shown in the Credential Manager window");
    BOOST_TEST(entry->updated_at.has_value());
}

BOOST_AUTO_TEST_CASE(values_up_to_2560_bytes_fit_and_a_longer_one_says_how_many) {
    Backend b("wincred");
    std::string largest(2560, '\0');
    for (std::size_t i = 0; i < largest.size(); ++i) {
        largest[i] = static_cast<char>(i * 7);
    }
    b.store.set({b.service, "largest"}, Secret(largest));
    BOOST_TEST(text(b.store.get({b.service, "largest"})) == largest);
    const auto e = error_of([&] { b.store.set({b.service, "too-big"}, Secret(largest + "x")); });
    BOOST_TEST((e.code() == tresor::ErrorCode::invalid_argument));
    BOOST_TEST(
        std::string(e.what()).find("at most 2560 bytes, this value has 2561") != std::string::npos,
        e.what());
    BOOST_TEST(!b.store.get({b.service, "too-big"}).has_value());
    BOOST_TEST(text(b.store.get({b.service, "largest"})) == largest);  // nothing lost
}

BOOST_AUTO_TEST_CASE(names_differing_only_in_case_are_refused_not_merged) {
    Backend b("wincred");
    b.store.set({b.service, "Alice"}, Secret("upper"));
    const auto e = error_of([&] { b.store.set({b.service, "alice"}, Secret("lower")); });
    BOOST_TEST((e.code() == tresor::ErrorCode::invalid_argument));
    BOOST_TEST(!b.store.get({b.service, "alice"}).has_value());
    BOOST_TEST(!b.store.remove({b.service, "alice"}));
    BOOST_TEST(text(b.store.get({b.service, "Alice"})) == "upper");
}

BOOST_AUTO_TEST_CASE(every_awkward_character_round_trips_in_names_and_services) {
    Backend b("wincred");
    const std::vector<std::string> names = {
        "a/b/c",     "%",         "%2F",         "*",        "50%*off",      "tab\there",
        "new\nline", "quote\"'`", "back\\slash", " spaced ", "?[]{}:;=&|<>", "näme ☃ 名前 🔑",
        "tresor:x/y"};
    for (const auto& name : names) {
        b.store.set({b.service, name}, Secret("value of " + name));
    }
    const std::string odd_service = b.service + "/sub*%";
    b.store.set({odd_service, "x"}, Secret("in an odd service"));
    const auto listed = b.store.list(b.service);
    BOOST_TEST(listed.size() == names.size());  // the odd service is not listed here
    for (const auto& name : names) {
        BOOST_TEST(text(b.store.get({b.service, name})) == "value of " + name, name);
        BOOST_TEST(std::count_if(listed.begin(), listed.end(),
                                 [&](const auto& e) { return e.name == name; }) == 1,
                   name);
    }
    BOOST_TEST(b.store.list(odd_service).size() == 1u);
    BOOST_TEST(b.store.remove({odd_service, "x"}));
}

BOOST_AUTO_TEST_CASE(an_unknown_persistence_is_refused) {
    const auto e = error_of([] {
        auto store =
            Store::from_toml("[backend.only]\nplugin = \"wincred\"\npersist = \"forever\"\n");
        (void)store.get({"s", "n"});
    });
    BOOST_TEST(
        std::string(e.what()).find("enterprise, local_machine or session") != std::string::npos,
        e.what());
}
BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(credential_manager_metadata,
                      *boost::unit_test::precondition(AttributesKept()))
const char* const kBackends[] = {"wincred"};
TRESOR_METADATA_BEHAVIOURS(TRESOR_BEHAVIOUR_CASE)
BOOST_AUTO_TEST_SUITE_END()
