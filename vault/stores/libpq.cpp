#include "vault/stores/libpq.hpp"

#include <string>

#include "platform/library.hpp"
#include "tresor/error.hpp"

namespace tresor::vault {
namespace {

// The soname of libpq 10 and later: the ABI the table's types come from.
constexpr const char* kLibPqFile = "libpq.so.5";

LibPq load_libpq() {
    void* library = platform::load_system_library(kLibPqFile);
    LibPq api{};
#define TRESOR_LIBPQ_RESOLVE(name)                                                           \
    api.name =                                                                               \
        reinterpret_cast<decltype(api.name)>(platform::find_library_symbol(library, #name)); \
    if (api.name == nullptr) {                                                               \
        throw Error(ErrorCode::plugin_abi,                                                   \
                    std::string(kLibPqFile) + " has no " #name ": not the libpq expected");  \
    }
    TRESOR_LIBPQ_FUNCTIONS(TRESOR_LIBPQ_RESOLVE)
#undef TRESOR_LIBPQ_RESOLVE
    return api;
}

}  // namespace

const LibPq& libpq() {
    // A failed load throws out of the initialization, so the next call tries
    // again (and says why again) rather than finding a half-made table.
    static const LibPq api = load_libpq();
    return api;
}

}  // namespace tresor::vault
