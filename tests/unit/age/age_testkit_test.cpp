// tresor's age reader against age's own test vectors, the C2SP CCTV set
// (github.com/C2SP/CCTV, age/testdata), which the project does not ship: run
// with TRESOR_AGE_TESTKIT set to that folder, skipped otherwise. Each vector
// names the outcome (success, no match, HMAC failure, header failure,
// payload failure); the reader's steps (age/age.hpp) must give exactly it,
// and a success the payload's SHA-256. Armored vectors and post-quantum
// identities are outside what tresor reads and are counted as skipped.
#define BOOST_TEST_MODULE age_testkit
#include <zlib.h>

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "age/age.hpp"
#include "age/stream.hpp"
#include "vault/detail/crypto.hpp"

using namespace tresor;
using Bytes = std::vector<std::uint8_t>;

namespace {

struct Vector {
    std::multimap<std::string, std::string> fields;
    Bytes file;
};

Vector read_vector(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    const Bytes all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Vector v;
    std::size_t pos = 0;
    while (pos < all.size() && all[pos] != '\n') {
        const auto end = std::find(all.begin() + static_cast<long>(pos), all.end(), '\n');
        const std::string line(all.begin() + static_cast<long>(pos), end);
        const auto colon = line.find(": ");
        v.fields.emplace(line.substr(0, colon), line.substr(colon + 2));
        pos = static_cast<std::size_t>(end - all.begin()) + 1;
    }
    v.file.assign(all.begin() + static_cast<long>(pos) + 1, all.end());
    if (v.fields.count("compressed") != 0) {
        Bytes out(64 << 20);
        uLongf size = out.size();
        BOOST_REQUIRE(uncompress(out.data(), &size, v.file.data(), v.file.size()) == Z_OK);
        out.resize(size);
        v.file = std::move(out);
    }
    return v;
}

std::string hex(std::span<const std::uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (const std::uint8_t b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 15];
    }
    return out;
}

// What the reader makes of the file, in the vectors' words.
std::string outcome(const Vector& v, const age::Identities& ids, std::string& payload_hash) {
    age::Header header;
    std::optional<SecureBytes> file_key;
    try {
        header = age::parse_header(v.file);
        file_key = age::unwrap_file_key(header, ids);
    } catch (const Error&) {
        return "header failure";
    }
    if (!file_key) {
        return "no match";
    }
    if (!age::header_mac_matches(v.file, header, *file_key)) {
        return "HMAC failure";
    }
    const auto payload = std::span<const std::uint8_t>(v.file).subspan(header.payload_offset);
    if (payload.size() < age::kPayloadNonceBytes) {
        return "header failure";  // age reads the nonce with the header
    }
    try {
        payload_hash = hex(vault::detail::sha256(age::open_payload(*file_key, payload)));
    } catch (const Error&) {
        return "payload failure";
    }
    return "success";
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_vector_gives_its_outcome) {
    const char* dir = std::getenv("TRESOR_AGE_TESTKIT");
    if (dir == nullptr || *dir == '\0') {
        BOOST_TEST_MESSAGE("skipped: set TRESOR_AGE_TESTKIT to CCTV's age/testdata folder");
        return;
    }
    int run = 0;
    int skipped = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const Vector v = read_vector(entry.path());
        age::Identities ids;
        bool usable = v.fields.count("armored") == 0;
        for (auto [it, end] = v.fields.equal_range("identity"); it != end; ++it) {
            if (it->second.starts_with("AGE-SECRET-KEY-PQ-")) {
                usable = false;
                continue;
            }
            const Bytes text(it->second.begin(), it->second.end());
            for (SecureBytes& key : age::parse_identity_file(text, entry.path().filename())) {
                ids.x25519.push_back(std::move(key));
            }
        }
        const auto passphrase = v.fields.find("passphrase");
        if (passphrase != v.fields.end()) {
            ids.passphrase = SecureBytes(passphrase->second.begin(), passphrase->second.end());
        }
        if (!usable) {
            ++skipped;
            continue;
        }
        ++run;
        std::string hash;
        const std::string expected = v.fields.find("expect")->second;
        BOOST_TEST_CONTEXT(entry.path().filename()) {
            BOOST_TEST(outcome(v, ids, hash) == expected);
            if (expected == "success") {
                BOOST_TEST(hash == v.fields.find("payload")->second);
            }
        }
    }
    BOOST_TEST_MESSAGE(run << " vectors run, " << skipped << " skipped (armor, post-quantum)");
    BOOST_TEST(run > 0);
}
