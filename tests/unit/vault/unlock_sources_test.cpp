// Unlock sources read from places an attacker may shape (issue 15, findings
// 9 and 12): a device or FIFO instead of a file, a file another user can
// write, and a read that fails half-way, which must not leak its descriptor.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "unit/vault/vault_fixture.hpp"
#include "vault/unlock.hpp"

using tresor::Error;
using tresor::ErrorCode;
using tresor::test::TempDir;
using namespace tresor::vault;

namespace {

std::string obtain_error(const std::string& spec) {
    try {
        (void)obtain_credential(parse_unlock_spec(spec), nullptr, Purpose::unlock, "/v.db");
    } catch (const Error& e) {
        return e.what();
    }
    BOOST_FAIL("no error for " + spec);
    return "";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::size_t open_descriptors() {
    return static_cast<std::size_t>(
        std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                      std::filesystem::directory_iterator()));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(unlock_sources)

BOOST_AUTO_TEST_CASE(a_device_is_not_a_password_file) {
    const std::string error = obtain_error("file:/dev/zero");
    BOOST_CHECK_MESSAGE(contains(error, "/dev/zero") && contains(error, "a device"), error);
    BOOST_CHECK(contains(obtain_error("keyfile:/dev/urandom"), "a device"));
}

BOOST_AUTO_TEST_CASE(a_fifo_is_refused_at_once) {
    TempDir dir;
    const auto fifo = dir / "password";
    BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const std::string error = obtain_error("file:" + fifo.string());
    BOOST_CHECK_MESSAGE(contains(error, "a FIFO"), error);
}

BOOST_AUTO_TEST_CASE(an_endless_descriptor_is_cut_off) {
    const int fd = ::open("/dev/zero", O_RDONLY | O_CLOEXEC);
    BOOST_REQUIRE(fd >= 0);
    const std::string error = obtain_error("fd:" + std::to_string(fd));
    ::close(fd);
    BOOST_CHECK_MESSAGE(contains(error, "more than 65536 bytes"), error);
}

BOOST_AUTO_TEST_CASE(a_password_file_others_can_write_is_refused) {
    TempDir dir;
    const auto file = dir.write("password", "pw\n");
    ::chmod(file.c_str(), 0666);
    BOOST_CHECK(contains(obtain_error("file:" + file.string()), "chmod go-w"));
    const auto key = dir.write("shared/host.key", std::string(32, 'k'));
    ::chmod((dir / "shared").c_str(), 0777);
    BOOST_CHECK(contains(obtain_error("keyfile:" + key.string()), "folder"));
}

BOOST_AUTO_TEST_CASE(a_symlinked_secret_file_is_read_through_its_link) {
    // Kubernetes mounts a secret as a symlink into a ..data folder.
    TempDir dir;
    const auto target = dir.write("..data/password", "from the volume\n");
    std::filesystem::create_symlink(target, dir / "password");
    const Credential c = obtain_credential(parse_unlock_spec("file:" + (dir / "password").string()),
                                           nullptr, Purpose::unlock, "/v.db");
    BOOST_CHECK_EQUAL(std::string(c.bytes.begin(), c.bytes.end()), "from the volume");
}

BOOST_AUTO_TEST_CASE(a_read_that_fails_after_the_open_closes_its_descriptor) {
    // /proc/self/mem opens, then reading at offset 0 fails with EIO.
    const std::size_t before = open_descriptors();
    for (int i = 0; i < 3; ++i) {
        BOOST_CHECK(contains(obtain_error("file:/proc/self/mem"), "Input/output error"));
    }
    BOOST_CHECK_EQUAL(open_descriptors(), before);
}

BOOST_AUTO_TEST_SUITE_END()
