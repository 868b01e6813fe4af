#pragma once
// The stored record of an article (the JSON object izdeu-index writes as the document's data),
// read fast: the hits of every query read it, and nlohmann's parser went through the whole
// body character by character even when the body was not wanted (8% of a query without
// snippets). Anything the fast reader does not expect is read by nlohmann as before.

#include <string>
#include <string_view>

namespace izdeu::query {

struct StoredFields {
    std::string id, title, date, lang, credit, url;
    std::string text;  ///< the body, when asked for
};

/// Reads the record; the body only when want_text. False when it is not a JSON object (the
/// fields then are empty).
bool read_stored_fields(std::string_view data, bool want_text, StoredFields& out);

}  // namespace izdeu::query
