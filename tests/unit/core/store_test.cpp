// The Store API's contract, exercised through the memory plugin loaded with
// dlopen from the build tree.
#define BOOST_TEST_MODULE store
#include <boost/test/unit_test.hpp>

#include <thread>

#include "support/test_support.hpp"
#include "tresor/store.hpp"

using tresor::Entry;
using tresor::Error;
using tresor::ErrorCode;
using tresor::Key;
using tresor::Secret;
using tresor::SecretType;
using tresor::SetOptions;
using tresor::Store;

namespace {

constexpr const char* kMemoryConfig = R"(
default_service = "my-app"
[backend.mem]
plugin = "memory"
)";

std::string text(const std::optional<Secret>& s) {
    return s ? std::string(s->view()) : "<none>";
}

}  // namespace

BOOST_AUTO_TEST_CASE(set_then_get_round_trips) {
    Store store = Store::from_toml(kMemoryConfig);
    store.set({"github", "alice"}, Secret("s3cr3t"));
    BOOST_TEST(text(store.get({"github", "alice"})) == "s3cr3t");
    store.set({"github", "alice"}, Secret("replaced"));
    BOOST_TEST(text(store.get({"github", "alice"})) == "replaced");
}

BOOST_AUTO_TEST_CASE(missing_key_is_empty_not_an_error) {
    Store store = Store::from_toml(kMemoryConfig);
    BOOST_TEST(!store.get({"github", "nobody"}).has_value());
    BOOST_TEST(!store.entry({"github", "nobody"}).has_value());
}

BOOST_AUTO_TEST_CASE(remove_says_whether_it_removed_something) {
    Store store = Store::from_toml(kMemoryConfig);
    store.set({"svc", "k"}, Secret("v"));
    BOOST_TEST(store.remove({"svc", "k"}));
    BOOST_TEST(!store.remove({"svc", "k"}));
    BOOST_TEST(!store.get({"svc", "k"}).has_value());
}

BOOST_AUTO_TEST_CASE(values_are_binary_safe) {
    Store store = Store::from_toml(kMemoryConfig);
    const std::string binary("\0a\0\xff\x00z", 6);
    store.set({"svc", "bin"}, Secret(binary));
    store.set({"svc", "empty"}, Secret(""));
    BOOST_TEST(text(store.get({"svc", "bin"})) == binary);
    const auto empty = store.get({"svc", "empty"});
    BOOST_REQUIRE(empty.has_value());
    BOOST_TEST(empty->empty());
}

BOOST_AUTO_TEST_CASE(empty_service_means_the_default_service) {
    Store store = Store::from_toml(kMemoryConfig);
    BOOST_TEST(store.default_service() == "my-app");
    store.set({"", "token"}, Secret("t"));
    BOOST_TEST(text(store.get({"my-app", "token"})) == "t");
    BOOST_REQUIRE_EQUAL(store.list("").size(), 1u);
}

BOOST_AUTO_TEST_CASE(list_returns_metadata_only) {
    Store store = Store::from_toml(kMemoryConfig);
    SetOptions options;
    options.type = SecretType::api_key;
    options.label = "CI token";
    options.description = "used by the release job";
    options.expires_at = tresor::Timestamp(std::chrono::seconds(4102444800));  // 2100-01-01
    store.set({"github", "ci"}, Secret("ghp_x"), options);
    store.set({"github", "alice"}, Secret("pw"));
    store.set({"gitlab", "bob"}, Secret("pw2"));

    const std::vector<Entry> github = store.list("github");
    BOOST_REQUIRE_EQUAL(github.size(), 2u);
    BOOST_TEST(github[0].name == "alice");
    const Entry& ci = github[1];
    BOOST_TEST(ci.service == "github");
    BOOST_TEST(ci.name == "ci");
    BOOST_TEST((ci.type == SecretType::api_key));
    BOOST_TEST(ci.label == "CI token");
    BOOST_TEST(ci.description == "used by the release job");
    BOOST_TEST(ci.backend == "mem");
    BOOST_TEST(ci.created_at.has_value());
    BOOST_TEST(ci.updated_at.has_value());
    BOOST_TEST((ci.expires_at == options.expires_at));
    BOOST_TEST(store.list().size() == 3u);
    const auto entry = store.entry({"github", "ci"});
    BOOST_REQUIRE(entry.has_value());
    BOOST_TEST(entry->label == "CI token");
}

BOOST_AUTO_TEST_CASE(expired_secrets_read_as_missing) {
    Store store = Store::from_toml(kMemoryConfig);
    SetOptions options;
    options.expires_at =
        std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) +
        std::chrono::seconds(2);
    store.set({"svc", "old"}, Secret("stale"), options);
    BOOST_TEST(store.get({"svc", "old"}).has_value());
    std::this_thread::sleep_until(*options.expires_at + std::chrono::milliseconds(50));
    BOOST_TEST(!store.get({"svc", "old"}).has_value());
    BOOST_TEST(store.list("svc").empty());
}

// Issue 15, finding 11: the epoch was stored as "never expires", and any
// other past time as an entry nobody could read.
BOOST_AUTO_TEST_CASE(an_expiry_that_is_not_in_the_future_is_refused) {
    Store store = Store::from_toml(kMemoryConfig);
    for (const auto seconds : {0, 1000}) {
        SetOptions options;
        options.expires_at = tresor::Timestamp(std::chrono::seconds(seconds));
        BOOST_CHECK_EXCEPTION(
            store.set({"svc", "k"}, Secret("v"), options), Error, [](const Error& e) {
                return e.code() == ErrorCode::invalid_argument &&
                       std::string(e.what()).find("not in the future") != std::string::npos;
            });
    }
    BOOST_TEST(!store.get({"svc", "k"}).has_value());
}

// Issue 22, finding 1: past 2262-04-11 a Timestamp in nanoseconds wraps, so
// 9999-12-31 and INT64_MAX seconds (git's and the C API's "never") were
// refused as past.
BOOST_AUTO_TEST_CASE(far_future_expiries_are_in_the_future) {
    Store store = Store::from_toml(kMemoryConfig);
    for (const std::int64_t seconds :
         {std::int64_t{9999999999}, std::int64_t{253402300799}, INT64_MAX}) {
        SetOptions options;
        options.expires_at = tresor::Timestamp(std::chrono::seconds(seconds));
        store.set({"svc", "far"}, Secret("v"), options);
        const auto entry = store.entry({"svc", "far"});
        BOOST_REQUIRE(entry.has_value());
        BOOST_TEST(entry->expires_at->time_since_epoch().count() == seconds);
        BOOST_TEST(store.get({"svc", "far"}).has_value());
    }
}

BOOST_AUTO_TEST_CASE(bad_keys_are_invalid_arguments) {
    Store store = Store::from_toml(kMemoryConfig);
    auto invalid = [](const Error& e) { return e.code() == ErrorCode::invalid_argument; };
    BOOST_CHECK_EXCEPTION(store.set({"svc", ""}, Secret("v")), Error, invalid);
    BOOST_CHECK_EXCEPTION((void)store.get({"svc", std::string("a\0b", 3)}), Error, invalid);
    BOOST_CHECK_EXCEPTION((void)store.get({std::string(5000, 's'), "n"}), Error, invalid);
}

BOOST_AUTO_TEST_CASE(error_messages_never_contain_the_secret) {
    Store store = Store::from_toml(kMemoryConfig);
    try {
        SetOptions options;
        options.label = std::string("bad\0label", 9);
        store.set({"svc", "n"}, Secret("TOPSECRET-VALUE"), options);
        BOOST_FAIL("no error");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("TOPSECRET") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(one_store_is_safe_from_many_threads) {
    Store store = Store::from_toml(kMemoryConfig);
    constexpr int kThreads = 8;
    constexpr int kOps = 300;
    std::vector<std::thread> threads;
    std::atomic<int> mismatches{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            Store copy = store;  // copies share the open backends
            for (int i = 0; i < kOps; ++i) {
                const Key key{"svc" + std::to_string(t), "k" + std::to_string(i)};
                const std::string value = std::to_string(t * 100000 + i);
                copy.set(key, Secret(value));
                if (text(copy.get(key)) != value) {
                    ++mismatches;
                }
                if (i % 3 == 0 && !copy.remove(key)) {
                    ++mismatches;
                }
                (void)copy.list("svc" + std::to_string((t + 1) % kThreads));
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    BOOST_TEST(mismatches.load() == 0);
    std::size_t expected = 0;
    for (int i = 0; i < kOps; ++i) {
        expected += i % 3 != 0;
    }
    BOOST_TEST(store.list().size() == expected * kThreads);
}

// Issue 10: a plugin without set_many (the memory plugin) gets the batch one
// entry at a time, with each entry's metadata.
BOOST_AUTO_TEST_CASE(set_many_without_the_plugin_entry_point_sets_each_entry) {
    Store store = Store::from_toml(kMemoryConfig);
    store.set({"svc", "b"}, Secret("old"));
    std::vector<tresor::NewSecret> batch;
    batch.push_back({{"svc", "a"}, Secret("1"), {SecretType::api_key, "label a", "", {}, {}}});
    batch.push_back({{"svc", "b"}, Secret("2"), {}});
    batch.push_back({{"", "c"}, Secret("3"), {}});  // the default service
    store.set_many(batch);
    BOOST_TEST(text(store.get({"svc", "a"})) == "1");
    BOOST_TEST(text(store.get({"svc", "b"})) == "2");
    BOOST_TEST(text(store.get({"my-app", "c"})) == "3");
    BOOST_TEST((store.entry({"svc", "a"})->type == SecretType::api_key));
    BOOST_TEST(store.entry({"svc", "a"})->label == "label a");
}

BOOST_AUTO_TEST_CASE(set_many_checks_every_key_before_writing_any) {
    Store store = Store::from_toml(kMemoryConfig);
    std::vector<tresor::NewSecret> batch;
    batch.push_back({{"svc", "fine"}, Secret("1"), {}});
    batch.push_back({{"svc", ""}, Secret("2"), {}});
    BOOST_CHECK_THROW(store.set_many(batch), Error);
    BOOST_TEST(!store.get({"svc", "fine"}).has_value());
}

BOOST_AUTO_TEST_CASE(set_many_refuses_a_batch_spanning_two_backends) {
    Store store = Store::from_toml(R"(
chain = ["one"]
[backend.one]
plugin = "memory"
[backend.two]
plugin = "memory"
[routes]
"other" = "two"
)");
    std::vector<tresor::NewSecret> batch;
    batch.push_back({{"svc", "a"}, Secret("1"), {}});
    batch.push_back({{"other", "b"}, Secret("2"), {}});
    BOOST_CHECK_EXCEPTION(store.set_many(batch), Error, [](const Error& e) {
        return e.code() == ErrorCode::invalid_argument &&
               std::string(e.what()).find("'one' and 'two'") != std::string::npos;
    });
    BOOST_TEST(!store.get({"svc", "a"}).has_value());
}

// A plugin without set_many that fails in the middle of a batch: the entries
// already written are undone, a replaced one gets its old value back.
BOOST_AUTO_TEST_CASE(set_many_one_by_one_undoes_the_earlier_entries_when_one_fails) {
    Store store = Store::from_toml("plugin_path = \"" +
                                   (tresor::test::build_dir() / "test-plugins").string() +
                                   "\"\n[backend.flaky]\nplugin = \"flaky-set\"\n"
                                   "fail_on_set = 4\n");
    store.set({"svc", "b"}, Secret("old"));  // set 1
    std::vector<tresor::NewSecret> batch;
    batch.push_back({{"svc", "a"}, Secret("new a"), {}});  // set 2
    batch.push_back({{"svc", "b"}, Secret("new b"), {}});  // set 3
    batch.push_back({{"svc", "c"}, Secret("new c"), {}});  // set 4 fails
    BOOST_CHECK_EXCEPTION(store.set_many(batch), Error,
                          [](const Error& e) { return e.code() == ErrorCode::io; });
    BOOST_TEST(!store.get({"svc", "a"}).has_value());
    BOOST_TEST(text(store.get({"svc", "b"})) == "old");
    BOOST_TEST(!store.get({"svc", "c"}).has_value());
}
