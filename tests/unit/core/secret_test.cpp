#include <boost/test/unit_test.hpp>

#include "tresor/secret.hpp"

BOOST_AUTO_TEST_CASE(secret_holds_any_bytes_and_compares_by_content) {
    const std::string bytes("a\0b", 3);
    tresor::Secret secret(bytes);
    BOOST_TEST(secret.size() == 3u);
    BOOST_TEST(secret.view() == bytes);
    const std::uint8_t same[] = {'a', 0, 'b'};
    const std::uint8_t other[] = {'a', 0, 'c'};
    BOOST_TEST(secret.equals(same));
    BOOST_TEST(!secret.equals(other));
    BOOST_TEST(!secret.equals(std::span<const std::uint8_t>(same, 2)));
    BOOST_TEST(tresor::Secret().empty());
}

BOOST_AUTO_TEST_CASE(secret_storage_grows_without_losing_bytes) {
    tresor::Secret secret;
    for (int i = 0; i < 10000; ++i) {
        secret.storage().push_back(static_cast<std::uint8_t>(i));
    }
    BOOST_TEST(secret.size() == 10000u);
    BOOST_TEST(secret.bytes()[9999] == static_cast<std::uint8_t>(9999));
}
