#pragma once
// The query AST: what parse_query() (query_parser.h) produces and the query builder walks. The
// parser keeps words exactly as typed; analysis (case folding, stemming, dropping punctuation)
// and the choice of Xapian operators belong to the builder.

#include <cstddef>
#include <string>
#include <vector>

namespace izdeu::query {

enum class NodeKind {
    Word,       ///< text: one word as typed (raw UTF-8, may be punctuation only)
    Wildcard,   ///< text: the prefix before a trailing '*' (at least one character)
    Phrase,     ///< text: raw text inside the quotes; exact: written ="..." (surface forms only)
    And,        ///< all children match
    Or,         ///< any child matches
    AndNot,     ///< children[0] matches and none of children[1..] does
    AndMaybe,   ///< children[0] must match; children[1] only adds weight (from +required words)
    Near,       ///< 2+ Word/Phrase children within `window` positions of each other
    Field,      ///< text: title, credit, lang or id; children[0]: Word, Phrase, Wildcard or group
    DateRange,  ///< from..to, inclusive "YYYYMMDD" bounds; an empty bound is open
    MatchAll,   ///< every document; only as children[0] of AndNot ("-word", "NOT word")
};

/// A calendar date as written: zero parts are unspecified ("2023-08" = {2023, 8, 0}); all 0 = open.
struct DateBound {
    int year = 0, month = 0, day = 0;
};

struct Node {
    NodeKind kind = NodeKind::Word;
    std::string text;            ///< Word, Wildcard, Phrase: raw UTF-8; Field: lower-case name
    bool exact = false;          ///< Phrase written ="..."
    unsigned window = 0;         ///< Near: largest n of the NEAR/n chain (plain NEAR = 10)
    std::string from, to;        ///< DateRange: "YYYYMMDD", inclusive; empty = open
    std::vector<Node> children;  ///< see NodeKind
    std::size_t column = 0;      ///< 1-based column, in code points, where the node starts
};

/// Renders an AST as one canonical s-expression line, e.g. (OR (WORD court) (PHRASE "a b")).
std::string to_string(const Node& node);

}  // namespace izdeu::query
