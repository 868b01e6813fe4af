#pragma once
// Filters added to a query from outside its text: --since in izdeu-query, and the since, lang
// and credit parameters of izdeu-serve. Each is written in the query grammar and built by the
// same builder, so a filter means exactly what the same words typed in the query would.

#include <string>

#include "query_builder.h"
#include "query_parser.h"

namespace izdeu::query {

/// The date range for a --since value (7d, 2w, 3m, 1y, a date, or a range FROM..TO).
/// Throws UsageError naming the value.
Node since_filter(const std::string& since, const ParseOptions& options);

/// lang:CODE for a language code or name (en, ru, kk, und, english...). Throws UsageError.
Node language_filter(const std::string& language, const ParseOptions& options);

/// credit:"WORDS": articles whose credit has all these words. Throws UsageError.
Node credit_filter(const std::string& credit, const ParseOptions& options);

/// Restricts a built query (and its bag-of-words base) to the articles `filter` selects.
void add_filter(BuiltQuery& query, const Xapian::Query& filter);

}  // namespace izdeu::query
