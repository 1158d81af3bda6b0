// The plugin kit (plugins/common/plugin_kit.hpp) as the host sees it: the C
// tables it makes for the memory and example plugins, called directly
// (status mapping, a sink given a secret once, a listing that stops, a 1.0
// entry read only as far as it reaches), and the example plugin behind a
// Store (parameters refused or checked, its own typed error, a batch without
// set_many still all or none).
#define BOOST_TEST_MODULE plugin_kit
#include <dlfcn.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/doc_text.hpp"
#include "support/test_support.hpp"
#include "tresor/error.hpp"
#include "tresor/plugin.h"
#include "tresor/store.hpp"

namespace {

using tresor::ErrorCode;
using tresor::Secret;
using tresor::Store;

// A plugin module's table, loaded directly.
class Module {
  public:
    explicit Module(const std::filesystem::path& file) {
        void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
        BOOST_REQUIRE_MESSAGE(handle != nullptr, ::dlerror());
        auto entry =
            reinterpret_cast<tresor_plugin_entry_fn>(::dlsym(handle, TRESOR_PLUGIN_ENTRY_SYMBOL));
        BOOST_REQUIRE(entry != nullptr);
        table = entry(TRESOR_PLUGIN_ABI_MAJOR, TRESOR_PLUGIN_ABI_MINOR);
        tresor_diag diag{};
        BOOST_REQUIRE_EQUAL(table->open(nullptr, 0, nullptr, &context, &diag), TRESOR_OK);
    }
    // Never unloaded, as the host never unloads one: the secure memory pool a
    // plugin links keeps its pages for the life of the process.
    ~Module() { table->close(context); }
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    tresor_status set(const char* name, const std::string& value, const tresor_entry& meta) {
        const tresor_key key{"svc", name};
        tresor_diag diag{};
        return table->set(context, &key, reinterpret_cast<const std::uint8_t*>(value.data()),
                          value.size(), &meta, &diag);
    }

    const tresor_plugin* table = nullptr;
    void* context = nullptr;
};

tresor_entry meta() {
    tresor_entry m{};
    m.struct_size = sizeof(m);
    m.label = "a label";
    return m;
}

std::filesystem::path memory_plugin() {
    return tresor::test::build_dir() / "plugins" / "tresor-memory.so";
}

struct Sunk {
    int calls = 0;
    std::string bytes;
    int answer = 0;  // what the sink returns
};

int sink_secret(void* ctx, const std::uint8_t* bytes, std::size_t length) {
    auto* s = static_cast<Sunk*>(ctx);
    ++s->calls;
    s->bytes.assign(reinterpret_cast<const char*>(bytes), length);
    return s->answer;
}

int sink_entry(void* ctx, const tresor_entry* e) {
    auto* s = static_cast<Sunk*>(ctx);
    ++s->calls;
    s->bytes += std::string(e->name) + "|" + (e->label != nullptr ? e->label : "<null>") + "|" +
                (e->attributes != nullptr ? e->attributes : "<null>") + ";";
    return s->answer;
}

Store example_store(const std::string& params = "") {
    return Store::from_toml("plugin_path = \"" +
                            (tresor::test::build_dir() / "test-plugins").string() +
                            "\"\n[backend.only]\nplugin = \"example\"\n" + params);
}

ErrorCode code_of(const std::function<void()>& call, std::string& message) {
    try {
        call();
    } catch (const tresor::Error& e) {
        message = e.what();
        return e.code();
    }
    BOOST_FAIL("no error");
    return ErrorCode::internal;
}

}  // namespace

BOOST_AUTO_TEST_CASE(tables_are_filled_by_the_kit) {
    const Module memory(memory_plugin());
    BOOST_TEST(memory.table->struct_size == sizeof(tresor_plugin));
    BOOST_TEST(memory.table->abi_major == TRESOR_PLUGIN_ABI_MAJOR);
    BOOST_TEST(std::string(memory.table->name) == "memory");
    BOOST_TEST(memory.table->set_many == nullptr);  // the class has none
    const Module example(tresor::test::test_plugin("example"));
    BOOST_TEST(std::string(example.table->name) == "example");
    BOOST_TEST(example.table->capabilities == (TRESOR_CAP_LIST | TRESOR_CAP_BINARY));
}

BOOST_AUTO_TEST_CASE(get_gives_once_and_a_refusing_sink_is_an_internal_error) {
    Module m(memory_plugin());
    BOOST_REQUIRE_EQUAL(m.set("k", std::string("v\0w", 3), meta()), TRESOR_OK);
    const tresor_key key{"svc", "k"}, missing{"svc", "nobody"};
    tresor_diag diag{};
    Sunk s;
    BOOST_TEST(m.table->get(m.context, &missing, sink_secret, &s, &diag) == TRESOR_NOT_FOUND);
    BOOST_TEST(s.calls == 0);
    BOOST_TEST(m.table->get(m.context, &key, sink_secret, &s, &diag) == TRESOR_OK);
    BOOST_TEST(s.calls == 1);
    BOOST_TEST(s.bytes == std::string("v\0w", 3));
    s.answer = 1;
    BOOST_TEST(m.table->get(m.context, &key, sink_secret, &s, &diag) == TRESOR_INTERNAL);
    BOOST_TEST(s.calls == 2);
}

BOOST_AUTO_TEST_CASE(a_listing_stops_when_the_host_says_so) {
    Module m(memory_plugin());
    for (const char* name : {"a", "b", "c"}) {
        BOOST_REQUIRE_EQUAL(m.set(name, "v", meta()), TRESOR_OK);
    }
    tresor_diag diag{};
    Sunk all, first;
    first.answer = 1;
    BOOST_TEST(m.table->list(m.context, "svc", sink_entry, &all, &diag) == TRESOR_OK);
    BOOST_TEST(all.calls == 3);
    BOOST_TEST(m.table->list(m.context, nullptr, sink_entry, &first, &diag) == TRESOR_OK);
    BOOST_TEST(first.calls == 1);
    BOOST_TEST(first.bytes == "a|a label|;");
}

BOOST_AUTO_TEST_CASE(a_1_0_entry_is_read_only_as_far_as_it_reaches) {
    Module m(memory_plugin());
    tresor_entry old = meta();
    old.struct_size = offsetof(tresor_entry, attributes);  // what a 1.0 host sends
    old.attributes = reinterpret_cast<const char*>(1);     // beyond it: never read
    BOOST_REQUIRE_EQUAL(m.set("k", "v", old), TRESOR_OK);
    const tresor_key key{"svc", "k"};
    tresor_diag diag{};
    Sunk s;
    BOOST_TEST(m.table->stat(m.context, &key, sink_entry, &s, &diag) == TRESOR_OK);
    BOOST_TEST(s.bytes == "k|a label|;");
}

BOOST_AUTO_TEST_CASE(the_example_refuses_what_it_does_not_know) {
    std::string message;
    BOOST_TEST((code_of([] { (void)example_store("colour = \"blue\"\n").list(); }, message) ==
                ErrorCode::invalid_argument));
    BOOST_TEST(message.find("unknown parameter 'colour' for plugin example (known: "
                            "max_entries)") != std::string::npos);
    BOOST_TEST((code_of([] { (void)example_store("max_entries = \"0\"\n").list(); }, message) ==
                ErrorCode::invalid_argument));
    BOOST_TEST(message.find("'max_entries' must be an integer from 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_example_is_bounded_and_a_batch_is_all_or_none) {
    Store store = example_store("max_entries = \"2\"\n");
    store.set({"svc", "a"}, Secret("1"));
    store.set({"svc", "b"}, Secret("2"));
    store.set({"svc", "a"}, Secret("replaced"));  // a replacement takes no room
    std::string message;
    BOOST_TEST((code_of(
                    [&] {
                        store.set({"svc", "c"}, Secret("3"));
                    },
                    message) == ErrorCode::invalid_argument));
    BOOST_TEST(message.find("the example store is full (max_entries = 2)") != std::string::npos);
    BOOST_TEST(!store.get({"svc", "c"}).has_value());
    BOOST_TEST(store.remove({"svc", "b"}));
    // No set_many in the table: the host sets one by one and undoes on failure.
    std::vector<tresor::NewSecret> batch;
    batch.push_back({{"svc", "x"}, Secret("x"), {}});
    batch.push_back({{"svc", "y"}, Secret("y"), {}});
    BOOST_TEST((code_of([&] { store.set_many(batch); }, message) == ErrorCode::invalid_argument));
    BOOST_TEST(!store.get({"svc", "x"}).has_value());
    BOOST_TEST(std::string(store.get({"svc", "a"})->view()) == "replaced");
    BOOST_TEST(store.list("svc").size() == 1u);
}

BOOST_AUTO_TEST_CASE(docs_show_the_example_as_it_is_built) {
    std::ifstream in(std::string(TRESOR_SOURCE_DIR) + "/plugins/example/example_plugin.cpp");
    std::ostringstream source;
    source << in.rdbuf();
    const std::string code = source.str().substr(source.str().find("#include"));
    const std::string section = tresor::test::doc_section(
        tresor::test::doc_text("PLUGINS.md"), "The plugin kit: a backend is one C++ class");
    BOOST_TEST(section.find("```cpp\n" + code + "```\n") != std::string::npos);
    std::size_t lines = 0;
    for (const char c : source.str()) {
        lines += c == '\n' ? 1 : 0;
    }
    BOOST_TEST(lines < 100u);
}
