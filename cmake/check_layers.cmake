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
    if(NOT dir IN_LIST ALLOWED)
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
