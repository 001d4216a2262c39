cmake_policy(SET CMP0057 NEW)
# Fails when a source file of the server includes a header of a folder its library may not use.
# Called by mediation_library (server/CMakeLists.txt) with FOLDER (e.g. server/meetings), ALLOWED
# (the folders it may include: its own and those of the libraries it depends on, transitively),
# FILES (its sources and headers) and STAMP (touched when every include is allowed).
set(errors "")
foreach(file IN LISTS FILES)
  # Quoted or bracketed, with or without a space; a relative path is resolved from the file's folder.
  file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<][^\">]+[\">]")
  get_filename_component(file_dir "${file}" DIRECTORY)
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[\"<]([^\">]+)[\">].*$" "\\1" header "${line}")
    if(header MATCHES "^\\.")
      get_filename_component(abs "${file_dir}/${header}" ABSOLUTE)
      file(RELATIVE_PATH header "${ROOT}" "${abs}")
    endif()
    if(NOT header MATCHES "^(server|protocol)/")
      continue()
    endif()
    get_filename_component(dir "${header}" DIRECTORY)
    set(ok FALSE)
    if(FOLDER STREQUAL "protocol")
      # The protocol knows nothing of the server.
      if(header MATCHES "^protocol/")
        set(ok TRUE)
      endif()
    elseif(header MATCHES "^protocol/messages/([a-z_]+)\\.hpp$")
      # A slice's requests belong to that slice; common.hpp to everyone.
      if(CMAKE_MATCH_1 STREQUAL "common" OR "server/${CMAKE_MATCH_1}" IN_LIST ALLOWED)
        set(ok TRUE)
      endif()
    elseif(header STREQUAL "protocol/messages.hpp" OR header STREQUAL "protocol/parse.hpp")
      # Every request at once: only where every slice may be used.
      if("server/admin" IN_LIST ALLOWED OR FOLDER STREQUAL "protocol")
        set(ok TRUE)
      endif()
    elseif(dir STREQUAL "server/net" AND NOT header STREQUAL "server/net/connection.hpp")
      # Beast and Asio stay in the network layer: only the core (and main) wire it.
      if(FOLDER STREQUAL "server/core" OR FOLDER STREQUAL "server/net" OR FOLDER STREQUAL "server")
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
