cmake_policy(SET CMP0057 NEW)
# Fails when a source file of the server includes a header of a folder its library may not use.
# Called by mediation_library (server/CMakeLists.txt) with FOLDER (e.g. server/meetings), ALLOWED
# (the folders it may include: its own and those of the libraries it depends on, transitively),
# FILES (its sources and headers) and STAMP (touched when every include is allowed).
set(errors "")
foreach(file IN LISTS FILES)
  file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]+\"(server|protocol)/")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]+\"([^\"]+)\".*$" "\\1" header "${line}")
    get_filename_component(dir "${header}" DIRECTORY)
    set(ok FALSE)
    if(header MATCHES "^protocol/messages/([a-z_]+)\\.hpp$")
      # A slice's requests belong to that slice; common.hpp to everyone.
      if(CMAKE_MATCH_1 STREQUAL "common" OR "server/${CMAKE_MATCH_1}" IN_LIST ALLOWED)
        set(ok TRUE)
      endif()
    elseif(header STREQUAL "protocol/messages.hpp" OR header STREQUAL "protocol/parse.hpp")
      # Every request at once: only where every slice may be used.
      if("server/admin" IN_LIST ALLOWED OR FOLDER STREQUAL "protocol")
        set(ok TRUE)
      endif()
    elseif(dir IN_LIST ALLOWED)
      set(ok TRUE)
    endif()
    if(NOT ok)
      file(RELATIVE_PATH rel "${ROOT}" "${file}")
      string(APPEND errors "  ${rel} includes ${header}\n")
    endif()
  endforeach()
endforeach()
if(errors)
  string(REPLACE ";" ", " allowed_list "${ALLOWED}")
  message(FATAL_ERROR "${FOLDER} reaches across a slice it may not use:\n${errors}"
          "${FOLDER} may include only ${allowed_list} (the dependency order is in docs/architecture.md "
          "and in the DEPENDS of its CMakeLists.txt).")
endif()
file(TOUCH "${STAMP}")
