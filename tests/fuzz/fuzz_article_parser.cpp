// libFuzzer target: the plain-text article parser. Any bytes must give an Article or an
// ArticleError, never a crash, a sanitizer report or a hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "article_parser.h"
#include "errors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        izdeu::Article article = izdeu::parse_article_text(text);
        (void)article;
    } catch (const izdeu::ArticleError&) {
    }
    (void)izdeu::is_boilerplate_paragraph(text);
    return 0;
}
