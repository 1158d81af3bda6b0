# Installs libtresor, its public headers, the CLI, the plugins (by
# tresor_add_plugin), a CMake package (find_package(tresor) -> tresor::tresor)
# and a pkg-config file.
include(CMakePackageConfigHelpers)

install(TARGETS tresor EXPORT tresorTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES
    include/tresor/error.hpp include/tresor/export.hpp include/tresor/plugin.h
    include/tresor/secret.hpp include/tresor/status.h include/tresor/store.hpp
    include/tresor/tresor.h
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tresor)

set(config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/tresor)
install(EXPORT tresorTargets NAMESPACE tresor:: DESTINATION ${config_dir})
configure_package_config_file(cmake/tresorConfig.cmake.in
    ${CMAKE_CURRENT_BINARY_DIR}/tresorConfig.cmake INSTALL_DESTINATION ${config_dir})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/tresorConfigVersion.cmake
    COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/tresorConfig.cmake
    ${CMAKE_CURRENT_BINARY_DIR}/tresorConfigVersion.cmake DESTINATION ${config_dir})

# Relative to the .pc file, so the package works wherever the prefix is moved.
file(RELATIVE_PATH TRESOR_PC_PREFIX "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_PREFIX}")
configure_file(cmake/tresor.pc.in ${CMAKE_CURRENT_BINARY_DIR}/tresor.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/tresor.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
