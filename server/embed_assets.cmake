# Writes a C++ file holding server/web's files as string literals (see web_assets.h).
# cmake -DWEB_DIR=... -DOUT=... -P embed_assets.cmake
function(literal name var)
  file(READ "${WEB_DIR}/${name}" text)
  string(FIND "${text}" ")izdeu_asset\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${name} contains the raw string delimiter )izdeu_asset\"")
  endif()
  set(${var} "R\"izdeu_asset(${text})izdeu_asset\"" PARENT_SCOPE)
endfunction()
literal(index.html html)
literal(app.js js)
literal(style.css css)
file(WRITE "${OUT}.tmp" "// Generated from server/web by server/embed_assets.cmake: edit those files instead.
#include \"web_assets.h\"

namespace izdeu::serve {

const std::vector<WebAsset>& web_assets() {
    static const std::vector<WebAsset> assets = {
        {{\"/\", \"/article\"}, \"text/html; charset=utf-8\", ${html}},
        {{\"/app.js\", nullptr}, \"text/javascript; charset=utf-8\", ${js}},
        {{\"/style.css\", nullptr}, \"text/css; charset=utf-8\", ${css}},
    };
    return assets;
}

}  // namespace izdeu::serve
")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
