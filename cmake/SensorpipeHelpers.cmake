# Helpers shared by every target: warning flags, sanitizers, tools and tests.

# Flags every sensorpipe target compiles with.
function(sensorpipe_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(SENSORPIPE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(SENSORPIPE_SANITIZE)
    # GCC 12 reports false maybe-uninitialized warnings through ASan's instrumentation
    # (std::variant moves); the normal build keeps the warning.
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined -Wno-maybe-uninitialized)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

# sensorpipe_add_library(core SOURCES a.cpp ... DEPENDS target... [HEADERS_OF module...])
#   -> sensorpipe_core, alias sensorpipe::core
# The layering of lib/CMakeLists.txt is enforced by the include path: each module has its
# own include directory in the build tree, holding one link <module> -> lib/<module>, and
# a target sees only its own and those of the targets it links (or of the modules named in
# HEADERS_OF, for header-only config structs it uses without linking). So
# #include "web/..." in lib/store fails to compile.
function(sensorpipe_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;PRIVATE_DEPENDS;HEADERS_OF" ${ARGN})
  add_library(sensorpipe_${name} STATIC ${ARG_SOURCES})
  add_library(sensorpipe::${name} ALIAS sensorpipe_${name})
  set(include_dir "${PROJECT_BINARY_DIR}/include/${name}")
  file(MAKE_DIRECTORY "${include_dir}")
  file(CREATE_LINK "${PROJECT_SOURCE_DIR}/lib/${name}" "${include_dir}/${name}" SYMBOLIC)
  target_include_directories(sensorpipe_${name} PUBLIC "${include_dir}" "${PROJECT_BINARY_DIR}/generated")
  foreach(module ${ARG_HEADERS_OF})
    target_include_directories(sensorpipe_${name} PUBLIC "${PROJECT_BINARY_DIR}/include/${module}")
  endforeach()
  target_link_libraries(sensorpipe_${name} PUBLIC ${ARG_DEPENDS} PRIVATE ${ARG_PRIVATE_DEPENDS})
  sensorpipe_target_defaults(sensorpipe_${name})
endfunction()

# sensorpipe_add_tool(sensor-sim DEPENDS sensorpipe::sim sensorpipe::cli): tools/<name>/main.cpp, installed.
function(sensorpipe_add_tool name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS" ${ARGN})
  if(NOT ARG_SOURCES)
    set(ARG_SOURCES main.cpp)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPENDS})
  sensorpipe_target_defaults(${name})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/bin")
  install(TARGETS ${name} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  # Each tool ships its man page and completions; their presence is checked by tests/cli.
  install(FILES "${PROJECT_SOURCE_DIR}/man/${name}.1" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 OPTIONAL)
  install(FILES "${PROJECT_SOURCE_DIR}/completions/bash/${name}"
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions OPTIONAL)
  install(FILES "${PROJECT_SOURCE_DIR}/completions/zsh/_${name}"
          DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions OPTIONAL)
  install(FILES "${PROJECT_SOURCE_DIR}/completions/fish/${name}.fish"
          DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d OPTIONAL)
  set_property(GLOBAL APPEND PROPERTY SENSORPIPE_TOOLS ${name})
endfunction()

# sensorpipe_add_unit_test(core_time SOURCES time_test.cpp DEPENDS sensorpipe::core)
function(sensorpipe_add_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS" ${ARGN})
  add_executable(test_${name} ${ARG_SOURCES})
  target_link_libraries(test_${name} PRIVATE Catch2::Catch2WithMain ${ARG_DEPENDS})
  sensorpipe_target_defaults(test_${name})
  catch_discover_tests(test_${name} TEST_PREFIX "unit.${name}." PROPERTIES LABELS unit)
endfunction()

# sensorpipe_add_script_test(NAME name SCRIPT file.sh [LABELS ...] [TIMEOUT s]):
# runs a bash test script with the build's bin/ first on PATH and helpers in tests/lib.
function(sensorpipe_add_script_test)
  cmake_parse_arguments(ARG "" "NAME;SCRIPT;TIMEOUT" "LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  # The ctest name is AREA.SCRIPT (plus _vN for a protocol variant, _pg for the PostgreSQL run), so a failing name leads to its file.
  get_filename_component(stem "${ARG_SCRIPT}" NAME_WE)
  if(NOT ARG_NAME MATCHES "^[a-z]+\\.${stem}(_v[0-9]+|_pg)?$")
    message(FATAL_ERROR "test ${ARG_NAME} runs ${ARG_SCRIPT}: name the test AREA.${stem}")
  endif()
  add_test(NAME ${ARG_NAME} COMMAND bash "${CMAKE_CURRENT_SOURCE_DIR}/${ARG_SCRIPT}")
  set_tests_properties(${ARG_NAME} PROPERTIES
    LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "SP_BIN=${PROJECT_BINARY_DIR}/bin;SP_SRC=${PROJECT_SOURCE_DIR};SP_BUILD=${PROJECT_BINARY_DIR};PATH=${PROJECT_BINARY_DIR}/bin:$ENV{PATH}")
endfunction()
