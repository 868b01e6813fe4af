#pragma once
// Turns an Article into the Xapian document izdeu stores (see common/schema.h for the layout).

#include <string>
#include <vector>

#include <xapian.h>

#include "analyzer.h"
#include "article.h"

namespace izdeu {

struct BuiltDocument {
    Xapian::Document document;
    std::string id_term;
    std::string duplicate_key;
    Language language = Language::Undetermined;
    std::vector<std::string> spelling_words;  ///< distinct words for the spelling dictionary
    std::size_t invalid_utf8 = 0;
};

/// Builds one document. source_file names the file the article came from (for deletions).
BuiltDocument build_document(const Article& article, const std::string& source_file,
                             Analyzer& analyzer);

}  // namespace izdeu
