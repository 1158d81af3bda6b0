// An attacker with write access to the vault file: every change to the
// header, to a record, and every swap, copy, rollback or deletion of rows is
// either refused with a typed error or (for whole-row rollback, deletion and
// insertion) caught by verify(). Never a crash, never a wrong value.
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>

#include <chrono>

#include "unit/vault/vault_fixture.hpp"
#include "vault/slots/host_key.hpp"

using tresor::Error;
using tresor::ErrorCode;
using namespace tresor::test;
using namespace tresor::vault;

namespace {

bool refused(const Error& e) {
    return e.code() == ErrorCode::auth_failed || e.code() == ErrorCode::corrupt;
}

// Offset of slot 0's memory_kib in the header (docs/VAULT-FORMAT.md):
// magic 4 + version 2 + vault id 16 + generation 8 + count 8 + manifest 32 +
// slot count 1 + kind 1 + id 1 + kdf 1.
constexpr std::size_t kSlotMemoryOffset = 74;

void put_u32(std::vector<std::uint8_t>& blob, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) {
        blob[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
    }
}

// Records a and b, their `column` then swapped in the file, as an attacker
// would (through random values first: name_index is unique).
Vault with_swapped(VaultFixture& f, const std::string& column) {
    Vault v = f.create();
    v.set("svc", "a", bytes("value of a"), {});
    v.set("svc", "b", bytes("value of b"), {});
    RawDb(f.path).exec("CREATE TEMP TABLE saved AS SELECT record_id, " + column +
                       " FROM records; UPDATE records SET " + column +
                       " = randomblob(32); UPDATE records SET " + column + " = (SELECT " + column +
                       " FROM saved WHERE saved.record_id <> records.record_id)");
    return v;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(every_header_byte_is_authenticated, VaultFixture) {
    (void)create();
    RawDb raw(path);
    const auto header = raw.blob("SELECT blob FROM header");
    BOOST_REQUIRE(header.size() > 100u);
    for (std::size_t i = 0; i < header.size(); ++i) {
        auto bad = header;
        bad[i] ^= 0x5a;
        raw.set_blob("UPDATE header SET blob = ?", bad);
        try {
            (void)open();
            BOOST_ERROR("flipped header byte " << i << " was accepted");
        } catch (const Error& e) {
            BOOST_TEST(refused(e), "byte " << i << ": " << e.what());
        }
    }
    raw.set_blob("UPDATE header SET blob = ?", header);
    BOOST_TEST(open().verify().problems.empty());
}

// The same with a recipient slot (format 2): every byte of the header, the
// recipient slot's share, public key, label length and label included, is
// refused by the host key, and the password refuses every byte of the
// recipient slot (the MAC covers what the password's own slot does not).
BOOST_FIXTURE_TEST_CASE(every_header_byte_is_authenticated_with_a_recipient_slot, VaultFixture) {
    const HostKeyPair host = generate_host_key();
    const Credential host_key{Credential::Kind::hostkey, host.private_key};
    (void)create().add_recipient(public_key_text(host.public_key), "host2");
    RawDb raw(path);
    const auto header = raw.blob("SELECT blob FROM header");
    constexpr std::size_t kRecipientSlotAt = 71 + 116;
    BOOST_REQUIRE(header.size() == kRecipientSlotAt + 139 + 5 + 32);
    for (std::size_t i = 0; i < header.size(); ++i) {
        auto bad = header;
        bad[i] ^= 0x5a;
        raw.set_blob("UPDATE header SET blob = ?", bad);
        const auto expect_refused = [&](const std::function<void()>& open_it, const char* with) {
            try {
                open_it();
                BOOST_ERROR("flipped header byte " << i << " was accepted with " << with);
            } catch (const Error& e) {
                BOOST_TEST(refused(e), "byte " << i << " with " << with << ": " << e.what());
            }
        };
        expect_refused([&] { (void)Vault::open(path, host_key); }, "the host key");
        if (i >= kRecipientSlotAt) {
            expect_refused([&] { (void)open(); }, "the password");
        }
    }
    raw.set_blob("UPDATE header SET blob = ?", header);
    BOOST_TEST(Vault::open(path, host_key).verify().problems.empty());
}

BOOST_FIXTURE_TEST_CASE(hostile_kdf_parameters_are_refused_before_any_kdf, VaultFixture) {
    (void)create();
    RawDb raw(path);
    const auto header = raw.blob("SELECT blob FROM header");
    for (std::uint32_t memory : {0xFFFFFFFFu, 64u * 1024 * 1024, 1u}) {
        auto bad = header;
        put_u32(bad, kSlotMemoryOffset, memory);
        raw.set_blob("UPDATE header SET blob = ?", bad);
        BOOST_CHECK_EXCEPTION((void)open(), Error, [](const Error& e) {
            return e.code() == ErrorCode::corrupt &&
                   std::string(e.what()).find("Argon2id memory") != std::string::npos;
        });
    }
    auto bad = header;
    put_u32(bad, kSlotMemoryOffset + 4, 0xFFFFFFFFu);  // iterations
    raw.set_blob("UPDATE header SET blob = ?", bad);
    BOOST_CHECK_EXCEPTION((void)open(), Error, [](const Error& e) {
        return std::string(e.what()).find("Argon2id iterations") != std::string::npos;
    });
}

BOOST_FIXTURE_TEST_CASE(every_record_byte_is_authenticated, VaultFixture) {
    Vault v = create();
    v.set("svc", "name", bytes("the value"), {});
    RawDb raw(path);
    for (const char* column : {"value", "metadata", "name_index"}) {
        const std::string select = std::string("SELECT ") + column + " FROM records";
        const std::string update = std::string("UPDATE records SET ") + column + " = ?";
        const auto original = raw.blob(select);
        for (std::size_t i = 0; i < original.size(); ++i) {
            auto bad = original;
            bad[i] ^= 0x01;
            raw.set_blob(update, bad);
            try {
                const auto value = v.get("svc", "name");
                const auto meta = v.stat("svc", "name");
                // A changed index only hides the record; it never returns another value.
                BOOST_TEST(std::string(column) == "name_index", column << " byte " << i);
                BOOST_TEST(!value.has_value());
                BOOST_TEST(!meta.has_value());
            } catch (const Error& e) {
                BOOST_TEST(refused(e), column << " byte " << i << ": " << e.what());
            }
        }
        raw.set_blob(update, original);
    }
    BOOST_TEST(str(v.get("svc", "name")) == "the value");
}

BOOST_FIXTURE_TEST_CASE(swapped_ciphertexts_are_detected_on_read, VaultFixture) {
    Vault v = with_swapped(*this, "value");
    BOOST_CHECK_EXCEPTION((void)v.get("svc", "a"), Error, refused);
    BOOST_CHECK_EXCEPTION((void)v.get("svc", "b"), Error, refused);
}

BOOST_FIXTURE_TEST_CASE(swapped_name_indexes_are_detected_on_read, VaultFixture) {
    Vault v = with_swapped(*this, "name_index");
    BOOST_CHECK_EXCEPTION((void)v.get("svc", "a"), Error, refused);
    BOOST_TEST(!v.verify().problems.empty());
}

BOOST_FIXTURE_TEST_CASE(rolled_back_row_is_caught_by_verify, VaultFixture) {
    Vault v = create();
    v.set("svc", "token", bytes("old"), {});
    RawDb raw(path);
    // TEMP: a table in the file itself would be refused as planted.
    raw.exec("CREATE TEMP TABLE old_rows AS SELECT * FROM records");
    v.set("svc", "token", bytes("new"), {});
    raw.exec(
        "DELETE FROM records; INSERT INTO records SELECT * FROM old_rows; DROP TABLE old_rows");
    const VerifyReport report = v.verify();
    BOOST_REQUIRE(!report.problems.empty());
    BOOST_TEST(report.problems.back().find("manifest") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(deleted_row_is_caught_by_verify, VaultFixture) {
    Vault v = create();
    v.set("svc", "a", bytes("1"), {});
    v.set("svc", "b", bytes("2"), {});
    BOOST_TEST(v.verify().problems.empty());
    RawDb(path).exec("DELETE FROM records WHERE rowid = (SELECT min(rowid) FROM records)");
    BOOST_TEST(!v.verify().problems.empty());
}

BOOST_FIXTURE_TEST_CASE(row_copied_from_another_vault_is_caught, VaultFixture) {
    Vault v = create();
    v.set("svc", "a", bytes("mine"), {});
    const auto other_path = dir / "other.db";
    Vault other =
        Vault::create(other_path, tresor::test::password("correct horse"), tresor::test::kFastKdf);
    other.set("svc", "a", bytes("theirs"), {});
    RawDb raw(path);
    raw.exec("ATTACH '" + other_path.string() +
             "' AS o;"
             "DELETE FROM records; INSERT INTO records SELECT * FROM o.records");
    // The copied row is under the other vault's keys: invisible to lookups,
    // and verify names it.
    BOOST_TEST(!v.get("svc", "a").has_value());
    BOOST_TEST(!v.verify().problems.empty());
}

namespace {

// Finding 10 of issue 15: slot 0 copied `count` times (ids 1..count) with
// these Argon2id parameters. No MAC to forge: the KDF runs before the MAC can
// be checked, so an attacker only edits bytes.
std::vector<std::uint8_t> with_slots(const std::vector<std::uint8_t>& header, std::uint8_t count,
                                     std::uint32_t memory_kib, std::uint32_t iterations) {
    constexpr std::size_t kSlotsAt = 71;
    constexpr std::size_t kSlotBytes = 116;
    std::vector<std::uint8_t> out(header.begin(), header.begin() + kSlotsAt);
    out.back() = count;
    for (std::uint8_t id = 1; id <= count; ++id) {
        const auto slot = header.begin() + kSlotsAt;
        const std::size_t at = out.size();
        out.insert(out.end(), slot, slot + kSlotBytes);
        out[at + 1] = id;
        put_u32(out, at + 3, memory_kib);
        put_u32(out, at + 7, iterations);
    }
    out.insert(out.end(), header.end() - 32, header.end());
    return out;
}

long max_rss_kib() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

// Opening must fail at once, with the reader's limit named, and allocate
// nothing like what the header asks for.
void expect_refused_cheaply(VaultFixture& f, const std::vector<std::uint8_t>& header,
                            const std::string& named) {
    RawDb(f.path).set_blob("UPDATE header SET blob = ?", header);
    const long rss_before = max_rss_kib();
    const auto start = std::chrono::steady_clock::now();
    BOOST_CHECK_EXCEPTION((void)f.open(), Error, [&](const Error& e) {
        BOOST_TEST_MESSAGE(e.what());
        return e.code() == ErrorCode::corrupt &&
               std::string(e.what()).find(named) != std::string::npos;
    });
    const auto took = std::chrono::steady_clock::now() - start;
    BOOST_TEST(took < std::chrono::milliseconds(500));
    BOOST_TEST(max_rss_kib() - rss_before < 64 * 1024, "the KDF's memory was allocated");
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(slot_asking_for_4_gib_is_refused_before_any_kdf, VaultFixture) {
    (void)create();
    const auto header = RawDb(path).blob("SELECT blob FROM header");
    expect_refused_cheaply(*this, with_slots(header, 1, 4u * 1024 * 1024, 1),
                           "vault slot 1 asks for 4096 MiB of Argon2id memory, above this "
                           "reader's limit of 1024 MiB (raise kdf.max_memory_mib");
    expect_refused_cheaply(*this, with_slots(header, 8, 4u * 1024 * 1024, 1), "4096 MiB");
}

BOOST_FIXTURE_TEST_CASE(slots_within_the_memory_limit_are_held_to_a_work_budget, VaultFixture) {
    (void)create();
    const auto header = RawDb(path).blob("SELECT blob FROM header");
    expect_refused_cheaply(*this, with_slots(header, 8, 1024 * 1024, 1),
                           "8192 MiB x passes of Argon2id work to unlock, above this reader's "
                           "limit of 3072 (raise kdf.max_work");
}

BOOST_FIXTURE_TEST_CASE(reader_limits_are_the_callers_to_set, VaultFixture) {
    Vault v = create();
    v.set("svc", "a", bytes("value"), {});
    const KdfLimits tight{16 * 1024, 1024 * 1024};
    BOOST_CHECK_EXCEPTION((void)Vault::open(path, tresor::test::password("correct horse"), tight),
                          Error, [](const Error& e) {
                              return std::string(e.what()).find("limit of 16 MiB") !=
                                     std::string::npos;
                          });
    const KdfLimits exact{kMinWriteMemoryKib, kMinWriteMemoryKib * kMinWriteIterations};
    Vault again = Vault::open(path, tresor::test::password("correct horse"), exact);
    BOOST_TEST(str(again.get("svc", "a")) == "value");
    // A key file tries no password slot, so their cost does not count.
    v.add_keyfile(std::vector<std::uint8_t>(32, 7));
    const Credential key_file{Credential::Kind::keyfile, SecureBytes(32, 7)};
    BOOST_CHECK_NO_THROW((void)Vault::open(path, key_file, {16 * 1024, 0}));
}

// Lanes cost a reader threads: kdf.max_lanes refuses a slot of more, before
// any KDF runs, as memory and work are refused.
BOOST_FIXTURE_TEST_CASE(a_reader_bounds_the_lanes_of_the_slots_it_tries, VaultFixture) {
    KdfPolicy four_lanes = tresor::test::kFastKdf;
    four_lanes.parallelism = 4;
    Vault::create(path, tresor::test::password("correct horse"), four_lanes)
        .set("svc", "a", bytes("value"), {});
    KdfLimits two;
    two.max_lanes = 2;
    BOOST_CHECK_EXCEPTION((void)Vault::open(path, tresor::test::password("correct horse"), two),
                          Error, [](const Error& e) {
                              BOOST_TEST_MESSAGE(e.what());
                              return e.code() == ErrorCode::corrupt &&
                                     std::string(e.what()).find(
                                         "vault slot 1 asks for 4 Argon2id lanes, above this "
                                         "reader's limit of 2 (raise kdf.max_lanes") !=
                                         std::string::npos;
                          });
    KdfLimits four = two;
    four.max_lanes = 4;
    BOOST_TEST(
        str(Vault::open(path, tresor::test::password("correct horse"), four).get("svc", "a")) ==
        "value");
}

// A writer must not make a vault that its own reader limits refuse.
BOOST_FIXTURE_TEST_CASE(a_kdf_policy_above_the_reader_limits_is_refused_before_writing,
                        VaultFixture) {
    const KdfLimits tight{kMinWriteMemoryKib, kMinWriteMemoryKib * kMinWriteIterations};
    const KdfPolicy bigger{2 * kMinWriteMemoryKib, kMinWriteIterations, 1};
    const auto above = [](const Error& e) {
        return e.code() == ErrorCode::invalid_argument &&
               std::string(e.what()).find("above what this reader opens") != std::string::npos;
    };
    BOOST_CHECK_EXCEPTION((void)Vault::create(path, tresor::test::password("pw"), bigger, tight),
                          Error, above);
    BOOST_TEST(!std::filesystem::exists(path));
    Vault v = Vault::create(path, tresor::test::password("pw"), tresor::test::kFastKdf, tight);
    BOOST_CHECK_EXCEPTION(v.change_password(tresor::test::password("new"), bigger), Error, above);
    BOOST_TEST(str(Vault::open(path, tresor::test::password("pw"), tight).get("x", "y")) ==
               "<none>");
}

// A listing reuses the metadata it decrypted before only for the very bytes
// it decrypted: after a list, a changed or swapped metadata column (the
// header untouched) is refused by the next list in the same process, as by
// a fresh one.
BOOST_FIXTURE_TEST_CASE(a_listing_after_a_listing_refuses_a_tampered_row, VaultFixture) {
    const auto list_all = [](Vault& v) {
        std::size_t n = 0;
        v.list(nullptr, [&](const Metadata&) { ++n; });
        return n;
    };
    Vault v = create();
    v.set("svc", "a", bytes("value of a"), {});
    v.set("svc", "b", bytes("value of b"), {});
    BOOST_TEST(list_all(v) == 2u);
    RawDb(path).exec(
        "CREATE TEMP TABLE saved AS SELECT record_id, metadata FROM records; "
        "UPDATE records SET metadata = (SELECT metadata FROM saved "
        "WHERE saved.record_id <> records.record_id)");
    BOOST_CHECK_EXCEPTION((void)list_all(v), Error, refused);
    BOOST_CHECK_EXCEPTION((void)list_all(v), Error, refused);
}
