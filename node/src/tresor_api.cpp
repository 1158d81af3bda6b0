// Loads libtresor once and binds the functions the addon calls.
#include "node/src/tresor_api.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

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

constexpr const char* kHint =
    "; install libtresor or set TRESOR_LIBRARY to the absolute path of libtresor.so";

// The name to dlopen for `path` from $TRESOR_LIBRARY: /proc/self/fd/N of a
// descriptor on a regular file owned by root or by this user and writable by
// nobody else, judged on that descriptor, so a planted or swapped file is
// refused, never run. The descriptor stays open: libtresor finds its own
// file through it (to use a build tree's plugins). Empty with *why set when
// refused.
std::string trusted_name(const std::string& path, std::string* why) {
    if (path.empty() || path.front() != '/') {
        *why = "refusing " + path + ": not an absolute path";
        return {};
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        *why = path + ": " + std::strerror(errno);
        return {};
    }
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        *why = "refusing " + path + ": not a regular file";
    } else if (info.st_uid != 0 && info.st_uid != ::geteuid()) {
        *why = "refusing " + path + ": owned by uid " + std::to_string(info.st_uid) +
               ", neither root nor you";
    } else if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        *why = "refusing " + path + ": writable by group or others (fix with: chmod go-w " + path +
               ")";
    } else {
        return "/proc/self/fd/" + std::to_string(fd);
    }
    ::close(fd);
    return {};
}

Loaded load() {
    Loaded loaded;
    const char* variable = ::secure_getenv("TRESOR_LIBRARY");
    const bool named = variable != nullptr && *variable != '\0';
    const std::string path = named ? variable : "libtresor.so.0";
    std::string why;
    const std::string name = named ? trusted_name(path, &why) : path;
    if (name.empty()) {
        loaded.error = "tresor library not found: " + why + kHint;
        return loaded;
    }
    void* library = ::dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        loaded.error = "tresor library not found: " + path + ": " + ::dlerror() + kHint;
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
    bind(library, "tresor_request", api.request, loaded.error);
    bind(library, "tresor_response_status", api.response_status, loaded.error);
    bind(library, "tresor_response_header", api.response_header, loaded.error);
    bind(library, "tresor_response_body", api.response_body, loaded.error);
    bind(library, "tresor_response_redacted", api.response_redacted, loaded.error);
    bind(library, "tresor_response_free", api.response_free, loaded.error);
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
