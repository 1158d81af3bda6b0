// core/oauth2_login_unavailable.cpp — `tresor oauth login` in a build without
// libsodium and the POSIX loopback listener (the Windows cross build): the
// flows are refused, the stored oauth2 credentials are kept.
#include "core/oauth2_login.hpp"

namespace tresor::core {

namespace {

[[noreturn]] void unavailable() {
    throw Error(ErrorCode::unavailable,
                "oauth login: this build of tresor has no authorization code or device flow "
                "(it has neither libsodium nor a loopback listener)");
}

}  // namespace

TokenRecord login_with_code(http::Client&, const Entry&, const Secret&, const LoginOptions&) {
    unavailable();
}

TokenRecord login_with_device(http::Client&, const Entry&, const Secret&, const LoginOptions&) {
    unavailable();
}

}  // namespace tresor::core
