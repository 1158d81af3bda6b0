// platform/library.hpp on POSIX (Linux): dlopen through /proc/self/fd/N.
#include <dlfcn.h>
#include <sys/stat.h>

#include <cerrno>
#include <map>
#include <mutex>
#include <string>

#include "platform/library.hpp"
#include "tresor/error.hpp"

namespace tresor::platform {
namespace {

// dlerror names the path it was given; a person needs the plugin's own.
std::string name_the_file(std::string reason, const std::string& descriptor_path,
                          const std::filesystem::path& file) {
    for (auto at = reason.find(descriptor_path); at != std::string::npos;
         at = reason.find(descriptor_path, at + file.string().size())) {
        reason.replace(at, descriptor_path.size(), file.string());
    }
    return reason;
}

}  // namespace

// Loads the library open on fd, or finds it among those loaded before (by
// device and inode: the loader knows libraries by path, and each load has
// its own /proc/self/fd path).
void* load_library_once(FileDescriptor& fd, const std::filesystem::path& file) {
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        throw_system_error(errno, "cannot inspect plugin " + file.string());
    }
    static std::mutex mutex;
    static std::map<std::pair<dev_t, ino_t>, void*> loaded;
    const std::lock_guard lock(mutex);
    if (const auto it = loaded.find({st.st_dev, st.st_ino}); it != loaded.end()) {
        return it->second;  // fd closes; the first load keeps its own open
    }
    // The loader opens /proc/self/fd/N: the very file checked. (A plugin's
    // $ORIGIN is therefore /proc/self/fd; docs/PLUGINS.md.)
    const std::string descriptor_path = "/proc/self/fd/" + std::to_string(fd.get());
    // RTLD_LOCAL keeps each plugin's dependencies to itself; RTLD_NODELETE and
    // never calling dlclose keep GLib types and threads alive for the process.
    void* library = ::dlopen(descriptor_path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (library == nullptr) {
        const char* reason = ::dlerror();
        throw Error(ErrorCode::plugin_abi,
                    "cannot load plugin " + file.string() + ": " +
                        (reason != nullptr ? name_the_file(reason, descriptor_path, file)
                                           : "unknown reason"));
    }
    // The descriptor stays open as long as the library stays loaded (for
    // the process): a later file given the same descriptor number, and so
    // the same path, would be taken for this one.
    (void)fd.release();
    loaded.emplace(std::pair{st.st_dev, st.st_ino}, library);
    return library;
}

void* load_system_library(const char* file_name) {
    // A bare file name: the search path of a link-time dependency (the
    // caller's RUNPATH, LD_LIBRARY_PATH unless set-uid, ld.so.cache), so no
    // library is trusted here that linking it would not have trusted.
    void* library = ::dlopen(file_name, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (library == nullptr) {
        const char* reason = ::dlerror();
        throw Error(ErrorCode::plugin_abi, std::string("cannot load ") + file_name + ": " +
                                               (reason != nullptr ? reason : "unknown reason"));
    }
    return library;
}

void* find_library_symbol(void* library, const char* symbol) {
    return ::dlsym(library, symbol);
}

std::optional<std::filesystem::path> this_module_file() {
    Dl_info info{};
    if (::dladdr(reinterpret_cast<void*>(&this_module_file), &info) == 0 ||
        info.dli_fname == nullptr) {
        return std::nullopt;
    }
    return std::filesystem::path(info.dli_fname);
}

}  // namespace tresor::platform
