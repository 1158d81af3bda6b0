// tests/integration/behaviour/behaviour_cases.hpp — the same behaviour, one
// test body per case, for every backend. Each suite's file (behaviour_test.cpp
// on Linux, tests/windows/behaviour_test.cpp) defines Backend's constructor
// for its backends and instantiates the cases over them.
#pragma once

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "tresor/store.hpp"

namespace {

using tresor::Secret;
using tresor::SecretType;
using tresor::SetOptions;
using tresor::Store;

// A store served by exactly one backend, and a service name no other run uses.
struct Backend {
    std::shared_ptr<void> keep;  // what the backend's config needs alive (a folder)
    Store store;
    std::string service;

    explicit Backend(const std::string& plugin);  // defined by each suite's file

    ~Backend() {
        for (const auto& entry : store.list(service)) {
            (void)store.remove({service, entry.name});
        }
    }
};

std::string text(const std::optional<Secret>& s) {
    return s ? std::string(s->view()) : "<none>";
}

}  // namespace

namespace behaviour {

void text_values_round_trip_and_replace(const std::string& plugin) {
    Backend b(plugin);
    b.store.set({b.service, "alice"}, Secret("first"));
    BOOST_TEST(text(b.store.get({b.service, "alice"})) == "first");
    b.store.set({b.service, "alice"}, Secret("second"));
    BOOST_TEST(text(b.store.get({b.service, "alice"})) == "second");
    BOOST_TEST(b.store.list(b.service).size() == 1u);
}

void binary_and_empty_values_round_trip(const std::string& plugin) {
    Backend b(plugin);
    const std::string binary("\0\x01\xfe\xff\0", 5);
    b.store.set({b.service, "binary"}, Secret(binary));
    b.store.set({b.service, "empty"}, Secret(""));
    BOOST_TEST(text(b.store.get({b.service, "binary"})) == binary);
    const auto empty = b.store.get({b.service, "empty"});
    BOOST_REQUIRE(empty.has_value());
    BOOST_TEST(empty->empty());
}

void unicode_and_odd_names_round_trip(const std::string& plugin) {
    Backend b(plugin);
    const std::string name = "näme ☃/with:odd=chars%";
    b.store.set({b.service, name}, Secret("unicode"));
    BOOST_TEST(text(b.store.get({b.service, name})) == "unicode");
    BOOST_REQUIRE_EQUAL(b.store.list(b.service).size(), 1u);
    BOOST_TEST(b.store.list(b.service)[0].name == name);
}

void metadata_round_trips_and_listing_has_no_values(const std::string& plugin) {
    Backend b(plugin);
    SetOptions options;
    options.type = SecretType::bearer_token;
    options.label = "the label";
    options.description = "what it is for";
    options.expires_at = tresor::Timestamp(std::chrono::seconds(4102444800));
    b.store.set({b.service, "meta"}, Secret("value"), options);
    const auto entries = b.store.list(b.service);
    BOOST_REQUIRE_EQUAL(entries.size(), 1u);
    const auto& e = entries[0];
    BOOST_TEST(e.name == "meta");
    BOOST_TEST((e.type == SecretType::bearer_token));
    BOOST_TEST(e.label == "the label");
    BOOST_TEST(e.description == "what it is for");
    BOOST_TEST((e.expires_at == options.expires_at));
    BOOST_TEST(e.created_at.has_value());
    BOOST_TEST(e.backend == "only");
    const auto one = b.store.entry({b.service, "meta"});
    BOOST_REQUIRE(one.has_value());
    BOOST_TEST(one->label == "the label");
}

void remove_says_whether_and_missing_is_empty(const std::string& plugin) {
    Backend b(plugin);
    BOOST_TEST(!b.store.get({b.service, "nobody"}).has_value());
    BOOST_TEST(!b.store.remove({b.service, "nobody"}));
    b.store.set({b.service, "k"}, Secret("v"));
    BOOST_TEST(b.store.remove({b.service, "k"}));
    BOOST_TEST(!b.store.remove({b.service, "k"}));
    BOOST_TEST(!b.store.get({b.service, "k"}).has_value());
}

void expired_secrets_read_as_missing(const std::string& plugin) {
    Backend b(plugin);
    SetOptions options;
    // Whole seconds: the kernel keyring's timeouts and the vault's times are.
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    options.expires_at = now + std::chrono::seconds(2);
    b.store.set({b.service, "old"}, Secret("stale"), options);
    BOOST_TEST(b.store.get({b.service, "old"}).has_value());
    std::this_thread::sleep_until(*options.expires_at + std::chrono::milliseconds(100));
    BOOST_TEST(!b.store.get({b.service, "old"}).has_value());
}

}  // namespace behaviour

// The behaviours every backend has, and those that need its metadata kept
// (Wine's Credential Manager drops a credential's attributes, so the Windows
// suite runs these only where they are kept).
#define TRESOR_BASIC_BEHAVIOURS(X)        \
    X(text_values_round_trip_and_replace) \
    X(binary_and_empty_values_round_trip) \
    X(unicode_and_odd_names_round_trip)   \
    X(remove_says_whether_and_missing_is_empty)
#define TRESOR_METADATA_BEHAVIOURS(X)                 \
    X(metadata_round_trips_and_listing_has_no_values) \
    X(expired_secrets_read_as_missing)
#define TRESOR_BEHAVIOURS(X) TRESOR_BASIC_BEHAVIOURS(X) TRESOR_METADATA_BEHAVIOURS(X)

#define TRESOR_BEHAVIOUR_CASE(name)                                               \
    BOOST_DATA_TEST_CASE(name, boost::unit_test::data::make(kBackends), plugin) { \
        behaviour::name(plugin);                                                  \
    }
