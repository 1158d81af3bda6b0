// platform/library.hpp — loading a plugin's code into the process.
//
// The loader (core/plugin_loader.cpp) opens and checks the file with
// open_trusted_file; this seam loads that very file and finds its entry.
// A library is loaded at most once per process (the same file, opened again,
// is recognized) and never unloaded: plugins such as secret-service bring
// GLib types and threads that cannot be torn down safely.
//
// Thread safety: every function may be called from any thread.
#pragma once

#include <filesystem>
#include <optional>

#include "platform/file.hpp"

namespace tresor::platform {

// Loads the library open on `file` (the descriptor the trust checks were
// made on), or returns the one loaded before from the same file. Keeps the
// file open for the life of the process when it loads it. Throws
// Error{plugin_abi} naming `path` when the system's loader refuses it.
[[nodiscard]] void* load_library_once(FileDescriptor& file, const std::filesystem::path& path);

// The address of an exported symbol of a loaded library, or nullptr.
[[nodiscard]] void* find_library_symbol(void* library, const char* symbol);

// Loads a library of the system by file name (e.g. "libpq.so.5"), found
// the way the system's loader finds a program's own dependencies, for code
// only some commands run: a process that never needs it never pays for its
// load (libpq and the twenty libraries it brings cost a `tresor get` more
// than its own work; docs/PERFORMANCE.md). Never unloaded. Throws
// Error{plugin_abi} with the loader's reason. POSIX only: what uses it, the
// fleet store, is not built for Windows.
[[nodiscard]] void* load_system_library(const char* file_name);

// The file of the module (program or shared library) holding this code.
[[nodiscard]] std::optional<std::filesystem::path> this_module_file();

}  // namespace tresor::platform
