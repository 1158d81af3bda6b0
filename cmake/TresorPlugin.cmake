# tresor_add_plugin(NAME <name> SOURCES <src...> [LIBRARIES <lib...>] [TEST_ONLY])
#
# Builds plugins/<name> twice from one set of objects:
#  - a loadable module tresor-<name>.so (.dll on Windows) exporting only tresor_plugin_entry
#    (version script, hidden visibility, -z defs: every dependency is linked,
#    none is expected from the host);
#  - when <name> is listed in TRESOR_BUILTIN_PLUGINS, the same objects are
#    compiled into libtresor and registered under tresor_plugin_<id>_entry.
# The plugin's sources define `tresor_plugin_<id>_entry` (id = name with '-'
# replaced by '_'); the exported tresor_plugin_entry is generated here.
# TEST_ONLY: the module goes to the tests' folder (build/test-plugins), is
# never installed, never built in and not listed among the real plugins.
function(tresor_add_plugin)
    cmake_parse_arguments(P "TEST_ONLY" "NAME" "SOURCES;LIBRARIES" ${ARGN})
    string(REPLACE "-" "_" id "${P_NAME}")

    add_library(tresor_plugin_${id}_obj OBJECT ${P_SOURCES})
    target_include_directories(tresor_plugin_${id}_obj PUBLIC
        ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR})
    target_link_libraries(tresor_plugin_${id}_obj PUBLIC ${P_LIBRARIES} PRIVATE tresor_warnings)

    set(shim "${CMAKE_CURRENT_BINARY_DIR}/tresor_plugin_${id}_entry.c")
    configure_file(${PROJECT_SOURCE_DIR}/cmake/plugin_entry.c.in "${shim}" @ONLY)
    add_library(tresor-${P_NAME} MODULE "${shim}")
    target_link_libraries(tresor-${P_NAME} PRIVATE tresor_plugin_${id}_obj)
    if(NOT WIN32)  # a DLL exports only what is marked TRESOR_PLUGIN_EXPORT
        target_link_options(tresor-${P_NAME} PRIVATE -Wl,-z,defs
            -Wl,--version-script=${PROJECT_SOURCE_DIR}/cmake/plugin.map)
    endif()
    set(output_dir "${TRESOR_BUILD_PLUGIN_DIR}")
    if(P_TEST_ONLY)
        set(output_dir "${CMAKE_BINARY_DIR}/test-plugins")
    endif()
    set_target_properties(tresor-${P_NAME} PROPERTIES PREFIX "" OUTPUT_NAME "tresor-${P_NAME}"
        LIBRARY_OUTPUT_DIRECTORY "${output_dir}"
        LINK_DEPENDS ${PROJECT_SOURCE_DIR}/cmake/plugin.map)
    if(P_TEST_ONLY)
        return()
    endif()
    install(TARGETS tresor-${P_NAME} LIBRARY DESTINATION ${TRESOR_PLUGIN_INSTALL_DIR})

    set_property(GLOBAL APPEND PROPERTY TRESOR_ALL_PLUGINS ${P_NAME})
    if(P_NAME IN_LIST TRESOR_BUILTIN_PLUGINS)
        set_property(GLOBAL APPEND PROPERTY TRESOR_BUILTIN_TARGETS tresor_plugin_${id}_obj)
        set_property(GLOBAL APPEND PROPERTY TRESOR_BUILTIN_IDS ${id})
    endif()
endfunction()
