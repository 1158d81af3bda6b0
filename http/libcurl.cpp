#include "http/libcurl.hpp"

#include <string>

#include "platform/library.hpp"
#include "tresor/error.hpp"

namespace tresor::http {
namespace {

// The soname of libcurl 7.16 and later (Debian's libcurl4, OpenSSL flavour).
constexpr const char* kLibCurlFile = "libcurl.so.4";
// CURLOPT_PROTOCOLS_STR and CURLOPT_CAINFO_BLOB's CA handling as used here.
constexpr unsigned kOldestVersion = 0x075500;  // 7.85.0

template <typename Function>
Function resolve(void* library, const char* name) {
    auto* f = reinterpret_cast<Function>(platform::find_library_symbol(library, name));
    if (f == nullptr) {
        throw Error(ErrorCode::plugin_abi,
                    std::string(kLibCurlFile) + " has no " + name + ": not the libcurl expected");
    }
    return f;
}

LibCurl load_libcurl() {
    void* library = platform::load_system_library(kLibCurlFile);
    const auto version =
        resolve<decltype(&::curl_version_info)>(library, "curl_version_info")(CURLVERSION_NOW);
    if (version == nullptr || version->version_num < kOldestVersion) {
        throw Error(ErrorCode::plugin_abi,
                    std::string(kLibCurlFile) + " is libcurl " +
                        (version != nullptr ? version->version : "of an unknown version") +
                        "; tresor needs 7.85 or later");
    }
    // Once per process, before any handle: libcurl's own global state.
    if (resolve<decltype(&::curl_global_init)>(library, "curl_global_init")(CURL_GLOBAL_DEFAULT) !=
        CURLE_OK) {
        throw Error(ErrorCode::plugin_abi, std::string(kLibCurlFile) + " failed to initialize");
    }
    LibCurl api{};
    api.easy_init = resolve<decltype(api.easy_init)>(library, "curl_easy_init");
    api.easy_cleanup = resolve<decltype(api.easy_cleanup)>(library, "curl_easy_cleanup");
    api.easy_reset = resolve<decltype(api.easy_reset)>(library, "curl_easy_reset");
    api.easy_setopt = resolve<decltype(api.easy_setopt)>(library, "curl_easy_setopt");
    api.easy_perform = resolve<decltype(api.easy_perform)>(library, "curl_easy_perform");
    api.easy_getinfo = resolve<decltype(api.easy_getinfo)>(library, "curl_easy_getinfo");
    api.easy_strerror = resolve<decltype(api.easy_strerror)>(library, "curl_easy_strerror");
    return api;
}

}  // namespace

const LibCurl& libcurl() {
    // A failed load throws out of the initialization, so the next call tries
    // again (and says why again) rather than finding a half-made table.
    static const LibCurl api = load_libcurl();
    return api;
}

}  // namespace tresor::http
