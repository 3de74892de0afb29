# `make package`: one .deb for the Debian release this tree is built on, with the CLI in
# /usr/bin and the plugin in that release's system plugin folder. A plugin only loads into
# the Wireshark major.minor it was built against, so each release gets a package of its own,
# named after it (oscore-idu_<version>~deb12_amd64.deb, ~deb13, ~sid).
include(GNUInstallDirs)
# cpack installs what is built instead of building every test first (`make package` builds
# the tree before packaging).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS oscore-idu RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cli)

# The man page and the bash completion, written by the binary from the same CLI11
# definitions as --help (hidden subcommands `man` and `completion`), so they cannot drift.
set(OIDU_MAN_PAGE ${CMAKE_BINARY_DIR}/share/man/man1/oscore-idu.1)
set(OIDU_BASH_COMPLETION ${CMAKE_BINARY_DIR}/share/bash-completion/completions/oscore-idu)
add_custom_command(
  OUTPUT ${OIDU_MAN_PAGE} ${OIDU_BASH_COMPLETION}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/share/man/man1
          ${CMAKE_BINARY_DIR}/share/bash-completion/completions
  COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:oscore-idu> -DARGS=man -DOUTPUT=${OIDU_MAN_PAGE}
          -P ${PROJECT_SOURCE_DIR}/cmake/run_to_file.cmake
  COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:oscore-idu> -DARGS=completion -DOUTPUT=${OIDU_BASH_COMPLETION}
          -P ${PROJECT_SOURCE_DIR}/cmake/run_to_file.cmake
  DEPENDS oscore-idu ${PROJECT_SOURCE_DIR}/cmake/run_to_file.cmake
  COMMENT "Writing the oscore-idu man page and bash completion"
  VERBATIM)
add_custom_target(oscore-idu-docs ALL DEPENDS ${OIDU_MAN_PAGE} ${OIDU_BASH_COMPLETION})
install(FILES ${OIDU_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT cli)
install(FILES ${OIDU_BASH_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        COMPONENT cli)

if(TARGET oscore_idu)
  # Ask Wireshark's pkg-config file where its system plugins live (…/plugins/4.4 on trixie);
  # dissector plugins go into its epan/ subfolder.
  pkg_get_variable(OIDU_WS_PLUGINDIR wireshark plugindir)
  if(NOT OIDU_WS_PLUGINDIR)
    message(FATAL_ERROR "wireshark.pc names no plugindir; cannot place the plugin")
  endif()
  install(TARGETS oscore_idu LIBRARY DESTINATION ${OIDU_WS_PLUGINDIR}/epan COMPONENT plugin)
  string(REGEX MATCH "^[0-9]+\\.[0-9]+" OIDU_WS_SERIES "${WIRESHARK_VERSION}")
endif()

# The Debian release, from /etc/debian_version: "12.x" -> deb12, "13.x" -> deb13, and the
# unstable branch ("forky/sid") -> sid.
set(OIDU_PACKAGE_RELEASE "" CACHE STRING "release suffix of the package version (deb12, deb13, sid)")
if(NOT OIDU_PACKAGE_RELEASE AND EXISTS /etc/debian_version)
  file(STRINGS /etc/debian_version _debian_version LIMIT_COUNT 1)
  if(_debian_version MATCHES "^([0-9]+)\\.")
    set(OIDU_PACKAGE_RELEASE "deb${CMAKE_MATCH_1}")
  elseif(_debian_version MATCHES "sid")
    set(OIDU_PACKAGE_RELEASE "sid")
  endif()
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME oscore-idu)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "oscore-idu maintainers <maintainers@oscore-idu.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "OSCORE ID update and KUDOS analyzer: CLI and Wireshark plugin")
set(CPACK_PACKAGE_DESCRIPTION
    "oscore-idu decrypts OSCORE (RFC 8613) with the user's keys, follows the contexts that\n\
the OSCORE ID update procedure and KUDOS derive, rebuilds each procedure and flags rule\n\
violations and correlation leaks. The package holds the headless CLI oscore-idu and the\n\
Wireshark dissector plugin oscore_idu.so.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
# RelWithDebInfo keeps debug info in the build tree; the installed files are stripped.
set(CPACK_STRIP_FILES ON)
if(OIDU_PACKAGE_RELEASE)
  set(CPACK_DEBIAN_PACKAGE_RELEASE "1~${OIDU_PACKAGE_RELEASE}")
endif()
# dpkg-shlibdeps names the libraries by soname (libwireshark16 for 4.0, libwireshark18 for
# 4.4, libwireshark19 for 4.6); wireshark-common pins the major.minor the plugin was built
# for, since Wireshark refuses a plugin of another series.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
if(OIDU_WS_SERIES)
  string(REGEX MATCH "^([0-9]+)\\.([0-9]+)" _ "${OIDU_WS_SERIES}")
  math(EXPR _ws_next_minor "${CMAKE_MATCH_2} + 1")
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "wireshark-common (>= ${OIDU_WS_SERIES}), wireshark-common (<< ${CMAKE_MATCH_1}.${_ws_next_minor})")
  set(CPACK_DEBIAN_PACKAGE_SUGGESTS "wireshark | tshark")
endif()
include(CPack)
