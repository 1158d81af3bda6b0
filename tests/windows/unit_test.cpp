// The Windows build's unit tests, under Wine: the platform seam (paths,
// secure memory, trusted files), the plugin loader's checks on DLLs, config
// discovery from %APPDATA%, the route globs and the wincred plugin's codecs.
#define BOOST_TEST_MODULE windows_unit
#include <windows.h>
// after windows.h:
#include <aclapi.h>
#include <sddl.h>

#include <boost/test/included/unit_test.hpp>

#include "conf/config.hpp"
#include "core/plugin_catalog.hpp"
#include "core/plugin_loader.hpp"
#include "platform/file.hpp"
#include "platform/paths.hpp"
#include "plugins/wincred/credential_meta.hpp"
#include "plugins/wincred/target_name.hpp"
#include "tresor/error.hpp"
#include "tresor/plugin.h"
#include "tresor/secret.hpp"
#include "windows/windows_support.hpp"

using tresor::Error;
using tresor::ErrorCode;
using tresor::test::ScopedEnv;
using tresor::test::TempDir;

namespace {

template <typename Call>
Error error_of(Call&& call) {
    try {
        call();
    } catch (const Error& e) {
        return e;
    }
    BOOST_FAIL("no tresor::Error thrown");
    throw;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(target_names)

BOOST_AUTO_TEST_CASE(awkward_parts_round_trip_and_stay_readable) {
    namespace wc = tresor::wincred;
    BOOST_TEST(wc::target_name("github", "alice") == "tresor:github/alice");
    BOOST_TEST(wc::target_name("a/b", "50%*") == "tresor:a%2Fb/50%25%2A");
    const char* const awkward[] = {"/",        "%",         "*",         "%2F",         "a/b/c",
                                   "näme ☃",   "tab\there", "quote\"'`", "back\\slash", "new\nline",
                                   " spaced ", "?[]{}:;=",  "%%25%2A",   "tresor:x/y"};
    for (const char* service : awkward) {
        for (const char* name : awkward) {
            const auto parsed = wc::parse_target_name(wc::target_name(service, name));
            BOOST_REQUIRE(parsed.has_value());
            BOOST_TEST(parsed->first == service);
            BOOST_TEST(parsed->second == name);
            // A service's listing filter never matches another service's targets.
            BOOST_TEST(wc::service_filter(service).find('*') ==
                       wc::service_filter(service).size() - 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(targets_of_other_programs_are_not_ours) {
    namespace wc = tresor::wincred;
    BOOST_TEST(!wc::parse_target_name("git:https://github.com").has_value());
    BOOST_TEST(!wc::parse_target_name("tresor:noslash").has_value());
    BOOST_TEST(!wc::parse_target_name("tresor:a/b/c").has_value());  // a bare '/' in the name
    BOOST_TEST(!wc::parse_target_name("tresor:a%zz/b").has_value());
    BOOST_TEST(!wc::parse_target_name("tresor:/b").has_value());
}

BOOST_AUTO_TEST_CASE(metadata_attribute_round_trips_and_refuses_other_bytes) {
    namespace wc = tresor::wincred;
    const wc::Meta meta{2, 1700000000, -5};
    const auto bytes = wc::encode_meta(meta);
    BOOST_TEST(bytes.size() <= wc::kMaxAttributeBytes);
    const auto back = wc::decode_meta(bytes);
    BOOST_REQUIRE(back.has_value());
    BOOST_TEST(back->type == 2u);
    BOOST_TEST(back->created_at == 1700000000);
    BOOST_TEST(back->expires_at == -5);
    auto other = bytes;
    other[0] = 9;
    BOOST_TEST(!wc::decode_meta(other).has_value());
    BOOST_TEST(!wc::decode_meta(std::span(bytes).first(bytes.size() - 1)).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(route_globs)

BOOST_AUTO_TEST_CASE(fnmatch_syntax_in_bytes) {
    using tresor::conf::route_glob_matches;
    BOOST_TEST(route_glob_matches("work-*", "work-mail"));
    BOOST_TEST(!route_glob_matches("work-*", "home-mail"));
    BOOST_TEST(route_glob_matches("*", "a/b"));
    BOOST_TEST(route_glob_matches("a?c", "abc"));
    BOOST_TEST(route_glob_matches("[a-c]x", "bx"));
    BOOST_TEST(!route_glob_matches("[!a-c]x", "bx"));
    BOOST_TEST(route_glob_matches("[[:digit:]]*", "7up"));
    BOOST_TEST(route_glob_matches("\\*", "*"));
    BOOST_TEST(!route_glob_matches("\\*", "x"));
    BOOST_TEST(route_glob_matches("[x", "[x"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(platform_seam)

BOOST_AUTO_TEST_CASE(plugins_are_dlls_looked_for_beside_the_program_and_in_program_data) {
    BOOST_TEST(tresor::platform::plugin_file_suffix() == ".dll");
    BOOST_TEST(tresor::platform::path_list_separator() == ';');
    const ScopedEnv program_data(L"ProgramData", L"C:\\PD");
    const auto dirs = tresor::platform::system_plugin_dirs();
    BOOST_REQUIRE_EQUAL(dirs.size(), 2u);
    wchar_t exe[MAX_PATH];
    ::GetModuleFileNameW(nullptr, exe, MAX_PATH);
    BOOST_TEST(dirs[0] == std::filesystem::path(exe).parent_path());
    BOOST_TEST(dirs[1] == std::filesystem::path(L"C:\\PD\\tresor\\plugins"));
}

BOOST_AUTO_TEST_CASE(config_is_discovered_in_appdata_then_program_data) {
    const TempDir dir;
    const ScopedEnv no_override(L"TRESOR_CONFIG", std::nullopt);
    const ScopedEnv app_data(L"APPDATA", (dir.path() / "roaming").wstring());
    const ScopedEnv program_data(L"ProgramData", (dir.path() / "machine").wstring());
    auto config = tresor::conf::discover_config(std::nullopt);
    BOOST_TEST(config.source == "<built-in default>");
    BOOST_TEST(config.chain == std::vector<std::string>{"wincred"});

    dir.write("machine/tresor/config.toml", "[backend.m]\nplugin = \"wincred\"\n");
    config = tresor::conf::discover_config(std::nullopt);
    BOOST_TEST(config.chain == std::vector<std::string>{"m"});

    (void)dir.write("roaming/tresor/config.toml",
                    "[backend.u]\nplugin = \"wincred\"\npersist = \"session\"\n");
    config = tresor::conf::discover_config(std::nullopt);
    BOOST_TEST(config.chain == std::vector<std::string>{"u"});
}

BOOST_AUTO_TEST_CASE(secrets_live_in_wiped_memory_and_compare_by_content) {
    tresor::Secret a("correct horse");
    tresor::Secret b("correct horse");
    a.storage().resize(100000, 'x');  // reallocates through the page allocator
    a.storage().resize(13);
    BOOST_TEST(a.equals(b.bytes()));
    BOOST_TEST(!a.equals(tresor::Secret("correct horsE").bytes()));
    BOOST_TEST(!a.equals(tresor::Secret("").bytes()));
    tresor::SecureBytes empty;
    empty.reserve(1);
    BOOST_TEST(empty.capacity() >= 1u);
}

// Plays the other local user: a config file everyone may change is refused.
BOOST_AUTO_TEST_CASE(a_file_everyone_may_change_is_refused) {
    const TempDir dir;
    const auto file = dir.write("config.toml", "[backend.x]\nplugin = \"wincred\"\n");
    BOOST_TEST(tresor::conf::load_config_file(file).chain == std::vector<std::string>{"x"});

    PSID everyone = nullptr;
    BOOST_REQUIRE(::ConvertStringSidToSidW(L"S-1-1-0", &everyone));
    EXPLICIT_ACCESSW grant{};
    grant.grfAccessPermissions = GENERIC_ALL;
    grant.grfAccessMode = GRANT_ACCESS;
    grant.Trustee.TrusteeForm = TRUSTEE_IS_SID;
    grant.Trustee.ptstrName = static_cast<LPWSTR>(everyone);
    PACL acl = nullptr;
    BOOST_REQUIRE(::SetEntriesInAclW(1, &grant, nullptr, &acl) == ERROR_SUCCESS);
    const DWORD set =
        ::SetNamedSecurityInfoW(const_cast<wchar_t*>(file.c_str()), SE_FILE_OBJECT,
                                DACL_SECURITY_INFORMATION, nullptr, nullptr, acl, nullptr);
    ::LocalFree(acl);
    ::LocalFree(everyone);
    BOOST_REQUIRE(set == ERROR_SUCCESS);
    const Error e = error_of([&] { (void)tresor::conf::load_config_file(file); });
    BOOST_TEST((e.code() == ErrorCode::config));  // config errors name their file first
    BOOST_TEST(contains(e.what(), "refusing config file"), e.what());
    BOOST_TEST(contains(e.what(), "S-1-1-0 may change it"), e.what());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(plugin_loader)

BOOST_AUTO_TEST_CASE(a_dll_of_another_abi_is_refused_with_both_versions) {
    const Error e = error_of(
        [] { (void)tresor::core::load_plugin_file(tresor::test::test_plugin("wrong-abi")); });
    BOOST_TEST((e.code() == ErrorCode::plugin_abi));
    BOOST_TEST(contains(e.what(), "speaks plugin ABI 99.0"), e.what());
    BOOST_TEST(contains(e.what(), "this tresor speaks plugin ABI 1." +
                                      std::to_string(TRESOR_PLUGIN_ABI_MINOR)),
               e.what());
}

BOOST_AUTO_TEST_CASE(a_dll_without_the_entry_is_not_a_plugin) {
    const Error e = error_of(
        [] { (void)tresor::core::load_plugin_file(tresor::test::test_plugin("no-entry")); });
    BOOST_TEST((e.code() == ErrorCode::plugin_abi));
    BOOST_TEST(contains(e.what(), "exports no tresor_plugin_entry"), e.what());
}

BOOST_AUTO_TEST_CASE(a_file_that_is_no_dll_is_refused) {
    const TempDir dir;
    const auto file = dir.write("tresor-junk.dll", "MZ but not really");
    const Error e = error_of([&] { (void)tresor::core::load_plugin_file(file); });
    BOOST_TEST((e.code() == ErrorCode::plugin_abi));
    BOOST_TEST(contains(e.what(), "cannot load plugin"), e.what());
    const Error missing =
        error_of([&] { (void)tresor::core::load_plugin_file(dir.path() / "tresor-none.dll"); });
    BOOST_TEST((missing.code() == ErrorCode::plugin_abi));
}

BOOST_AUTO_TEST_CASE(wincred_loads_once_and_is_found_by_name) {
    const auto first = tresor::core::load_plugin_file(tresor::test::build_plugin("wincred"));
    const auto again = tresor::core::load_plugin_file(tresor::test::build_plugin("wincred"));
    BOOST_TEST(first.table == again.table);
    BOOST_TEST(std::string(first.table->name) == "wincred");
    const tresor::core::PluginCatalog catalog({});
    BOOST_TEST(catalog.load("wincred").table == first.table);
}

BOOST_AUTO_TEST_CASE(the_plugin_path_is_a_semicolon_list) {
    const ScopedEnv path(L"TRESOR_PLUGIN_PATH", L"C:\\one;C:\\two");
    const tresor::core::PluginCatalog catalog({});
    BOOST_REQUIRE(catalog.search_dirs().size() >= 2u);
    BOOST_TEST(catalog.search_dirs()[0] == std::filesystem::path(L"C:\\one"));
    BOOST_TEST(catalog.search_dirs()[1] == std::filesystem::path(L"C:\\two"));
}

BOOST_AUTO_TEST_SUITE_END()
