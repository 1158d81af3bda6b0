// core/jwt_unavailable.cpp — sign_jwt in a build without libsodium and
// Botan (the Windows cross build): jwt credentials are kept, not signed.
#include "core/jwt.hpp"
#include "tresor/error.hpp"

namespace tresor::core {

Secret sign_jwt(const Attributes& fields, const Secret&, std::chrono::system_clock::time_point) {
    (void)jwt_spec(fields);
    throw Error(ErrorCode::unavailable,
                "jwt credential: this build of tresor signs no JWTs "
                "(it has neither libsodium nor Botan 2)");
}

}  // namespace tresor::core
