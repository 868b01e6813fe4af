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
    /// Hash of what a reader sees (title, body, date, credit, url; not the view count): an
    /// article re-indexed with the same content hash was not edited (arrival_stamper.h).
    std::string content_hash;
    Language language = Language::Undetermined;
    /// Words for the spelling dictionary: the distinct words of the title and body.
    std::vector<std::string> spelling_words;
    std::size_t invalid_utf8 = 0;
};

/// Builds one document. source_file names the file the article came from (for deletions).
BuiltDocument build_document(const Article& article, const std::string& source_file, Analyzer& analyzer);

}  // namespace izdeu
