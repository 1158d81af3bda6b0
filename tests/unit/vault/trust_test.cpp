// What a host trusts beyond its credential (issue 20), played on file
// vaults (the engine is the same for the fleet store): a header signed by
// the pinned admin identity only, a vault key that matches its commitment,
// no slot change without the admin key, a hand-over the pin follows, and a
// rollback anchor that refuses a vault older than one seen — with the
// attacker's copies, forgeries and restores made on the files themselves.
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>

#include "unit/vault/vault_fixture.hpp"
#include "vault/detail/header.hpp"
#include "vault/detail/keys.hpp"
#include "vault/slots/host_key.hpp"
#include "vault/stores/sqlite_store.hpp"
#include "vault/trust/admin_key.hpp"
#include "vault/trust/anchor.hpp"
#include "vault/trust/header_trust.hpp"

using tresor::Error;
using tresor::ErrorCode;
using namespace tresor::test;
using namespace tresor::vault;
namespace td = tresor::vault::detail;

namespace {

bool refused(const Error& e, ErrorCode code, const std::string& part) {
    return e.code() == code && std::string(e.what()).find(part) != std::string::npos;
}

auto refusal(ErrorCode code, const std::string& part) {
    return [code, part](const Error& e) { return refused(e, code, part); };
}

struct Host {
    HostKeyPair keys = generate_host_key();
    [[nodiscard]] Credential credential() const {
        return {Credential::Kind::hostkey, keys.private_key};
    }
};

// A signed vault with a recipient slot for a host, as `tresor vault init`
// and `add-recipient` make on a fleet.
struct SignedVault {
    TempDir dir;
    std::filesystem::path path = dir / "data/vault.db";
    AdminKeyPair admin = generate_admin_key();
    Host host;

    SignedVault() {
        Vault v = Vault::create(
            [this](std::span<const std::uint8_t> header) {
                return create_sqlite_store(path, header);
            },
            password("admin password"), kFastKdf, {}, &admin);
        (void)v.add_recipient(public_key_text(host.keys.public_key), "host");
        v.set("db", "url", bytes("postgres://app:right@db.example/app"), {});
    }
    [[nodiscard]] Trust pinned(const std::filesystem::path& anchor = {}) const {
        return {admin.public_key, anchor, false};
    }
    Vault open_as_host(const Trust& trust) const {
        return Vault::open(open_sqlite_store(path), host.credential(), {}, trust);
    }
    Vault open_as_admin(const Trust& trust = {}) const {
        return Vault::open(open_sqlite_store(path), password("admin password"), {}, trust);
    }
    std::vector<std::uint8_t> header() const { return RawDb(path).blob("SELECT blob FROM header"); }
    void put_header(const std::vector<std::uint8_t>& blob) const {
        RawDb(path).set_blob("UPDATE header SET blob = ?", blob);
    }
    // A header put back under a MAC made with vault_key: what a holder of
    // that key (any host has it) can write.
    void put_header(td::Header header, std::span<const std::uint8_t> vault_key) const {
        header.mac = td::header_mac(td::derive_subkeys(vault_key, header.vault_id), header);
        put_header(td::encode_header(header));
    }
};

// Copies a vault file over another (both closed): a restore, or a swap.
void copy_vault(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::permissions(
        to, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(trust)

BOOST_AUTO_TEST_CASE(admin_identity_text_round_trips_and_refuses_typos) {
    const AdminKeyPair key = generate_admin_key();
    const std::string text = admin_identity_text(key.public_key);
    BOOST_TEST(text.rfind("tresor-admin-", 0) == 0u);
    BOOST_TEST(parse_admin_identity(text) == key.public_key);
    std::string typo = text;
    typo[20] = typo[20] == '0' ? '1' : '0';
    BOOST_CHECK_EXCEPTION((void)parse_admin_identity(typo), Error,
                          has_code(ErrorCode::invalid_argument));
    BOOST_CHECK_EXCEPTION(
        (void)parse_admin_identity(public_key_text(generate_host_key().public_key)), Error,
        has_code(ErrorCode::invalid_argument));
}

BOOST_AUTO_TEST_CASE(a_signed_vault_opens_for_its_pin_and_is_refused_under_another) {
    const SignedVault v;
    BOOST_TEST(str(v.open_as_host(v.pinned()).get("db", "url")) ==
               "postgres://app:right@db.example/app");
    const Info info = v.open_as_host(v.pinned()).info();
    BOOST_TEST(info.format_version == 3);
    BOOST_TEST(info.admin == admin_identity_text(v.admin.public_key));
    BOOST_TEST(info.key_epoch == 2u);  // init 1, add-recipient 2
    BOOST_TEST(info.admin_pinned);
    const Trust other{generate_admin_key().public_key, {}, false};
    BOOST_CHECK_EXCEPTION((void)v.open_as_host(other), Error,
                          refusal(ErrorCode::auth_failed, "which this host trusts"));
}

// The attack of issue 20: the host's public key is public, so anyone can
// make a vault with a slot for it; copied over the team's, it was read.
BOOST_AUTO_TEST_CASE(a_substitute_vault_with_a_slot_for_the_host_is_refused) {
    const SignedVault team;
    const TempDir attacker_dir;
    const std::filesystem::path attacker = attacker_dir / "evil.db";
    const AdminKeyPair evil_admin = generate_admin_key();
    {
        Vault evil = Vault::create(
            [&](std::span<const std::uint8_t> header) {
                return create_sqlite_store(attacker, header);
            },
            password("the attacker's"), kFastKdf, {}, &evil_admin);
        (void)evil.add_recipient(public_key_text(team.host.keys.public_key), "");
        evil.set("db", "url", bytes("postgres://app:x@attacker.example/app"), {});
    }
    copy_vault(attacker, team.path);
    BOOST_CHECK_EXCEPTION(
        (void)team.open_as_host(team.pinned()), Error,
        refusal(ErrorCode::auth_failed, "not by " + admin_identity_text(team.admin.public_key)));
    // Without a pin the host believes it: the limit docs/FLEET.md states.
    BOOST_TEST(str(team.open_as_host({}).get("db", "url")) ==
               "postgres://app:x@attacker.example/app");
    // Unsigned (made by tresor before issue 20, or stripped), it is refused
    // by a pinned host as well.
    const TempDir plain_dir;
    {
        Vault plain = Vault::create(plain_dir / "plain.db", password("p"), kFastKdf);
        (void)plain.add_recipient(public_key_text(team.host.keys.public_key), "");
    }
    copy_vault(plain_dir / "plain.db", team.path);
    BOOST_CHECK_EXCEPTION((void)team.open_as_host(team.pinned()), Error,
                          refusal(ErrorCode::auth_failed, "it is not signed"));
}

BOOST_AUTO_TEST_CASE(slot_changes_need_the_admin_key) {
    const SignedVault v;
    const Host intruder;
    // A host holds the vault key, and may write secrets...
    Vault as_host = v.open_as_host(v.pinned());
    as_host.set("app", "token", bytes("t"), {});
    // ...but not add a slot, nor remove one, nor rotate.
    BOOST_CHECK_EXCEPTION(
        (void)as_host.add_recipient(public_key_text(intruder.keys.public_key), ""), Error,
        refusal(ErrorCode::permission_denied, "change only with its admin key"));
    BOOST_CHECK_EXCEPTION(as_host.remove_slot(1), Error, has_code(ErrorCode::permission_denied));
    BOOST_CHECK_EXCEPTION((void)as_host.rotate(), Error, has_code(ErrorCode::permission_denied));
    // The admin's password alone is not enough either; its key is.
    Vault as_admin = v.open_as_admin();
    BOOST_CHECK_EXCEPTION(as_admin.add_keyfile(bytes(std::string(32, 'k'))), Error,
                          has_code(ErrorCode::permission_denied));
    BOOST_CHECK_EXCEPTION(as_admin.use_admin_key(generate_admin_key()), Error,
                          refusal(ErrorCode::invalid_argument, "does not sign"));
    as_admin.use_admin_key(v.admin);
    (void)as_admin.add_recipient(public_key_text(intruder.keys.public_key), "new host");
    BOOST_TEST(as_admin.info().key_epoch == 3u);
    (void)as_admin.rotate();
    BOOST_TEST(as_admin.info().key_epoch == 4u);
    BOOST_TEST(str(v.open_as_host(v.pinned()).get("app", "token")) == "t");
}

// A host with write access and code of its own: the vault key makes a valid
// MAC, but the admin's signature does not cover the new slot.
BOOST_AUTO_TEST_CASE(a_slot_forged_with_the_vault_key_fails_the_signature) {
    const SignedVault v;
    const Host intruder;
    const Vault as_host = v.open_as_host(v.pinned());
    const std::span<const std::uint8_t> vault_key = as_host.vault_key();
    td::Header header = td::decode_header(v.header());
    header.slots.push_back(
        td::make_recipient_slot(header, 9, intruder.keys.public_key, "", vault_key));
    v.put_header(header, vault_key);
    // Refused with or without a pin: a signature present must verify.
    BOOST_CHECK_EXCEPTION((void)v.open_as_host(v.pinned()), Error,
                          refusal(ErrorCode::auth_failed, "does not verify"));
    BOOST_CHECK_EXCEPTION((void)v.open_as_host({}), Error,
                          refusal(ErrorCode::auth_failed, "does not verify"));
    BOOST_CHECK_EXCEPTION(
        (void)Vault::open(open_sqlite_store(v.path), intruder.credential(), {}, v.pinned()), Error,
        has_code(ErrorCode::auth_failed));
}

// The signature covers the slots; the commitment binds the vault key they
// wrap, so a slot wrapping another key is refused even when signed.
BOOST_AUTO_TEST_CASE(a_vault_key_that_is_not_the_committed_one_is_refused) {
    const SignedVault v;
    td::Header header = td::decode_header(v.header());
    const Vault as_host = v.open_as_host({});
    const SecureBytes vault_key(as_host.vault_key().begin(), as_host.vault_key().end());
    td::sign_header(header, v.admin, td::random_key(), header.admin->key_epoch);
    v.put_header(header, vault_key);
    BOOST_CHECK_EXCEPTION((void)v.open_as_host(v.pinned()), Error,
                          refusal(ErrorCode::auth_failed, "not the one its admin signed for"));
}

BOOST_AUTO_TEST_CASE(a_vault_made_before_signing_is_signed_then_pinned) {
    const TempDir dir;
    const std::filesystem::path path = dir / "v.db";
    const Host host;
    {
        Vault v = Vault::create(path, password("pw"), kFastKdf);
        (void)v.add_recipient(public_key_text(host.keys.public_key), "");
    }
    const AdminKeyPair admin = generate_admin_key();
    const Trust pinned{admin.public_key, {}, false};
    BOOST_CHECK_EXCEPTION((void)Vault::open(open_sqlite_store(path), host.credential(), {}, pinned),
                          Error, refusal(ErrorCode::auth_failed, "it is not signed"));
    {
        Vault v = Vault::open(path, password("pw"));
        v.sign(admin);
        BOOST_CHECK_EXCEPTION(v.sign(generate_admin_key()), Error,
                              refusal(ErrorCode::invalid_argument, "signed already"));
    }
    Vault v = Vault::open(open_sqlite_store(path), host.credential(), {}, pinned);
    BOOST_TEST(v.info().key_epoch == 1u);
}

// A hand-over: hosts pinned to the old identity follow the signed record;
// once one has seen it, the old key alone no longer convinces it.
BOOST_AUTO_TEST_CASE(a_pin_follows_a_signed_hand_over_and_then_refuses_the_old_key) {
    const SignedVault v;
    const TempDir anchor;
    (void)v.open_as_host(v.pinned(anchor.path()));  // the host knows the vault
    const AdminKeyPair next = generate_admin_key();
    {
        Vault as_admin = v.open_as_admin();
        as_admin.use_admin_key(v.admin);
        as_admin.hand_over(next);
        const Info info = as_admin.info();
        BOOST_TEST(info.admin == admin_identity_text(next.public_key));
        BOOST_TEST(info.handed_over_from == admin_identity_text(v.admin.public_key));
    }
    const std::vector<std::uint8_t> handed_over = v.header();
    BOOST_TEST(str(v.open_as_host(v.pinned(anchor.path())).get("db", "url")) ==
               "postgres://app:right@db.example/app");
    // The old key, compromised say, signs a header of its own at a higher
    // epoch: the host that saw the hand-over refuses it...
    td::Header header = td::decode_header(handed_over);
    const Vault as_host = v.open_as_host({});
    const SecureBytes vault_key(as_host.vault_key().begin(), as_host.vault_key().end());
    header.admin->handover.reset();
    td::sign_header(header, v.admin, vault_key, header.admin->key_epoch + 5);
    v.put_header(header, vault_key);
    BOOST_CHECK_EXCEPTION(
        (void)v.open_as_host(v.pinned(anchor.path())), Error,
        refusal(ErrorCode::auth_failed, "not by " + admin_identity_text(next.public_key)));
    // ...one that never saw it cannot know (docs/FLEET.md says so).
    BOOST_TEST(str(v.open_as_host(v.pinned()).get("db", "url")) ==
               "postgres://app:right@db.example/app");
    // A forged hand-over record (not signed by the pinned key) is refused.
    td::Header forged = td::decode_header(handed_over);
    forged.admin->handover->signature[0] ^= 1;
    td::sign_header(forged, next, vault_key, forged.admin->key_epoch);  // a genuine signer
    v.put_header(forged, vault_key);
    BOOST_CHECK_EXCEPTION((void)v.open_as_host(v.pinned()), Error,
                          refusal(ErrorCode::auth_failed, "hand-over"));
}

BOOST_AUTO_TEST_CASE(the_anchor_refuses_a_vault_restored_from_an_older_copy) {
    const SignedVault v;
    const TempDir anchor;
    const TempDir backup;
    (void)v.open_as_host(v.pinned(anchor.path()));
    copy_vault(v.path, backup / "old.db");
    {
        Vault as_host = v.open_as_host(v.pinned(anchor.path()));
        as_host.set("db", "url", bytes("postgres://app:newer@db.example/app"), {});
    }
    copy_vault(backup / "old.db", v.path);
    BOOST_CHECK_EXCEPTION(
        (void)v.open_as_host(v.pinned(anchor.path())), Error,
        refusal(ErrorCode::corrupt,
                "(key epoch 2, generation 3 seen here; key epoch 2, generation 2 in the store)"));
    // A host that never saw the newer state cannot know.
    const TempDir fresh;
    BOOST_TEST(str(v.open_as_host(v.pinned(fresh.path())).get("db", "url")) ==
               "postgres://app:right@db.example/app");
    // The admin accepts the restore: signed again above every epoch it
    // knows, it is newer for every host's anchor.
    {
        const TempDir admin_anchor;
        Trust accepting = v.pinned(admin_anchor.path());
        accepting.accept_older = true;
        Vault as_admin = v.open_as_admin(accepting);
        as_admin.use_admin_key(v.admin);
        BOOST_TEST(as_admin.accept_restore());
        BOOST_TEST(as_admin.info().key_epoch == 3u);
    }
    BOOST_TEST(str(v.open_as_host(v.pinned(anchor.path())).get("db", "url")) ==
               "postgres://app:right@db.example/app");
}

// Under a Vault kept open, a write re-reads the header: an older one is
// refused there too, anchor or not.
BOOST_AUTO_TEST_CASE(a_rollback_under_an_open_vault_is_refused_at_its_next_write) {
    const SignedVault v;
    Vault as_host = v.open_as_host(v.pinned());
    const std::vector<std::uint8_t> old = v.header();
    as_host.set("a", "b", bytes("1"), {});
    v.put_header(old);
    BOOST_CHECK_EXCEPTION(as_host.set("a", "c", bytes("2"), {}), Error,
                          refusal(ErrorCode::corrupt, "older than what this host has seen"));
}

BOOST_AUTO_TEST_CASE(a_host_accepts_a_restore_for_itself) {
    const TempDir dir;
    const TempDir anchor;
    const TempDir backup;
    const std::filesystem::path path = dir / "v.db";
    const Trust trust{{}, anchor.path(), false};
    {
        (void)Vault::create([&](auto header) { return create_sqlite_store(path, header); },
                            password("pw"), kFastKdf, {}, nullptr, trust);
    }
    copy_vault(path, backup / "old.db");
    Vault::open(open_sqlite_store(path), password("pw"), {}, trust).set("a", "b", bytes("1"), {});
    copy_vault(backup / "old.db", path);
    BOOST_CHECK_EXCEPTION((void)Vault::open(open_sqlite_store(path), password("pw"), {}, trust),
                          Error, has_code(ErrorCode::corrupt));
    Trust accepting = trust;
    accepting.accept_older = true;
    BOOST_TEST(
        !Vault::open(open_sqlite_store(path), password("pw"), {}, accepting).accept_restore());
    BOOST_TEST(str(Vault::open(open_sqlite_store(path), password("pw"), {}, trust).get("a", "b")) ==
               "<none>");
}

BOOST_AUTO_TEST_CASE(anchor_lines_round_trip_and_anything_else_is_refused) {
    const AnchorState state{7, 1234, generate_admin_key().public_key, {}};
    BOOST_TEST((decode_anchor(encode_anchor(state)) == state));
    for (const char* bad : {"", "tresor-anchor-v1 7 1234 - -", "tresor-anchor-v1 07 1 - -\n",
                            "tresor-anchor-v1 7 1 - - x\n", "tresor-anchor-v1 7 1 - - \n",
                            "tresor-anchor-v1  7 1 - -\n", "tresor-anchor-v1 -7 1 - -\n",
                            "tresor-anchor-v2 7 1 - -\n", "tresor-anchor-v1 7 1 ABCD -\n",
                            "tresor-anchor-v1 7 18446744073709551616 - -\n"}) {
        BOOST_CHECK_EXCEPTION((void)decode_anchor(bad), Error, has_code(ErrorCode::corrupt));
    }
    BOOST_TEST(older_than({1, 9, {}, {}}, {1, 10, {}, {}}));
    BOOST_TEST(older_than({1, 900, {}, {}}, {2, 1, {}, {}}));
    BOOST_TEST(!older_than({2, 1, {}, {}}, {1, 900, {}, {}}));
}

BOOST_AUTO_TEST_CASE(an_anchor_file_others_could_read_or_write_is_refused) {
    const TempDir folder;
    const RollbackAnchor anchor(folder / "anchors");
    anchor.raise("00", {1, 2, {}, {}});
    BOOST_TEST(((std::filesystem::status(folder / "anchors").permissions() &
                 std::filesystem::perms::all) == std::filesystem::perms::owner_all));
    anchor.raise("00", {1, 1, {}, {}});  // never lowered
    BOOST_TEST(anchor.load("00")->generation == 2u);
    ::chmod(anchor.file("00").c_str(), 0644);
    BOOST_CHECK_EXCEPTION((void)anchor.load("00"), Error, has_code(ErrorCode::permission_denied));
}

BOOST_AUTO_TEST_CASE(the_admin_key_file_opens_with_its_credential_only) {
    const AdminKeyPair key = generate_admin_key();
    const SecureBytes sealed = seal_admin_key(key, password("admin password"), kFastKdf);
    BOOST_TEST(open_admin_key(sealed, password("admin password"), {}, "f").public_key ==
               key.public_key);
    BOOST_CHECK_EXCEPTION((void)open_admin_key(sealed, password("wrong"), {}, "f"), Error,
                          has_code(ErrorCode::auth_failed));
    SecureBytes tampered = sealed;
    tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'a' ? 'b' : 'a';
    BOOST_CHECK_EXCEPTION((void)open_admin_key(tampered, password("admin password"), {}, "f"),
                          Error, has_code(ErrorCode::auth_failed));
    const Credential keyfile{Credential::Kind::keyfile, SecureBytes(32, 7)};
    const SecureBytes by_keyfile = seal_admin_key(key, keyfile, kFastKdf);
    BOOST_TEST(open_admin_key(by_keyfile, keyfile, {}, "f").secret_key == key.secret_key);
    BOOST_CHECK_EXCEPTION((void)open_admin_key(by_keyfile, password("admin password"), {}, "f"),
                          Error, refusal(ErrorCode::auth_failed, "sealed by a key file"));
    BOOST_CHECK_EXCEPTION((void)open_admin_key(SecureBytes(10, 'x'), keyfile, {}, "f"), Error,
                          has_code(ErrorCode::corrupt));
    // On disk: 0600, refused once others may read it.
    const TempDir dir;
    const std::filesystem::path file = dir / "admin" / "key";
    write_admin_key_file(file, sealed, false);
    BOOST_TEST(read_admin_key_file(file) == sealed);
    ::chmod(file.c_str(), 0640);
    BOOST_CHECK_EXCEPTION((void)read_admin_key_file(file), Error,
                          has_code(ErrorCode::permission_denied));
}

BOOST_AUTO_TEST_SUITE_END()
