// The loader's refusals, each with its typed error and a message that says
// which file and why.
#define BOOST_TEST_MODULE plugin_loader
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>

#include <cstdio>

#include "core/builtin_plugins.hpp"
#include "core/plugin_catalog.hpp"
#include "core/plugin_loader.hpp"
#include "support/other_user.hpp"
#include "support/test_support.hpp"
#include "tresor/error.hpp"

using tresor::Error;
using tresor::ErrorCode;
using tresor::core::load_plugin_file;
using tresor::core::PluginCatalog;
using namespace tresor::test;

namespace {

std::filesystem::path memory_plugin() {
    return build_dir() / "plugins" / "tresor-memory.so";
}

// The error load_plugin_file throws for file, which must be one.
Error load_error(const std::filesystem::path& file) {
    try {
        (void)load_plugin_file(file);
    } catch (const Error& e) {
        return e;
    }
    BOOST_FAIL("no error loading " + file.string());
    return Error(ErrorCode::internal, "");
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string run(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    BOOST_REQUIRE(pipe != nullptr);
    char buffer[256];
    while (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) {
        out += buffer;
    }
    ::pclose(pipe);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(memory_plugin_loads_through_dlopen) {
    const auto handle = load_plugin_file(memory_plugin());
    BOOST_TEST(std::string(handle.table->name) == "memory");
    BOOST_TEST(handle.table->abi_major == TRESOR_PLUGIN_ABI_MAJOR);
    BOOST_TEST(handle.origin == memory_plugin().string());
}

BOOST_AUTO_TEST_CASE(every_plugin_exports_only_its_entry_symbol) {
    std::size_t plugins = 0;
    for (const auto& file : std::filesystem::directory_iterator(build_dir() / "plugins")) {
        if (file.path().extension() != ".so") {
            continue;
        }
        ++plugins;
        const std::string symbols = run("nm -D --defined-only " + file.path().string());
        BOOST_TEST(symbols.ends_with(" T tresor_plugin_entry\n"), file.path() << ":\n" << symbols);
        BOOST_TEST(std::count(symbols.begin(), symbols.end(), '\n') == 1, file.path()
                                                                              << " exports:\n"
                                                                              << symbols);
    }
    BOOST_TEST(plugins >= 1u);
}

BOOST_AUTO_TEST_CASE(built_in_plugins_are_the_configured_ones_and_validate) {
    std::string names;
    for (const auto& builtin : tresor::core::builtin_plugins()) {
        const auto handle = tresor::core::validate_plugin(builtin.entry, "built-in");
        BOOST_TEST(std::string(handle.table->name) == builtin.name);
        names += names.empty() ? builtin.name : std::string(";") + builtin.name;
    }
    BOOST_TEST(names == TRESOR_EXPECTED_BUILTINS);
}

BOOST_AUTO_TEST_CASE(abi_major_mismatch_names_the_file_and_both_versions) {
    const Error e = load_error(test_plugin("wrong-abi"));
    BOOST_TEST((e.code() == ErrorCode::plugin_abi));
    BOOST_TEST(contains(e.what(), test_plugin("wrong-abi").string()), e.what());
    BOOST_TEST(contains(e.what(), "plugin ABI 99.0"), e.what());
    BOOST_TEST(contains(e.what(), "this tresor speaks plugin ABI 1." +
                                      std::to_string(TRESOR_PLUGIN_ABI_MINOR)),
               e.what());
}

BOOST_AUTO_TEST_CASE(library_without_entry_symbol_is_not_a_plugin) {
    const Error e = load_error(test_plugin("no-entry"));
    BOOST_TEST((e.code() == ErrorCode::plugin_abi));
    BOOST_TEST(contains(e.what(), "is not a tresor plugin: it exports no tresor_plugin_entry"),
               e.what());
}

BOOST_AUTO_TEST_CASE(missing_dependency_reports_the_loader_reason) {
    const Error e = load_error(test_plugin("missing-dep"));
    BOOST_TEST((e.code() == ErrorCode::plugin_abi));
    BOOST_TEST(contains(e.what(), "libtresor_test_dependency.so: cannot open shared object file"),
               e.what());
}

BOOST_AUTO_TEST_CASE(file_that_is_not_a_library_is_refused_with_the_loader_reason) {
    TempDir dir;
    const auto file = dir.write("tresor-garbage.so", "this is not an ELF file\n");
    const Error e = load_error(file);
    BOOST_TEST((e.code() == ErrorCode::plugin_abi));
    BOOST_TEST(contains(e.what(), "cannot load plugin " + file.string()), e.what());
}

BOOST_AUTO_TEST_CASE(plugin_writable_by_others_is_refused) {
    TempDir dir;
    const auto copy = dir / "tresor-memory.so";
    std::filesystem::copy_file(memory_plugin(), copy);
    ::chmod(copy.c_str(), 0666);
    const Error e = load_error(copy);
    BOOST_TEST((e.code() == ErrorCode::permission_denied));
    BOOST_TEST(contains(e.what(), "writable by group or others"), e.what());
    BOOST_TEST(contains(e.what(), "chmod go-w"), e.what());
}

BOOST_AUTO_TEST_CASE(missing_file_is_reported) {
    const Error e = load_error("/nonexistent/tresor-x.so");
    BOOST_TEST((e.code() == ErrorCode::plugin_abi));
    BOOST_TEST(contains(e.what(), "No such file or directory"), e.what());
}

BOOST_AUTO_TEST_CASE(catalog_finds_plugins_on_its_search_path_in_order) {
    const PluginCatalog catalog({build_dir() / "test-plugins"});
    const auto& dirs = catalog.search_dirs();
    BOOST_REQUIRE(!dirs.empty());
    BOOST_TEST(dirs.front() == build_dir() / "test-plugins");
    // The build tree's plugins are found because this test runs from it.
    BOOST_TEST(dirs.back() == build_dir() / "plugins");
    const auto names = catalog.available_names();
    for (const char* name : {"memory", "failing", "wrong-abi", "no-entry", "missing-dep"}) {
        BOOST_TEST((std::find(names.begin(), names.end(), name) != names.end()), name);
    }
    BOOST_TEST(std::string(catalog.load("failing").table->name) == "failing");
}

BOOST_AUTO_TEST_CASE(env_plugin_path_comes_after_config_and_before_install_dir) {
    tresor::test::ScopedEnv env("TRESOR_PLUGIN_PATH", "/env/one::/env/two");
    const PluginCatalog catalog({"/from/config"});
    const auto& dirs = catalog.search_dirs();
    BOOST_REQUIRE(dirs.size() >= 4u);
    BOOST_TEST(dirs[0] == "/from/config");
    BOOST_TEST(dirs[1] == "/env/one");
    BOOST_TEST(dirs[2] == "/env/two");
}

BOOST_AUTO_TEST_CASE(unknown_plugin_lists_what_exists) {
    const PluginCatalog catalog({});
    try {
        (void)catalog.load("memroy");
        BOOST_FAIL("no error");
    } catch (const Error& e) {
        BOOST_TEST((e.code() == ErrorCode::config));
        BOOST_TEST(contains(e.what(), "unknown plugin 'memroy'; available: "), e.what());
        BOOST_TEST(contains(e.what(), "memory"), e.what());
    }
}

BOOST_AUTO_TEST_CASE(describe_all_reports_broken_plugins_with_their_error) {
    const PluginCatalog catalog({build_dir() / "test-plugins"});
    bool saw_wrong_abi = false;
    for (const auto& info : catalog.describe_all()) {
        if (info.name == "wrong-abi") {
            saw_wrong_abi = true;
            BOOST_TEST(contains(info.error, "plugin ABI 99.0"), info.error);
        }
        if (info.name == "memory") {
            BOOST_TEST(info.error.empty(), info.error);
            BOOST_TEST(info.version == "0.1.0");
        }
    }
    BOOST_TEST(saw_wrong_abi);
}

// Issue 15, finding 2: the file checked must be the file loaded, and nobody
// but root and us may be able to change which file that is.

BOOST_AUTO_TEST_CASE(a_symlink_to_an_acceptable_plugin_is_refused) {
    TempDir dir;
    const auto link = dir / "tresor-memory.so";
    std::filesystem::create_symlink(memory_plugin(), link);
    const Error e = load_error(link);
    BOOST_TEST((e.code() == ErrorCode::permission_denied));
    BOOST_TEST(contains(e.what(), "symlink"), e.what());
}

BOOST_AUTO_TEST_CASE(a_plugin_in_a_folder_others_can_write_is_refused) {
    TempDir dir;
    const auto shared = dir / "shared";
    std::filesystem::create_directories(shared);
    std::filesystem::copy_file(memory_plugin(), shared / "tresor-memory.so");
    ::chmod(shared.c_str(), 01777);
    const Error e = load_error(shared / "tresor-memory.so");
    BOOST_TEST((e.code() == ErrorCode::permission_denied));
    BOOST_TEST(contains(e.what(), "folder " + shared.string()), e.what());
}

BOOST_AUTO_TEST_CASE(a_search_path_folder_others_can_write_is_refused_before_a_later_one) {
    TempDir dir;
    const auto shared = dir / "shared";
    std::filesystem::create_directories(shared);
    ::chmod(shared.c_str(), 0777);
    const PluginCatalog catalog({shared, build_dir() / "test-plugins"});
    BOOST_CHECK_EXCEPTION((void)catalog.load("failing"), Error, [&](const Error& e) {
        return e.code() == ErrorCode::permission_denied &&
               contains(e.what(), "folder " + shared.string());
    });
}

BOOST_AUTO_TEST_CASE(a_plugin_owned_by_another_user_is_refused,
                     *boost::unit_test::precondition(tresor::test::CanActAsOtherUser())) {
    TempDir dir;
    const auto copy = dir / "tresor-memory.so";
    std::filesystem::copy_file(memory_plugin(), copy);
    BOOST_REQUIRE(::chown(copy.c_str(), tresor::test::kOtherUid, tresor::test::kOtherUid) == 0);
    const Error e = load_error(copy);
    BOOST_TEST((e.code() == ErrorCode::permission_denied));
    BOOST_TEST(contains(e.what(), "owned by uid 65534"), e.what());
}

// The attack as it was found: another user swaps a symlink between a plugin
// we accept and a library of theirs, in a folder they can write, while we
// load. Not one load may run their code.
BOOST_AUTO_TEST_CASE(a_symlink_swapped_during_loading_never_loads_the_other_users_library,
                     *boost::unit_test::precondition(tresor::test::CanActAsOtherUser())) {
    TempDir dir;
    ::chmod(dir.path().c_str(), 0755);
    const auto shared = dir / "shared";
    std::filesystem::create_directories(shared);
    ::chmod(shared.c_str(), 01777);
    const auto theirs = shared / "theirs.so";
    std::filesystem::copy_file(tresor::test::test_plugin("failing"), theirs);
    BOOST_REQUIRE(::chown(theirs.c_str(), tresor::test::kOtherUid, tresor::test::kOtherUid) == 0);
    const pid_t swapper = ::fork();
    BOOST_REQUIRE(swapper >= 0);
    if (swapper == 0) {
        (void)tresor::test::run_as_other_user(
            shared.string(),
            "end=$(($(date +%s) + 3)); while [ $(date +%s) -lt $end ]; do "
            "ln -sfn " +
                memory_plugin().string() +
                " tresor-x.so; "
                "ln -sfn theirs.so tresor-x.so; done");
        ::_exit(0);
    }
    int loaded_theirs = 0;
    int refused = 0;
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(2500);
    while (std::chrono::steady_clock::now() < end) {
        try {
            const auto handle = load_plugin_file(shared / "tresor-x.so");
            loaded_theirs += std::string(handle.table->name) == "failing" ? 1 : 0;
        } catch (const Error&) {
            ++refused;
        }
    }
    int status = 0;
    ::waitpid(swapper, &status, 0);
    BOOST_TEST(loaded_theirs == 0);
    BOOST_TEST(refused > 0);
}

// Each load opens the file to check it; a plugin loaded before must not keep
// a second descriptor open, or a program opening Stores in a loop runs out.
BOOST_AUTO_TEST_CASE(loading_a_plugin_again_keeps_no_descriptor) {
    (void)load_plugin_file(memory_plugin());
    const auto open_descriptors = [] {
        return std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                             std::filesystem::directory_iterator());
    };
    const auto before = open_descriptors();
    for (int i = 0; i < 100; ++i) {
        BOOST_TEST(std::string(load_plugin_file(memory_plugin()).table->name) == "memory");
    }
    BOOST_TEST(open_descriptors() == before);
}
