# What `cmake --install` puts where, and the Debian package (CPack).
#
#   PREFIX/sbin/evbgpd, PREFIX/bin/evbgpctl, PREFIX/bin/evbgp-healthcheck
#   MANDIR: evbgpd(8), evbgpctl(8), evbgp-healthcheck(1), evbgpd.conf(5),
#           made from docs/*.md at build time (scripts/md2man.py), gzipped
#   DOCDIR: docs/*.md
#   DATADIR/evbgp/config/: the example configurations, their helpers in
#           helpers/ (paths in them rewritten to where this installs)
#   DATADIR/evbgp/systemd/: ip-setup.conf (drop-in), evbgpd.env
#   EVBGP_SYSTEMD_UNITDIR/evbgpd.service (default PREFIX/lib/systemd/system)
#   with the prefix /usr (the package): /etc/default/evbgpd (a conffile)
#
# The package: cmake -S . -B build-pkg -DCMAKE_INSTALL_PREFIX=/usr
# -DEVBGP_TESTS=OFF && cmake --build build-pkg && cd build-pkg && cpack
# (tests/package/run.sh does that, then installs and starts it).

include(GNUInstallDirs)

set(EVBGP_SYSTEMD_UNITDIR "${CMAKE_INSTALL_PREFIX}/lib/systemd/system"
    CACHE PATH "Where evbgpd.service is installed")
option(EVBGP_MANPAGES "Build and install the man pages (needs python3)" ON)

install(TARGETS evbgpd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
foreach(prog evbgpctl evbgp-healthcheck)
  if(TARGET ${prog})
    install(TARGETS ${prog} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})

# ---- man pages ----

if(EVBGP_MANPAGES)
  find_package(Python3 COMPONENTS Interpreter REQUIRED)
  find_program(GZIP gzip REQUIRED)
  # the date of the pages; CMake takes SOURCE_DATE_EPOCH when it is set
  string(TIMESTAMP EVBGP_DOC_DATE "%Y-%m-%d" UTC)
  set(EVBGP_MAN_PAGES evbgpd.8 evbgpctl.8 evbgp-healthcheck.1 evbgpd.conf.5)
  set(man_outputs)
  foreach(page ${EVBGP_MAN_PAGES})
    string(REGEX REPLACE "\\.[0-9]$" "" doc ${page})
    string(REGEX REPLACE "^.*\\." "" section ${page})
    set(out ${CMAKE_BINARY_DIR}/man/man${section}/${page})
    add_custom_command(OUTPUT ${out} ${out}.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man/man${section}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/md2man.py
              --version ${PROJECT_VERSION} --date ${EVBGP_DOC_DATE}
              --docdir ${CMAKE_INSTALL_FULL_DOCDIR}
              ${CMAKE_SOURCE_DIR}/docs/${doc}.md ${out}
      COMMAND ${GZIP} -9nf -k ${out}
      DEPENDS ${CMAKE_SOURCE_DIR}/docs/${doc}.md ${CMAKE_SOURCE_DIR}/scripts/md2man.py
      COMMENT "Man page ${page} from docs/${doc}.md"
      VERBATIM)
    list(APPEND man_outputs ${out} ${out}.gz)
    install(FILES ${out}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  endforeach()
  add_custom_target(man ALL DEPENDS ${man_outputs})
endif()

# ---- examples, helpers, systemd ----

# A copy of src with the paths of a /usr/local installation replaced by
# this one's (the sources name /usr/local, where a by-hand install goes).
function(evbgp_installed_copy src dst)
  file(READ ${src} text)
  string(REPLACE "/usr/local/sbin/evbgpd" "${CMAKE_INSTALL_FULL_SBINDIR}/evbgpd" text "${text}")
  string(REPLACE "/usr/local/bin/evbgp" "${CMAKE_INSTALL_FULL_BINDIR}/evbgp" text "${text}")
  # "run helpers/x" is found beside the file: installed, it is elsewhere
  string(REPLACE "run helpers/" "run ${CMAKE_INSTALL_FULL_DATADIR}/evbgp/config/helpers/" text "${text}")
  file(WRITE ${dst} "${text}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${src})
endfunction()

file(GLOB EVBGP_EXAMPLES CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/config/*.conf ${CMAKE_SOURCE_DIR}/config/*.example)
foreach(conf ${EVBGP_EXAMPLES})
  get_filename_component(name ${conf} NAME)
  evbgp_installed_copy(${conf} ${CMAKE_BINARY_DIR}/share/config/${name})
  install(FILES ${CMAKE_BINARY_DIR}/share/config/${name}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/evbgp/config)
endforeach()
file(GLOB EVBGP_HELPERS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/config/helpers/*)
install(PROGRAMS ${EVBGP_HELPERS} DESTINATION ${CMAKE_INSTALL_DATADIR}/evbgp/config/helpers)

evbgp_installed_copy(${CMAKE_SOURCE_DIR}/contrib/systemd/evbgpd.service
                     ${CMAKE_BINARY_DIR}/share/systemd/evbgpd.service)
install(FILES ${CMAKE_BINARY_DIR}/share/systemd/evbgpd.service
        DESTINATION ${EVBGP_SYSTEMD_UNITDIR})
install(FILES contrib/systemd/ip-setup.conf contrib/systemd/evbgpd.env
        DESTINATION ${CMAKE_INSTALL_DATADIR}/evbgp/systemd)
if(CMAKE_INSTALL_FULL_SYSCONFDIR STREQUAL "/etc")
  install(FILES contrib/systemd/evbgpd.env DESTINATION /etc/default RENAME evbgpd)
endif()

# ---- the Debian package ----

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME evbgp)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "BGP route injector compatible with ExaBGP's configuration and API")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"BGP route injector compatible with ExaBGP's configuration and API
 evbgpd speaks BGP-4 to routers and route servers: it announces the routes
 it is configured with or told about by helper processes (health checks,
 blocklists, scripts), and reports what its peers send to those helpers as
 ExaBGP 4.x JSON or text. Existing ExaBGP 4.2 configurations and helper
 scripts run unchanged, within the families evbgp supports (IPv4 and IPv6
 unicast).
 .
 This package holds evbgpd, evbgpctl (its control shell), evbgp-healthcheck
 (ExaBGP's anycast healthcheck), a hardened systemd unit, example
 configurations with their helpers, and the man pages.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "evbgp developers <evbgp@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# useradd and groupadd (postinst); /bin/kill (the unit's ExecReload)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "passwd, procps")
# the example helpers rtbh-feeder and json-collector are Python 3
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bird2, curl")
set(CPACK_STRIP_FILES ON)
set(deb_control ${CMAKE_SOURCE_DIR}/contrib/deb/postinst
    ${CMAKE_SOURCE_DIR}/contrib/deb/prerm ${CMAKE_SOURCE_DIR}/contrib/deb/postrm)
if(CMAKE_INSTALL_FULL_SYSCONFDIR STREQUAL "/etc")
  file(WRITE ${CMAKE_BINARY_DIR}/deb/conffiles "/etc/default/evbgpd\n")
  list(APPEND deb_control ${CMAKE_BINARY_DIR}/deb/conffiles)
endif()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${deb_control})
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
