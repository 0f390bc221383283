# Run by cpack (CPACK_PRE_BUILD_SCRIPTS) on the staged files before the .deb is made:
# Debian policy wants man pages and the changelog gzip-compressed (-n: reproducible).
# `cmake --install` keeps man pages plain; only the package is changed here.
file(GLOB_RECURSE man_pages "${CPACK_TEMPORARY_DIRECTORY}/*/share/man/man[1-9]/*.[1-9]")
foreach(page IN LISTS man_pages)
  execute_process(COMMAND gzip -9nf "${page}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${page} failed")
  endif()
endforeach()
file(GLOB doc_dirs "${CPACK_TEMPORARY_DIRECTORY}/*/share/doc/sensorpipe")
foreach(dir IN LISTS doc_dirs)
  file(WRITE "${dir}/changelog" "sensorpipe (${CPACK_PACKAGE_VERSION}) unstable; urgency=medium\n\n"
       "  * Release ${CPACK_PACKAGE_VERSION}: see README.md.\n\n"
       " -- ${CPACK_PACKAGE_CONTACT}  Sun, 22 Nov 2026 12:00:00 +0000\n")
  execute_process(COMMAND gzip -9nf "${dir}/changelog")
endforeach()
