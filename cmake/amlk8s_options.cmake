# Compiler settings shared by every amlk8s target: warnings, sanitizers, ccache.
include_guard(GLOBAL)

find_program(AMLK8S_CCACHE ccache)
if(AMLK8S_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${AMLK8S_CCACHE}")
endif()

add_library(amlk8s_warnings INTERFACE)
target_compile_options(amlk8s_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow
  $<$<BOOL:${AMLK8S_WARNINGS_AS_ERRORS}>:-Werror>)
# g++ 12 at -O3 reports -Wrestrict for `"'" + std::string(x)` inside libstdc++ (GCC bug 105329,
# fixed in 13): kept as a warning there so that Release builds are not stopped by it.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(amlk8s_warnings INTERFACE -Wno-error=restrict)
endif()

if(AMLK8S_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

# Adds the project's warnings to a target without exporting them to consumers.
function(amlk8s_target_warnings target)
  target_link_libraries(${target} PRIVATE $<BUILD_INTERFACE:amlk8s_warnings>)
endfunction()
