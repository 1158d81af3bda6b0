// tests/support/other_user.hpp — plays another local user: runs a shell
// script as uid/gid 65534 (nobody) through setpriv, the way an attacker on
// the same machine would act. Switching users needs root, which CI is; a
// test using it declares the precondition so that elsewhere it is reported
// as skipped with the reason, never passed silently.
#pragma once

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <string>

#include "support/run_process.hpp"

namespace tresor::test {

constexpr uid_t kOtherUid = 65534;

// A Boost.Test precondition: root and setpriv are needed to become kOtherUid.
struct CanActAsOtherUser {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        boost::test_tools::assertion_result ok(::geteuid() == 0 &&
                                               ::access("/usr/bin/setpriv", X_OK) == 0);
        ok.message() << "acting as another user needs root and setpriv (CI runs as root)";
        return ok;
    }
};

// Runs `script` with /bin/sh as uid and gid kOtherUid, without supplementary
// groups, in `dir`; returns its result.
inline ProcessResult run_as_other_user(const std::string& dir, const std::string& script) {
    return run_process({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        "--", "/bin/sh", "-c", "cd '" + dir + "' && " + script},
                       "", {{"HOME", "/nonexistent"}});
}

}  // namespace tresor::test
