// The secret-service plugin's item rules (plugins/secret-service/item_rules),
// compiled in: which items make up an entry, which one answers, and what a
// set writes, over the attributes other programs really write (the
// conventions in docs/BACKENDS.md), without a daemon.
#define BOOST_TEST_MODULE secret_service_items
#include <boost/test/unit_test.hpp>

#include "plugins/secret-service/item_rules.hpp"

using tresor::secret_service::AttributeMap;
using tresor::secret_service::Convention;
using tresor::secret_service::convention_named;
using tresor::secret_service::entry_name;
using tresor::secret_service::item_to_write;
using tresor::secret_service::items_of;
using tresor::secret_service::live;
using tresor::secret_service::live_entries;
using tresor::secret_service::newest;
using tresor::secret_service::StoredItem;

namespace {

constexpr std::int64_t kNow = 1800000000;

StoredItem item(std::string path, AttributeMap attributes, std::int64_t modified = 0,
                std::int64_t created = 0) {
    StoredItem i;
    i.path = std::move(path);
    i.attributes = std::move(attributes);
    i.modified = modified;
    i.created = created;
    return i;
}

// What each program writes for (svc, alice).
AttributeMap bun() {
    return {{"xdg:schema", "com.oven-sh.bun.Secret"}, {"service", "svc"}, {"account", "alice"}};
}
AttributeMap keytar() {
    return {
        {"xdg:schema", "org.freedesktop.Secret.Generic"}, {"service", "svc"}, {"account", "alice"}};
}
AttributeMap python_keyring() {
    return {{"application", "Python keyring library"}, {"service", "svc"}, {"username", "alice"}};
}
AttributeMap tresors() {
    return {{"xdg:schema", "org.freedesktop.Secret.Generic"},
            {"service", "svc"},
            {"account", "alice"},
            {"username", "alice"},
            {"tresor-entry", "1"},
            {"tresor-type", "0"}};
}

std::vector<const StoredItem*> all_of(const std::vector<StoredItem>& items) {
    return items_of(items, "svc", "alice");
}

tresor::plugin::NewEntry meta(const char* label = "", const char* description = "",
                              std::int64_t expires_at = 0) {
    tresor::plugin::NewEntry m;
    m.type = TRESOR_TYPE_API_KEY;
    m.label = label;
    m.description = description;
    m.expires_at = expires_at;
    return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_entry_is_named_by_account_else_by_username) {
    BOOST_TEST(entry_name(item("/1", bun())) == "alice");
    BOOST_TEST(entry_name(item("/2", python_keyring())) == "alice");
    BOOST_TEST(entry_name(item("/3", {{"service", "svc"}, {"account", "a"}, {"username", "u"}})) ==
               "a");
    BOOST_TEST(entry_name(item("/4", {{"service", "svc"}})).empty());
    // Found by its username, but its account names another entry.
    const std::vector<StoredItem> items{
        item("/5", {{"service", "svc"}, {"account", "bob"}, {"username", "alice"}}),
        item("/6", {{"service", "other"}, {"account", "alice"}}), item("/7", keytar())};
    const auto mine = all_of(items);
    BOOST_REQUIRE(mine.size() == 1u);
    BOOST_TEST(mine.front()->path == "/7");
}

BOOST_AUTO_TEST_CASE(the_most_recently_modified_item_answers) {
    const std::vector<StoredItem> items{item("/1", tresors(), kNow - 10),
                                        item("/2", bun(), kNow - 5),
                                        item("/3", keytar(), kNow - 7)};
    BOOST_TEST(newest(all_of(items))->path == "/2");
    BOOST_TEST(newest({}) == nullptr);
}

BOOST_AUTO_TEST_CASE(in_the_same_second_another_programs_item_wins_over_tresors) {
    // tresor's set leaves no other item beside its own: one that is there
    // was written after it, within the daemon's one-second resolution.
    const std::vector<StoredItem> items{item("/9", tresors(), kNow, kNow),
                                        item("/1", bun(), kNow, kNow)};
    BOOST_TEST(newest(all_of(items))->path == "/1");
    const std::vector<StoredItem> reversed{item("/1", bun(), kNow, kNow),
                                           item("/9", tresors(), kNow, kNow)};
    BOOST_TEST(newest(all_of(reversed))->path == "/1");
}

BOOST_AUTO_TEST_CASE(further_ties_go_to_the_later_created_then_one_fixed_item) {
    const std::vector<StoredItem> by_created{item("/1", bun(), kNow, kNow - 1),
                                             item("/2", keytar(), kNow, kNow - 3)};
    BOOST_TEST(newest(all_of(by_created))->path == "/1");
    // No times at all (a daemon that gives none): the same item whatever
    // order the daemon lists them in.
    const std::vector<StoredItem> a{item("/collection/9", bun()), item("/collection/10", keytar())};
    const std::vector<StoredItem> b{item("/collection/10", keytar()), item("/collection/9", bun())};
    BOOST_TEST(newest(all_of(a))->path == "/collection/10");
    BOOST_TEST(newest(all_of(b))->path == "/collection/10");
    // An item without a time is older than any item with one.
    const std::vector<StoredItem> untimed{item("/10", bun(), 0), item("/2", keytar(), 1)};
    BOOST_TEST(newest(all_of(untimed))->path == "/2");
}

BOOST_AUTO_TEST_CASE(an_expired_newest_item_hides_the_entry_not_reveals_an_older_one) {
    AttributeMap expiring = tresors();
    expiring["tresor-expires"] = std::to_string(kNow - 1);
    const std::vector<StoredItem> items{item("/1", keytar(), kNow - 100),
                                        item("/2", expiring, kNow - 50)};
    BOOST_TEST(live(all_of(items), kNow) == nullptr);
    BOOST_TEST(live(all_of(items), kNow - 2)->path == "/2");
}

BOOST_AUTO_TEST_CASE(a_listing_has_one_live_entry_per_service_and_name) {
    AttributeMap expiring = tresors();
    expiring["account"] = expiring["username"] = "gone";
    expiring["tresor-expires"] = std::to_string(kNow - 1);
    AttributeMap bob = keytar();
    bob["account"] = "bob";
    const std::vector<StoredItem> items{
        item("/1", tresors(), 10), item("/2", bun(), 20), item("/3", python_keyring(), 15),
        item("/4", expiring, 30),  item("/5", bob, 40),   item("/6", {{"service", "svc"}})};
    const auto all = live_entries(items, kNow, false);
    BOOST_REQUIRE(all.size() == 2u);
    BOOST_TEST(all[0]->path == "/2");  // alice: the newest of three items
    BOOST_TEST(all[1]->path == "/5");  // bob
    // Only entries with an item tresor wrote: alice (its newest item is
    // Bun's), not bob.
    const auto tresors_only = live_entries(items, kNow, true);
    BOOST_REQUIRE(tresors_only.size() == 1u);
    BOOST_TEST(tresors_only[0]->path == "/2");
}

BOOST_AUTO_TEST_CASE(a_new_entry_is_written_in_the_configured_convention) {
    for (const auto& [convention, schema] :
         {std::pair{Convention::generic, "org.freedesktop.Secret.Generic"},
          std::pair{Convention::bun, "com.oven-sh.bun.Secret"},
          std::pair{Convention::tresor, "org.tresor.Secret"}}) {
        const auto w = item_to_write("svc", "alice", meta(), convention, nullptr);
        const AttributeMap expected{{"xdg:schema", schema}, {"service", "svc"},
                                    {"account", "alice"},   {"username", "alice"},
                                    {"tresor-entry", "1"},  {"tresor-type", "1"}};
        BOOST_TEST((w.attributes == expected));
        BOOST_TEST(w.label == "svc/alice");
    }
    BOOST_TEST((convention_named("generic") == Convention::generic));
    BOOST_TEST((convention_named("bun") == Convention::bun));
    BOOST_TEST((convention_named("tresor") == Convention::tresor));
    BOOST_TEST(!convention_named("Generic").has_value());
}

BOOST_AUTO_TEST_CASE(metadata_rides_in_tresors_attributes) {
    const auto w = item_to_write("svc", "alice", meta("a label", "a description", 4102444800),
                                 Convention::bun, nullptr);
    BOOST_TEST(w.attributes.at("tresor-description") == "a description");
    BOOST_TEST(w.attributes.at("tresor-expires") == "4102444800");
    BOOST_TEST(w.label == "a label");
    const StoredItem written = item("/1", w.attributes);
    BOOST_TEST(tresor::secret_service::expires_at(written) == 4102444800);
    BOOST_TEST(tresor::secret_service::secret_type(written) == TRESOR_TYPE_API_KEY);
    BOOST_TEST(tresor::secret_service::description(written) == "a description");
    BOOST_TEST(tresor::secret_service::written_by_tresor(written));
}

BOOST_AUTO_TEST_CASE(a_replaced_item_keeps_its_schema_attributes_and_label) {
    StoredItem python = item("/1", python_keyring());
    python.label = "Password for 'alice' on 'svc'";
    const auto w = item_to_write("svc", "alice", meta(), Convention::bun, &python);
    const AttributeMap expected{{"application", "Python keyring library"},
                                {"service", "svc"},
                                {"username", "alice"},
                                {"account", "alice"},
                                {"tresor-entry", "1"},
                                {"tresor-type", "1"}};
    BOOST_TEST((w.attributes == expected));  // still no schema name: keyring never wrote one
    BOOST_TEST(w.label == "Password for 'alice' on 'svc'");

    const StoredItem keytars = item("/2", keytar());
    BOOST_TEST(item_to_write("svc", "alice", meta(), Convention::bun, &keytars)
                   .attributes.at("xdg:schema") == "org.freedesktop.Secret.Generic");
}

BOOST_AUTO_TEST_CASE(replacing_drops_the_old_metadata_and_keeps_a_different_username) {
    AttributeMap old = tresors();
    old["tresor-description"] = "old";
    old["tresor-expires"] = "4102444800";
    old["username"] = "someone else";
    StoredItem replaced = item("/1", old);
    replaced.label = "old label";
    const auto w = item_to_write("svc", "alice", meta(), Convention::generic, &replaced);
    BOOST_TEST(w.attributes.count("tresor-description") == 0u);
    BOOST_TEST(w.attributes.count("tresor-expires") == 0u);
    BOOST_TEST(w.attributes.at("username") == "someone else");
    BOOST_TEST(w.label == "svc/alice");  // tresor's own label is set's to give
}

BOOST_AUTO_TEST_CASE(an_item_of_tresors_old_schema_is_rewritten_in_the_configured_one) {
    const StoredItem old = item("/1", {{"xdg:schema", "org.tresor.Secret"},
                                       {"service", "svc"},
                                       {"account", "alice"},
                                       {"tresor-type", "0"}});
    BOOST_TEST(tresor::secret_service::written_by_tresor(old));  // by its tresor-type
    BOOST_TEST(item_to_write("svc", "alice", meta(), Convention::generic, &old)
                   .attributes.at("xdg:schema") == "org.freedesktop.Secret.Generic");
    BOOST_TEST(item_to_write("svc", "alice", meta(), Convention::tresor, &old)
                   .attributes.at("xdg:schema") == "org.tresor.Secret");
}
