// The keyutils backend with the real kernel keyring: a secret set by one
// process is read, listed and removed by others. Skipped, with the reason,
// where a sandbox forbids the keyctl system calls.
#define BOOST_TEST_MODULE keyutils
#include <boost/test/unit_test.hpp>

#include "integration/keyutils/keyring_usable.hpp"
#include "support/run_process.hpp"
#include "support/test_support.hpp"

using namespace tresor::test;

namespace {

struct Keyring {
    TempDir dir;
    std::filesystem::path config = dir.write(
        "config.toml", "[backend.kernel]\nplugin = \"keyutils\"\nkeyring = \"session\"\n");
    ProcessResult tresor(std::vector<std::string> args, const std::string& input = "") const {
        args.insert(args.begin(), {TRESOR_CLI, "--config", config.string()});
        return run_process(args, input);
    }
};

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(set_in_one_process_get_list_remove_in_others,
                     *boost::unit_test::precondition(KeyringUsable())) {
    Keyring k;
    BOOST_TEST(k.tresor({"set", "svc:x", "name/with%odd", "--label", "L", "--type", "jwt"},
                        "kernel value\n")
                   .exit_status == 0);
    BOOST_TEST(k.tresor({"get", "svc:x", "name/with%odd"}).out == "kernel value\n");
    const ProcessResult listing = k.tresor({"ls", "--json"});
    BOOST_TEST(
        contains(listing.out, "\"service\":\"svc:x\",\"name\":\"name/with%odd\",\"type\":\"jwt\""),
        listing.out);
    BOOST_TEST(!contains(listing.out, "kernel value"));
    BOOST_TEST(k.tresor({"rm", "svc:x", "name/with%odd"}).exit_status == 0);
    BOOST_TEST(k.tresor({"rm", "svc:x", "name/with%odd"}).exit_status == 1);
    BOOST_TEST(k.tresor({"get", "svc:x", "name/with%odd"}).exit_status == 1);
}

BOOST_AUTO_TEST_CASE(binary_values_and_the_kernel_size_limit,
                     *boost::unit_test::precondition(KeyringUsable())) {
    Keyring k;
    const std::string binary("\x00\x01\xff", 3);
    BOOST_TEST(k.tresor({"set", "s", "bin", "--raw"}, binary).exit_status == 0);
    BOOST_TEST(k.tresor({"get", "s", "bin", "--raw"}).out == binary);
    const ProcessResult big = k.tresor({"set", "s", "big", "--raw"}, std::string(40000, 'x'));
    BOOST_TEST(big.exit_status == 2);
    BOOST_TEST(contains(big.err, "value too large for the kernel keyring"), big.err);
}

BOOST_AUTO_TEST_CASE(capabilities_say_it_does_not_survive_a_reboot,
                     *boost::unit_test::precondition(KeyringUsable())) {
    const ProcessResult backends = Keyring().tresor({"backends"});
    BOOST_TEST(contains(backends.out, "[shared,list,metadata,binary,expiry]"), backends.out);
    BOOST_TEST(!contains(backends.out, "persistent"), backends.out);
}
