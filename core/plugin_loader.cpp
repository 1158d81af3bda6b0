#include "core/plugin_loader.hpp"

#include <cstddef>

#include "platform/file.hpp"
#include "platform/library.hpp"
#include "tresor/error.hpp"

namespace tresor::core {
namespace {

std::string version_text(std::uint32_t major, std::uint32_t minor) {
    return std::to_string(major) + "." + std::to_string(minor);
}

bool valid_plugin_name(const char* name) {
    if (name == nullptr || *name == '\0') {
        return false;
    }
    for (const char* c = name; *c != '\0'; ++c) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-')) {
            return false;
        }
    }
    return true;
}

// The loader runs code from the file with our privileges: it must be a file
// that only root or we could have written, in folders only root or we can
// change (NetworkManager's rule, and ssh's StrictModes for the folders). The
// checks are made on the descriptor that is then loaded, so a symlink or a
// rename racing them cannot slip another library in.
platform::FileDescriptor open_plugin_file(const std::filesystem::path& file) {
    try {
        return platform::open_trusted_file(file, {.what = "plugin"});
    } catch (const Error& e) {
        if (e.code() == ErrorCode::permission_denied) {
            throw;
        }
        throw Error(ErrorCode::plugin_abi, "cannot load plugin " + file.string() + ": " + e.what());
    }
}

}  // namespace

PluginHandle validate_plugin(tresor_plugin_entry_fn entry, std::string origin) {
    const tresor_plugin* table = entry(TRESOR_PLUGIN_ABI_MAJOR, TRESOR_PLUGIN_ABI_MINOR);
    const std::string host_version = version_text(TRESOR_PLUGIN_ABI_MAJOR, TRESOR_PLUGIN_ABI_MINOR);
    if (table == nullptr) {
        throw Error(ErrorCode::plugin_abi,
                    "plugin " + origin + " refused to serve a host of plugin ABI " + host_version);
    }
    if (table->abi_major != TRESOR_PLUGIN_ABI_MAJOR) {
        throw Error(ErrorCode::plugin_abi, "plugin " + origin + " speaks plugin ABI " +
                                               version_text(table->abi_major, table->abi_minor) +
                                               " but this tresor speaks plugin ABI " +
                                               host_version +
                                               "; rebuild the plugin against this tresor");
    }
    // Every field up to stat is part of ABI 1.0; a shorter table is malformed.
    constexpr std::size_t kMinimumSize = offsetof(tresor_plugin, stat) + sizeof(table->stat);
    if (table->struct_size < kMinimumSize) {
        throw Error(ErrorCode::plugin_abi, "plugin " + origin + " has a malformed table (" +
                                               std::to_string(table->struct_size) +
                                               " bytes, at least " + std::to_string(kMinimumSize) +
                                               " expected)");
    }
    if (!valid_plugin_name(table->name)) {
        throw Error(ErrorCode::plugin_abi,
                    "plugin " + origin + " has no valid name (lowercase letters, digits, '-')");
    }
    const bool lists = (table->capabilities & TRESOR_CAP_LIST) != 0;
    if (table->probe == nullptr || table->open == nullptr || table->close == nullptr ||
        table->get == nullptr || table->set == nullptr || table->remove == nullptr ||
        (lists && table->list == nullptr)) {
        throw Error(ErrorCode::plugin_abi,
                    "plugin " + origin + " (" + table->name + ") lacks a required function");
    }
    return {table, std::move(origin)};
}

PluginHandle load_plugin_file(const std::filesystem::path& file) {
    platform::FileDescriptor fd = open_plugin_file(file);
    void* library = platform::load_library_once(fd, file);
    void* symbol = platform::find_library_symbol(library, TRESOR_PLUGIN_ENTRY_SYMBOL);
    if (symbol == nullptr) {
        throw Error(
            ErrorCode::plugin_abi,
            file.string() + " is not a tresor plugin: it exports no " + TRESOR_PLUGIN_ENTRY_SYMBOL);
    }
    return validate_plugin(reinterpret_cast<tresor_plugin_entry_fn>(symbol), file.string());
}

}  // namespace tresor::core
