// tests/integration/keyutils/keyring_usable.hpp — a Boost.Test precondition:
// the test is skipped, with the kernel's reason, where a sandbox forbids the
// keyring system calls, so it never passes without having run.
#pragma once

#include <boost/test/unit_test.hpp>

#include <keyutils.h>

#include <cerrno>
#include <cstring>

namespace tresor::test {

struct KeyringUsable {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        if (keyctl_get_keyring_ID(KEY_SPEC_SESSION_KEYRING, 0) < 0) {
            boost::test_tools::assertion_result no(false);
            no.message() << "the kernel keyring is not usable here: " << std::strerror(errno);
            return no;
        }
        return true;
    }
};

}  // namespace tresor::test
