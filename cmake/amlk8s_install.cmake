# Install rules: headers, libraries and a CMake package so that consumers can write
#   find_package(amlk8s CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE amlk8s::amlk8s)   # amlk8s::local for the local control plane
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY include/amlk8s DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS amlk8s amlk8s_local EXPORT amlk8sTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT amlk8sTargets NAMESPACE amlk8s:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/amlk8s)

configure_package_config_file(cmake/amlk8sConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/amlk8sConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/amlk8s)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/amlk8sConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/amlk8sConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/amlk8sConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/amlk8s)
install(FILES ${PROJECT_BINARY_DIR}/include/amlk8s/core/version.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/amlk8s/core)
install(TARGETS amlk8s_local_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET amlk8s_cli)
  install(TARGETS amlk8s_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
