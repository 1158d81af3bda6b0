// Pins the plugin ABI's layout: a change here must come with a deliberate
// ABI version bump (the slip SQLite's VFS once made).
#define BOOST_TEST_MODULE abi_layout
#include <boost/test/unit_test.hpp>

#include <cstddef>

#include "tresor/plugin.h"
#include "tresor/tresor.h"

BOOST_AUTO_TEST_CASE(abi_version_is_1_2) {
    BOOST_TEST(TRESOR_PLUGIN_ABI_MAJOR == 1);
    BOOST_TEST(TRESOR_PLUGIN_ABI_MINOR == 2);
}

BOOST_AUTO_TEST_CASE(plugin_table_layout_is_pinned) {
    BOOST_TEST(offsetof(tresor_plugin, abi_major) == 0u);
    BOOST_TEST(offsetof(tresor_plugin, abi_minor) == 4u);
    BOOST_TEST(offsetof(tresor_plugin, struct_size) == 8u);
    BOOST_TEST(offsetof(tresor_plugin, capabilities) == 12u);
    BOOST_TEST(offsetof(tresor_plugin, name) == 16u);
    BOOST_TEST(offsetof(tresor_plugin, version) == 24u);
    BOOST_TEST(offsetof(tresor_plugin, summary) == 32u);
    BOOST_TEST(offsetof(tresor_plugin, probe) == 40u);
    BOOST_TEST(offsetof(tresor_plugin, open) == 48u);
    BOOST_TEST(offsetof(tresor_plugin, close) == 56u);
    BOOST_TEST(offsetof(tresor_plugin, get) == 64u);
    BOOST_TEST(offsetof(tresor_plugin, set) == 72u);
    BOOST_TEST(offsetof(tresor_plugin, remove) == 80u);
    BOOST_TEST(offsetof(tresor_plugin, list) == 88u);
    BOOST_TEST(offsetof(tresor_plugin, stat) == 96u);
    BOOST_TEST(offsetof(tresor_plugin, set_many) == 104u);  // ABI 1.1
    BOOST_TEST(sizeof(tresor_plugin) == 112u);
}

BOOST_AUTO_TEST_CASE(entry_layout_is_pinned) {
    BOOST_TEST(offsetof(tresor_entry, struct_size) == 0u);
    BOOST_TEST(offsetof(tresor_entry, service) == 8u);
    BOOST_TEST(offsetof(tresor_entry, name) == 16u);
    BOOST_TEST(offsetof(tresor_entry, id) == 24u);
    BOOST_TEST(offsetof(tresor_entry, type) == 32u);
    BOOST_TEST(offsetof(tresor_entry, label) == 40u);
    BOOST_TEST(offsetof(tresor_entry, description) == 48u);
    BOOST_TEST(offsetof(tresor_entry, created_at) == 56u);
    BOOST_TEST(offsetof(tresor_entry, updated_at) == 64u);
    BOOST_TEST(offsetof(tresor_entry, last_used_at) == 72u);
    BOOST_TEST(offsetof(tresor_entry, expires_at) == 80u);
    BOOST_TEST(offsetof(tresor_entry, attributes) == 88u);  // ABI 1.1
    BOOST_TEST(sizeof(tresor_entry) == 96u);
}

BOOST_AUTO_TEST_CASE(a_1_0_entry_does_not_reach_the_1_1_fields) {
    tresor_entry e{};
    e.struct_size = 88;  // what a plugin built against ABI 1.0 sends
    BOOST_TEST(TRESOR_STRUCT_HAS(&e, tresor_entry, expires_at));
    BOOST_TEST(!TRESOR_STRUCT_HAS(&e, tresor_entry, attributes));
    e.struct_size = sizeof(tresor_entry);
    BOOST_TEST(TRESOR_STRUCT_HAS(&e, tresor_entry, attributes));
}

BOOST_AUTO_TEST_CASE(batch_item_layout_is_pinned) {
    BOOST_TEST(offsetof(tresor_batch_item, key) == 0u);
    BOOST_TEST(offsetof(tresor_batch_item, value) == 8u);
    BOOST_TEST(offsetof(tresor_batch_item, value_length) == 16u);
    BOOST_TEST(offsetof(tresor_batch_item, meta) == 24u);
    BOOST_TEST(sizeof(tresor_batch_item) == 32u);
}

BOOST_AUTO_TEST_CASE(small_structs_are_pinned) {
    BOOST_TEST(sizeof(tresor_diag) == 512u);
    BOOST_TEST(sizeof(tresor_param) == 16u);
    BOOST_TEST(sizeof(tresor_key) == 16u);
    BOOST_TEST(offsetof(tresor_host, struct_size) == 0u);
    BOOST_TEST(offsetof(tresor_host, ctx) == 8u);
    BOOST_TEST(offsetof(tresor_host, read_password) == 16u);
    BOOST_TEST(offsetof(tresor_host, call_info) == 24u);  // ABI 1.2
    BOOST_TEST(sizeof(tresor_host) == 32u);
    BOOST_TEST(offsetof(tresor_call_info, purpose) == 4u);
    BOOST_TEST(offsetof(tresor_call_info, actor) == 8u);
    BOOST_TEST(sizeof(tresor_call_info) == 16u);
    BOOST_TEST(TRESOR_PURPOSE_USE == 1u);
}

BOOST_AUTO_TEST_CASE(status_and_type_numbers_are_pinned) {
    BOOST_TEST(TRESOR_NOT_FOUND == 1);
    BOOST_TEST(TRESOR_UNAVAILABLE == 2);
    BOOST_TEST(TRESOR_PLUGIN_ABI == 10);
    BOOST_TEST(TRESOR_INTERNAL == 11);
    BOOST_TEST(TRESOR_TYPE_CUSTOM == 6);
    BOOST_TEST(TRESOR_CAP_EXPIRY == 32u);
    BOOST_TEST(TRESOR_CAP_ATTRIBUTES == 64u);
}
