#pragma once
// The query grammar: turns what a user types into the AST of query_ast.h. It does not analyze
// words and does not build Xapian queries; the builder does both.
//
// Precedence, loosest first (as in Xapian, an implicit sequence binds tighter than AND/OR):
//   OR  <  AND, NOT, AND NOT (left to right)  <  implicit sequence  <  NEAR  <  item
//   "a b OR c"    = (a b) OR c        "a OR b AND c" = a OR (b AND c)
//   "a b NOT c d" = (a b) NOT (c d)   "a NOT b"      = "a AND NOT b" = AndNot(a, b)
//   "NOT a"       = AndNot(MatchAll, a); chains flatten: "a AND b AND c" = And(a, b, c).
// Operators are AND, OR, NOT, NEAR and NEAR/n (1 <= n <= 1000), in upper case only.
//
// An implicit sequence (items separated by whitespace) is encoded as:
//   "a b" = Or(a, b);  "+a b" = AndMaybe(a, b);  "+a +b c d" = AndMaybe(And(a, b), Or(c, d));
//   "a -x -y" = AndNot(a, x, y);  "-x" = AndNot(MatchAll, x) when nothing else remains.
// Filters (date:, lang:, id:) must match but do not demote the other words to weight-only:
//   "a b lang:ru" = And(Or(a, b), lang:ru); "+a b lang:ru" = AndMaybe(And(a, lang:ru), b);
//   filters on the same field are OR-ed, as Xapian does: "lang:ru lang:kk" = Or(lang, lang).
// A single item is returned bare: "court" = Word, "+court" = Word.
//
// Items: word, word* (Wildcard), "phrase", ="exact phrase", ( group ), field:value, date:range,
// each optionally preceded by + or -. '+'/'-' are modifiers only at the start of an item
// ("COVID-19" is one word); a lone '+' or '-' is ignored. '(' ')' and '"' always delimit.
// Punctuation-only words (",", "—") are kept as Words: the builder's analyzer drops them.
// Unknown "foo:bar" (URLs, 16:29) is a plain word. Only ASCII '"' quotes a phrase.
// Dates: date:2023 | 2023-08 | 2023-08-29 | 29.08.2023 | Nd | Nw | Nm | Ny (N units before today),
// and ranges A..B, A.., ..B. A single relative date means "from then to today".

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "query_ast.h"

namespace izdeu::query {

struct ParseOptions {
    /// Today's date, injected so relative dates ("date:7d") are testable; must be valid for them.
    int today_year = 0, today_month = 0, today_day = 0;
    std::size_t max_depth = 64;        ///< deepest parenthesis nesting
    std::size_t max_terms = 1000;      ///< words, wildcards, dates and words inside phrases
    std::size_t max_bytes = 1u << 20;  ///< longest query, in bytes
};

/// A query the grammar rejects; what() is "<reason> at column N" (1-based, in code points).
struct ParseError : std::runtime_error {
    ParseError(const std::string& reason, std::size_t at);
    std::size_t column;
};

/// Parses a user query; throws ParseError for a malformed query, and std::invalid_argument when
/// a relative date is used while options hold no valid today.
Node parse_query(std::string_view query, const ParseOptions& options);

}  // namespace izdeu::query
