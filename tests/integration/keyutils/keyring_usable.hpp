// tests/integration/keyutils/keyring_usable.hpp — a Boost.Test precondition
// for tests of the kernel keyring.
//
// The first check moves the test process into a new anonymous session
// keyring of its own, which the programs it starts inherit: nothing the
// tests write reaches the machine's session keyring, and, like systemd's or a
// container's, it does not link the user keyring. Where a sandbox forbids the
// keyring system calls the test is skipped with the kernel's reason, so it
// never passes without having run.
#pragma once

#include <boost/test/unit_test.hpp>

#include <keyutils.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace tresor::test {

struct KeyringUsable {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        static const std::string refusal = [] {
            return keyctl_join_session_keyring(nullptr) < 0 ? std::string(std::strerror(errno))
                                                            : std::string();
        }();
        if (!refusal.empty()) {
            boost::test_tools::assertion_result no(false);
            no.message() << "the kernel keyring is not usable here: " << refusal;
            return no;
        }
        return true;
    }
};

}  // namespace tresor::test
