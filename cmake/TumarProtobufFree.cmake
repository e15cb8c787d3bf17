# Front ends and transports include no generated protobuf header, not even
# through a core/ header: protobuf stays inside core/'s codecs
# (docs/ARCHITECTURE.md, "Modules inside core/").
#
#   tumar_check_protobuf_free(<dir>...)
#
# follows the quoted includes of every file under each <dir> (cli, net),
# through core/ and the other <dir>s, and fails the configure step with the
# include chain when one reaches tumar/*.pb.h. Of cli/ and net/, a layer not
# given is not followed: cli/ may reach generated headers through net/ until
# net/ is checked too.

set(_TUMAR_PROTOBUF_LAYERS cli net)

# Sets `out` to the include chain from `header` (a path from the repository
# root) to a generated header, or to "" if there is none. Results are kept
# for the whole configure run; a header met again while its own includes are
# being followed (an include cycle) counts as reaching nothing.
function(_tumar_protobuf_chain header out)
  string(MAKE_C_IDENTIFIER "${header}" key)
  get_property(known GLOBAL PROPERTY _TUMAR_PB_${key} SET)
  if(known)
    get_property(chain GLOBAL PROPERTY _TUMAR_PB_${key})
    set(${out} "${chain}" PARENT_SCOPE)
    return()
  endif()
  set_property(GLOBAL PROPERTY _TUMAR_PB_${key} "")
  set(chain "")
  set(followed TRUE)
  foreach(layer IN LISTS _TUMAR_PROTOBUF_UNFOLLOWED)
    if(header MATCHES "^${layer}/")
      set(followed FALSE)
    endif()
  endforeach()
  if(header MATCHES "^tumar/.*\\.pb\\.h$")
    set(chain ${header})
  elseif(followed AND EXISTS ${PROJECT_SOURCE_DIR}/${header})
    get_filename_component(dir ${header} DIRECTORY)
    file(STRINGS ${PROJECT_SOURCE_DIR}/${header} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]*)\".*$" "\\1" inc "${line}")
      if(dir AND EXISTS ${PROJECT_SOURCE_DIR}/${dir}/${inc})
        set(inc ${dir}/${inc})  # relative to the including file
      endif()
      _tumar_protobuf_chain(${inc} sub)
      if(sub)
        set(chain ${header} ${sub})
        break()
      endif()
    endforeach()
  endif()
  set_property(GLOBAL PROPERTY _TUMAR_PB_${key} "${chain}")
  set(${out} "${chain}" PARENT_SCOPE)
endfunction()

function(tumar_check_protobuf_free)
  set(_TUMAR_PROTOBUF_UNFOLLOWED ${_TUMAR_PROTOBUF_LAYERS})
  list(REMOVE_ITEM _TUMAR_PROTOBUF_UNFOLLOWED ${ARGN})
  set(errors "")
  foreach(layer IN LISTS ARGN)
    file(GLOB_RECURSE files CONFIGURE_DEPENDS RELATIVE ${PROJECT_SOURCE_DIR}
         ${PROJECT_SOURCE_DIR}/${layer}/*.cpp ${PROJECT_SOURCE_DIR}/${layer}/*.hpp)
    foreach(f IN LISTS files)
      _tumar_protobuf_chain(${f} chain)
      if(chain)
        list(JOIN chain " -> " text)
        list(APPEND errors "${text}")
      endif()
    endforeach()
  endforeach()
  if(errors)
    list(JOIN errors "\n  " text)
    list(JOIN ARGN " or " where)
    message(FATAL_ERROR "A generated protobuf header reaches ${where}:\n  ${text}\n"
                        "Keep generated types inside core/'s codecs: forward-declare them, move the "
                        "declaration into an *_internal.hpp or a .cpp, or give the header a tumar type.")
  endif()
endfunction()
