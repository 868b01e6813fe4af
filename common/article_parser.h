#pragma once
// Parses the plain-text article format (see corpus/README.md):
//   title / the title repeated (dropped when identical after trimming) / a metadata line
//   "Photo: CREDIT DD.MM.YYYY HH:MM VIEWS" (labels Photo:, Фото:, Сурет:) / body paragraphs /
//   trailing boilerplate ("Telegram Subscribe to our Telegram channel ...") which is dropped.
// Any part may be missing; what cannot be parsed is reported in Article::warnings.

#include <string>
#include <string_view>

#include "article.h"

namespace izdeu {

/// Parses UTF-8 text (BOM and CRLF allowed). Throws ArticleError when there is no text at all.
Article parse_article_text(std::string_view text);

/// True for a paragraph that is a subscribe/follow footer rather than article text.
bool is_boilerplate_paragraph(std::string_view paragraph);

}  // namespace izdeu
