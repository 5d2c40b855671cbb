# Helpers shared by every component's CMakeLists.txt.

# troupe_add_component(NAME SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# Builds the library troupe_NAME (alias troupe::NAME) from NAME/src, with the
# public headers under NAME/troupe/NAME, and installs and exports both.
function(troupe_add_component name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  set(target troupe_${name})
  add_library(${target} STATIC ${ARG_SOURCES})
  add_library(troupe::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  target_include_directories(${target}
    PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}>
           $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(${target}
    PUBLIC ${ARG_PUBLIC_DEPS}
    PRIVATE ${ARG_PRIVATE_DEPS} $<BUILD_INTERFACE:troupe_warnings>)
  install(TARGETS ${target} EXPORT troupeTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/troupe/
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/troupe
    FILES_MATCHING PATTERN "*.hpp" PATTERN "internal" EXCLUDE)
endfunction()

# troupe_add_test(NAME SOURCES ... LABELS ... [TIMEOUT s] [DEPS ...])
# A Catch2 test executable registered with ctest under NAME; a test case that
# cannot check what it is for calls TROUPE_SKIP (tests/test_skip.hpp) and
# ctest reports the executable as skipped (exit code 77).
function(troupe_add_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LABELS;DEPS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE troupe_catch_main ${ARG_DEPS} troupe_warnings)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT} SKIP_RETURN_CODE 77
    ENVIRONMENT "TROUPE_SOURCE_DIR=${PROJECT_SOURCE_DIR};TROUPE_BINARY_DIR=${PROJECT_BINARY_DIR}")
endfunction()
