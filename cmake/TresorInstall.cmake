# Installs libtresor, its public headers, the CLI, the plugins (by
# tresor_add_plugin), a CMake package (find_package(tresor) -> tresor::tresor)
# and a pkg-config file.
include(CMakePackageConfigHelpers)

install(TARGETS tresor EXPORT tresorTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The loader finds a new library in a folder of ld.so.conf (/usr/local/lib)
# only once its cache is rebuilt: until then programs built with pkg-config,
# the Python package and the Node addon all fail to load libtresor.so.0. An
# install into such a folder (not a DESTDIR staging) runs ldconfig, as a
# Debian package's trigger would.
if(NOT WIN32)
    install(CODE "
        set(libdir \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}\")
        find_program(TRESOR_LDCONFIG ldconfig PATHS /sbin /usr/sbin)
        if(TRESOR_LDCONFIG AND \"\$ENV{DESTDIR}\" STREQUAL \"\")
            execute_process(COMMAND \${TRESOR_LDCONFIG} -v -N OUTPUT_VARIABLE searched
                ERROR_QUIET)
            string(FIND \"\n\${searched}\" \"\n\${libdir}:\" at)
            if(at GREATER_EQUAL 0)
                execute_process(COMMAND \${TRESOR_LDCONFIG} RESULT_VARIABLE failed)
                if(failed)
                    message(WARNING \"ldconfig failed: run it (as root) before using \${libdir}/libtresor.so.0\")
                else()
                    message(STATUS \"Ran ldconfig: \${libdir}/libtresor.so.0 is in the loader's cache\")
                endif()
            endif()
        endif()")
endif()
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
# A program linked through pkg-config finds libtresor.so.0 where it was
# installed (RUNPATH), also in a prefix the loader does not search; not for a
# folder the loader searches anyway.
if(CMAKE_INSTALL_FULL_LIBDIR IN_LIST CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES OR WIN32)
    set(TRESOR_PC_RPATH "")
else()
    set(TRESOR_PC_RPATH " -Wl,-rpath,\${libdir}")
endif()
configure_file(cmake/tresor.pc.in ${CMAKE_CURRENT_BINARY_DIR}/tresor.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/tresor.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
