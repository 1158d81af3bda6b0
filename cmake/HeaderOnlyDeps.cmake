# The Windows cross build's dependencies: Debian has no mingw builds of
# Botan, SQLite or toml++'s library, but toml++, CLI11, nlohmann-json and Boost.Test can be
# used header-only. /usr/include itself must never be on the mingw include
# path (its glibc headers would shadow mingw's), so each library's folder is
# linked into a folder of its own in the build tree and only that is exposed.
set(tresor_header_only_dir "${CMAKE_BINARY_DIR}/header-only")
function(tresor_expose_headers folder)
    set(from "/usr/include/${folder}")
    if(NOT IS_DIRECTORY "${from}")
        message(FATAL_ERROR "${from} is missing (scripts/install-deps installs it)")
    endif()
    file(MAKE_DIRECTORY "${tresor_header_only_dir}")
    file(CREATE_LINK "${from}" "${tresor_header_only_dir}/${folder}" SYMBOLIC)
endfunction()

tresor_expose_headers(toml++)
tresor_expose_headers(CLI)
tresor_expose_headers(boost)
tresor_expose_headers(nlohmann)

# Header-only toml++ (Debian's compiled one is a Linux library). In this mode
# it carries the two known bugs of 3.3.0 (docs/BACKENDS.md, Windows); NDEBUG
# (every optimized build) turns the first, an assertion, off.
add_library(tomlplusplus::tomlplusplus INTERFACE IMPORTED)
set_target_properties(tomlplusplus::tomlplusplus PROPERTIES
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${tresor_header_only_dir}"
    INTERFACE_INCLUDE_DIRECTORIES "${tresor_header_only_dir}"
    INTERFACE_COMPILE_DEFINITIONS "TOML_HEADER_ONLY=1")
add_library(CLI11::CLI11 INTERFACE IMPORTED)
set_target_properties(CLI11::CLI11 PROPERTIES
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${tresor_header_only_dir}"
    INTERFACE_INCLUDE_DIRECTORIES "${tresor_header_only_dir}")
add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
set_target_properties(nlohmann_json::nlohmann_json PROPERTIES
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${tresor_header_only_dir}"
    INTERFACE_INCLUDE_DIRECTORIES "${tresor_header_only_dir}")
# Boost.Test's single-header variant (boost/test/included/unit_test.hpp).
add_library(tresor_boost_test_headers INTERFACE)
target_include_directories(tresor_boost_test_headers SYSTEM INTERFACE "${tresor_header_only_dir}")
