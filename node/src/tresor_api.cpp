// Loads libtresor once and binds the functions the addon calls.
#include "node/src/tresor_api.hpp"

#include <dlfcn.h>

#include <cstdlib>

namespace tresor::node {
namespace {

struct Loaded {
    TresorApi api{};
    std::string error;  // empty when api is complete
};

template <typename Function>
void bind(void* library, const char* symbol, Function& out, std::string& error) {
    void* address = ::dlsym(library, symbol);
    if (address == nullptr && error.empty()) {
        error = std::string("it has no function ") + symbol;
    }
    out = reinterpret_cast<Function>(address);
}

Loaded load() {
    Loaded loaded;
    const char* variable = ::secure_getenv("TRESOR_LIBRARY");
    const std::string path = variable != nullptr && *variable != '\0' ? variable : "libtresor.so.0";
    void* library = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        loaded.error = "tresor library not found: " + std::string(::dlerror()) +
                       "; install libtresor or set TRESOR_LIBRARY to the path of libtresor.so";
        return loaded;
    }
    TresorApi& api = loaded.api;
    bind(library, "tresor_open", api.open, loaded.error);
    bind(library, "tresor_close", api.close, loaded.error);
    bind(library, "tresor_set", api.set, loaded.error);
    bind(library, "tresor_get", api.get, loaded.error);
    bind(library, "tresor_free_secret", api.free_secret, loaded.error);
    bind(library, "tresor_remove", api.remove, loaded.error);
    bind(library, "tresor_list_open", api.list_open, loaded.error);
    bind(library, "tresor_list_next", api.list_next, loaded.error);
    bind(library, "tresor_list_free", api.list_free, loaded.error);
    if (!loaded.error.empty()) {
        // Kept loaded: unloading a library that may have started threads is unsafe.
        loaded.error =
            "tresor library not found: " + path + " is not libtresor (" + loaded.error + ")";
    }
    return loaded;
}

}  // namespace

const TresorApi* load_tresor_api(std::string* why) {
    static const Loaded loaded = load();  // thread-safe, once
    if (!loaded.error.empty()) {
        *why = loaded.error;
        return nullptr;
    }
    return &loaded.api;
}

}  // namespace tresor::node
