// Host recipients (issue 9, item 3): a slot wrapped to a host's X25519 public
// key, added with the public key alone, opened only by the private key,
// kept (re-wrapped) by rotation, and locked out by removal plus rotation —
// also for a host that kept a copy of the old header.
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>

#include "unit/vault/vault_fixture.hpp"
#include "vault/slots/host_key.hpp"
#include "vault/unlock.hpp"

using tresor::Error;
using tresor::ErrorCode;
using namespace tresor::test;
using namespace tresor::vault;

namespace {

struct Host {
    HostKeyPair keys = generate_host_key();
    [[nodiscard]] std::string public_text() const { return public_key_text(keys.public_key); }
    [[nodiscard]] Credential credential() const {
        return {Credential::Kind::hostkey, keys.private_key};
    }
};

bool contains(const Error& e, const std::string& part) {
    return std::string(e.what()).find(part) != std::string::npos;
}

bool not_a_recipient(const Error& e) {
    return e.code() == ErrorCode::auth_failed && contains(e, "no key slot of this vault is for");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(recipients)

BOOST_AUTO_TEST_CASE(host_key_text_forms_round_trip_and_refuse_typos) {
    const Host host;
    const std::string pub = host.public_text();
    BOOST_TEST(pub.rfind("tresor-pub-", 0) == 0u);
    BOOST_TEST(pub.size() == 11u + 72u);
    BOOST_TEST(parse_public_key(pub) == host.keys.public_key);
    const SecureBytes priv = private_key_text(host.keys.private_key);
    SecureBytes with_newline = priv;
    with_newline.push_back('\n');
    BOOST_TEST(parse_private_key(with_newline, "test") == host.keys.private_key);
    std::string typo = pub;
    typo[20] = typo[20] == '0' ? '1' : '0';
    BOOST_CHECK_EXCEPTION((void)parse_public_key(typo), Error,
                          has_code(ErrorCode::invalid_argument));
    BOOST_CHECK_EXCEPTION((void)parse_public_key(pub.substr(0, pub.size() - 2)), Error,
                          has_code(ErrorCode::invalid_argument));
    // A private key given as a public one, and the other way round.
    BOOST_CHECK_THROW((void)parse_public_key(std::string(priv.begin(), priv.end())), Error);
    BOOST_CHECK_EXCEPTION(
        (void)parse_private_key(std::vector<std::uint8_t>(pub.begin(), pub.end()), "FILE"), Error,
        [](const Error& e) { return contains(e, "FILE is not a tresor host key"); });
}

BOOST_FIXTURE_TEST_CASE(a_host_opens_the_vault_with_its_private_key_only, VaultFixture) {
    const Host host;
    const Host stranger;
    {
        Vault admin = create();
        admin.set("db", "password", bytes("s3cret"), {});
        BOOST_TEST(admin.add_recipient(host.public_text(), "host2") == 2);
    }
    Vault v = Vault::open(path, host.credential());
    BOOST_TEST(str(v.get("db", "password")) == "s3cret");
    v.set("db", "written-by-host", bytes("x"), {});
    BOOST_TEST(v.verify().problems.empty());
    BOOST_CHECK_EXCEPTION(
        (void)Vault::open(path, stranger.credential()), Error,
        [&](const Error& e) { return not_a_recipient(e) && contains(e, stranger.public_text()); });
    BOOST_TEST(str(open().get("db", "written-by-host")) == "x");
}

BOOST_FIXTURE_TEST_CASE(slots_report_kinds_labels_and_public_keys, VaultFixture) {
    const Host a;
    const Host b;
    Vault v = create();
    BOOST_TEST(v.info().format_version == 1);
    v.add_keyfile(std::vector<std::uint8_t>(32, 7));
    BOOST_TEST(v.add_recipient(a.public_text(), "web-1 (eu)") == 3);
    BOOST_TEST(v.add_recipient(b.public_text(), "") == 4);
    const Info info = open().info();
    BOOST_TEST(info.format_version == 2);
    BOOST_REQUIRE_EQUAL(info.slots.size(), 4u);
    BOOST_TEST(info.slots[0].kind == "password");
    BOOST_TEST(info.slots[1].kind == "keyfile");
    BOOST_TEST(info.slots[2].kind == "recipient");
    BOOST_TEST(info.slots[2].label == "web-1 (eu)");
    BOOST_TEST(info.slots[2].recipient == a.public_text());
    BOOST_TEST(info.slots[2].kdf.memory_kib == 0u);
    BOOST_TEST(info.slots[3].label == "");
    BOOST_TEST(info.slots[3].recipient == b.public_text());
    // Removing the last recipient makes it a format-1 vault again.
    v.remove_slot(3);
    v.remove_slot(4);
    BOOST_TEST(open().info().format_version == 1);
}

BOOST_FIXTURE_TEST_CASE(what_add_recipient_refuses, VaultFixture) {
    const Host host;
    Vault v = create();
    const auto invalid = has_code(ErrorCode::invalid_argument);
    BOOST_CHECK_EXCEPTION((void)v.add_recipient("tresor-pub-00", ""), Error, invalid);
    BOOST_CHECK_EXCEPTION((void)v.add_recipient(host.public_text(), std::string(65, 'x')), Error,
                          invalid);
    BOOST_CHECK_EXCEPTION((void)v.add_recipient(host.public_text(), "a\x1b[2Jb"), Error, invalid);
    // The all-zero point: every shared secret with it is zero, known to all.
    BOOST_CHECK_EXCEPTION(
        (void)v.add_recipient(public_key_text(std::vector<std::uint8_t>(32, 0)), ""), Error,
        [](const Error& e) { return contains(e, "low-order"); });
    BOOST_TEST(v.add_recipient(host.public_text(), std::string(64, 'x')) == 2);
    BOOST_CHECK_EXCEPTION((void)v.add_recipient(host.public_text(), "again"), Error,
                          [](const Error& e) { return contains(e, "already has slot 2"); });
    // A fleet has many hosts: 64 slots in all, of which at most 8 password
    // or key-file slots (each may cost a KDF run to try).
    for (int i = 0; i < 62; ++i) {
        (void)v.add_recipient(Host().public_text(), "");
    }
    BOOST_CHECK_EXCEPTION((void)v.add_recipient(Host().public_text(), ""), Error,
                          [](const Error& e) { return contains(e, "most key slots (64)"); });
    BOOST_TEST(open().info().slots.size() == 64u);
}

BOOST_FIXTURE_TEST_CASE(two_hosts_each_open_with_their_own_key, VaultFixture) {
    const Host one;
    const Host two;
    Vault admin = create();
    admin.set("svc", "k", bytes("shared"), {});
    (void)admin.add_recipient(one.public_text(), "one");
    (void)admin.add_recipient(two.public_text(), "two");
    Vault by_one = Vault::open(path, one.credential());
    Vault by_two = Vault::open(path, two.credential());
    by_one.set("svc", "from-one", bytes("1"), {});
    BOOST_TEST(str(by_two.get("svc", "from-one")) == "1");
    BOOST_TEST(str(by_two.get("svc", "k")) == "shared");
}

BOOST_FIXTURE_TEST_CASE(rotation_keeps_every_recipient_and_drops_other_secrets, VaultFixture) {
    const Host one;
    const Host two;
    Vault admin = create();
    admin.set("svc", "k", bytes("before"), {});
    admin.add_keyfile(std::vector<std::uint8_t>(32, 7));
    (void)admin.add_recipient(one.public_text(), "one");
    (void)admin.add_recipient(two.public_text(), "two");
    Vault two_before = Vault::open(path, two.credential());
    BOOST_TEST(admin.rotate() == 1);  // the key file's slot: its secret is not at hand
    const Info info = open().info();
    BOOST_REQUIRE_EQUAL(info.slots.size(), 3u);
    BOOST_TEST(info.slots[0].kind == "password");
    BOOST_TEST(info.slots[1].label == "one");
    BOOST_TEST(info.slots[2].label == "two");
    // Nothing changed on the hosts' side: their keys open the new vault key.
    BOOST_TEST(str(Vault::open(path, one.credential()).get("svc", "k")) == "before");
    // A host that was open across the rotation unlocks again by itself.
    BOOST_TEST(str(two_before.get("svc", "k")) == "before");
    two_before.set("svc", "k", bytes("after"), {});
    // A host can rotate too: it keeps every recipient, itself included, and drops the password.
    Vault by_one = Vault::open(path, one.credential());
    BOOST_TEST(by_one.rotate() == 1);
    BOOST_CHECK_EXCEPTION((void)open(), Error, has_code(ErrorCode::auth_failed));
    BOOST_TEST(str(Vault::open(path, two.credential()).get("svc", "k")) == "after");
    BOOST_TEST(str(by_one.get("svc", "k")) == "after");
}

BOOST_FIXTURE_TEST_CASE(removing_a_host_and_rotating_locks_it_out, VaultFixture) {
    const Host kept;
    const Host removed;
    Vault admin = create();
    admin.set("svc", "k", bytes("the secret"), {});
    (void)admin.add_recipient(kept.public_text(), "kept");
    const int slot = admin.add_recipient(removed.public_text(), "removed");
    // What the removed host could have copied while it was trusted.
    const auto old_header = RawDb(path).blob("SELECT blob FROM header");
    admin.remove_slot(slot);
    // Removal alone: the host's slot is gone, though the vault key it may
    // have seen is unchanged until the rotation.
    BOOST_CHECK_EXCEPTION((void)Vault::open(path, removed.credential()), Error, not_a_recipient);
    BOOST_TEST(admin.rotate() == 0);
    BOOST_CHECK_EXCEPTION((void)Vault::open(path, removed.credential()), Error, not_a_recipient);
    BOOST_TEST(str(Vault::open(path, kept.credential()).get("svc", "k")) == "the secret");
    // With its copy of the old header put back, the removed host unwraps the
    // old vault key, which opens nothing any more.
    RawDb(path).set_blob("UPDATE header SET blob = ?", old_header);
    try {
        Vault stale = Vault::open(path, removed.credential());
        BOOST_TEST(!stale.get("svc", "k").has_value());
        int listed = 0;
        try {
            stale.list(nullptr, [&](const Metadata&) { ++listed; });
        } catch (const Error& e) {
            BOOST_TEST((e.code() == ErrorCode::corrupt), e.what());
        }
        BOOST_TEST(listed == 0);
        BOOST_TEST(!stale.verify().problems.empty());
    } catch (const Error& e) {
        BOOST_TEST((e.code() == ErrorCode::auth_failed || e.code() == ErrorCode::corrupt),
                   e.what());
    }
}

BOOST_FIXTURE_TEST_CASE(what_remove_slot_refuses, VaultFixture) {
    const Host host;
    Vault v = create();
    (void)v.add_recipient(host.public_text(), "h");
    BOOST_CHECK_EXCEPTION(v.remove_slot(1), Error, [](const Error& e) {
        return e.code() == ErrorCode::invalid_argument &&
               contains(e, "the one this vault was unlocked with");
    });
    BOOST_CHECK_EXCEPTION(v.remove_slot(9), Error,
                          [](const Error& e) { return contains(e, "has no key slot 9"); });
    // The host may remove the password slot: it still opens the vault itself.
    Vault by_host = Vault::open(path, host.credential());
    BOOST_CHECK_EXCEPTION(by_host.remove_slot(2), Error, has_code(ErrorCode::invalid_argument));
    by_host.remove_slot(1);
    BOOST_CHECK_EXCEPTION((void)open(), Error, has_code(ErrorCode::auth_failed));
    BOOST_TEST(Vault::open(path, host.credential()).info().slots.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(recipient_changes_are_compare_and_swaps, VaultFixture) {
    const Host host;
    Vault a = create();
    Vault b = open();
    (void)a.add_recipient(host.public_text(), "h");
    const auto changed = [](const Error& e) {
        return e.code() == ErrorCode::io && contains(e, "another process changed");
    };
    BOOST_CHECK_EXCEPTION((void)b.add_recipient(Host().public_text(), ""), Error, changed);
    BOOST_CHECK_EXCEPTION(b.remove_slot(2), Error, changed);
    a.remove_slot(2);
    BOOST_TEST(open().info().slots.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_vault_created_with_a_host_key_has_one_recipient_slot, VaultFixture) {
    const Host host;
    Vault v = Vault::create(path, host.credential(), tresor::test::kFastKdf);
    v.set("s", "n", bytes("v"), {});
    const Info info = Vault::open(path, host.credential()).info();
    BOOST_REQUIRE_EQUAL(info.slots.size(), 1u);
    BOOST_TEST(info.slots[0].kind == "recipient");
    BOOST_TEST(info.slots[0].recipient == host.public_text());
    BOOST_TEST(v.rotate() == 0);
    BOOST_TEST(str(Vault::open(path, host.credential()).get("s", "n")) == "v");
}

BOOST_FIXTURE_TEST_CASE(unknown_slot_kinds_are_refused_cleanly, VaultFixture) {
    (void)create();
    RawDb raw(path);
    const auto header = raw.blob("SELECT blob FROM header");
    constexpr std::size_t kFirstSlotKind = 71;
    for (const std::uint8_t kind : {0, 3, 4, 9, 255}) {
        auto bad = header;
        bad[kFirstSlotKind] = kind;
        raw.set_blob("UPDATE header SET blob = ?", bad);
        // Kind 3 in a format-1 header is refused too: only format 2 has it.
        BOOST_CHECK_EXCEPTION((void)open(), Error, [&](const Error& e) {
            BOOST_TEST_MESSAGE(e.what());
            return e.code() == ErrorCode::corrupt &&
                   (contains(e, "unknown slot kind " + std::to_string(kind)) ||
                    contains(e, "recipient slot in a format 1 header"));
        });
    }
    // Format 2 claimed by a header without a recipient slot: one encoding per header.
    auto bad = header;
    bad[4] = 2;
    raw.set_blob("UPDATE header SET blob = ?", bad);
    BOOST_CHECK_EXCEPTION((void)open(), Error,
                          [](const Error& e) { return contains(e, "without a recipient slot"); });
}

BOOST_AUTO_TEST_CASE(hostkey_unlock_source_reads_a_private_key_file) {
    tresor::test::TempDir dir;
    const Host host;
    const SecureBytes text = private_key_text(host.keys.private_key);
    const auto file = dir.write("host.key", std::string(text.begin(), text.end()) + "\n");
    ::chmod(file.c_str(), 0600);
    const Credential c = obtain_credential(parse_unlock_spec("hostkey:" + file.string()), nullptr,
                                           Purpose::unlock, "/v.db");
    BOOST_TEST((c.kind == Credential::Kind::hostkey));
    BOOST_TEST(c.bytes == host.keys.private_key);
    // Readable by the group: refused, like ssh refuses such a key.
    ::chmod(file.c_str(), 0640);
    BOOST_CHECK_EXCEPTION((void)obtain_credential(parse_unlock_spec("hostkey:" + file.string()),
                                                  nullptr, Purpose::unlock, "/v.db"),
                          Error, has_code(ErrorCode::permission_denied));
    const auto junk = dir.write("junk.key", std::string(40, 'j'));
    ::chmod(junk.c_str(), 0600);
    BOOST_CHECK_EXCEPTION((void)obtain_credential(parse_unlock_spec("hostkey:" + junk.string()),
                                                  nullptr, Purpose::unlock, "/v.db"),
                          Error,
                          [](const Error& e) { return contains(e, "is not a tresor host key"); });
}

BOOST_AUTO_TEST_SUITE_END()
