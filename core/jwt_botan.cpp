#include "core/jwt_botan.hpp"

#include <array>
#include <filesystem>
#include <string>

#include "core/build_tree.hpp"
#include "core/status.hpp"
#include "platform/file.hpp"
#include "platform/library.hpp"
#include "tresor/error.hpp"

namespace tresor::core {
namespace {

std::filesystem::path module_path() {
    return running_from_build_tree() ? TRESOR_BUILD_JWT_BOTAN : TRESOR_INSTALL_JWT_BOTAN;
}

tresor_jwt_botan_sign_fn load_signer() {
    const auto path = module_path();
    try {
        platform::FileDescriptor file = platform::open_trusted_file(path, {.what = "JWT signer"});
        void* library = platform::load_library_once(file, path);
        if (void* symbol = platform::find_library_symbol(library, TRESOR_JWT_BOTAN_SIGN_SYMBOL)) {
            return reinterpret_cast<tresor_jwt_botan_sign_fn>(symbol);
        }
        throw Error(ErrorCode::plugin_abi,
                    path.string() + " has no " + TRESOR_JWT_BOTAN_SIGN_SYMBOL);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::permission_denied) {
            throw;
        }
        throw Error(ErrorCode::plugin_abi,
                    std::string("jwt credential: RSA, ECDSA and HS384 tokens are signed by "
                                "tresor's Botan 2 module, which cannot be loaded: ") +
                        e.what());
    }
}

tresor_jwt_botan_sign_fn signer() {
    // A failed load throws out of the initializer and is tried again next time.
    static const tresor_jwt_botan_sign_fn kSigner = load_signer();
    return kSigner;
}

}  // namespace

std::vector<std::uint8_t> sign_with_botan(JwtAlgorithm algorithm, tresor_jwt_key_form form,
                                          std::span<const std::uint8_t> key,
                                          std::string_view input) {
    const tresor_jwt_botan_sign_fn sign = signer();
    std::vector<std::uint8_t> signature(TRESOR_JWT_MAX_SIGNATURE);
    std::size_t size = signature.size();
    std::array<char, 512> message{};
    const std::string name(to_string(algorithm));
    const int status = sign(name.c_str(), form, key.data(), key.size(),
                            reinterpret_cast<const std::uint8_t*>(input.data()), input.size(),
                            signature.data(), &size, message.data(), message.size());
    if (status != TRESOR_OK) {
        throw Error(to_error_code(static_cast<tresor_status>(status)),
                    std::string("jwt credential: ") + message.data());
    }
    signature.resize(size);
    return signature;
}

}  // namespace tresor::core
