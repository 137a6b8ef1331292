# llhttp, the HTTP/1.1 response parser behind the lean transport, built from the C sources
# Debian's node-llhttp installs (no Node runtime needed). llhttp rather than
# libhttp-parser-dev: it is http-parser's maintained successor (Node's parser since 12),
# while http-parser is unmaintained. The sources are compiled from where the package puts
# them, never copied into the tree.
enable_language(C)

find_path(LLHTTP_INCLUDE_DIR llhttp.h PATHS /usr/share/include/llhttp /usr/include/llhttp /usr/include NO_DEFAULT_PATH)
find_path(LLHTTP_SOURCE_DIR llhttp.c PATHS /usr/share/llhttp NO_DEFAULT_PATH)
if(NOT LLHTTP_INCLUDE_DIR OR NOT LLHTTP_SOURCE_DIR
   OR NOT EXISTS "${LLHTTP_SOURCE_DIR}/api.c" OR NOT EXISTS "${LLHTTP_SOURCE_DIR}/http.c")
    message(FATAL_ERROR "llhttp not found: the lean transport needs llhttp.h and llhttp.c, api.c, http.c "
                        "(Debian: apt-get install node-llhttp, or deploy/install-deps.sh build)")
endif()

add_library(herald_llhttp STATIC
    "${LLHTTP_SOURCE_DIR}/api.c"
    "${LLHTTP_SOURCE_DIR}/http.c"
    "${LLHTTP_SOURCE_DIR}/llhttp.c")
target_include_directories(herald_llhttp SYSTEM PUBLIC "${LLHTTP_INCLUDE_DIR}")
# Generated third-party code: its warnings are not ours to fix, and -Werror must not trip on them.
target_compile_options(herald_llhttp PRIVATE -w)
set_target_properties(herald_llhttp PROPERTIES POSITION_INDEPENDENT_CODE ON AUTOMOC OFF)
