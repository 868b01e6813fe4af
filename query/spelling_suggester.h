#pragma once
// "Did you mean": a respelling of the query that finds more. Only words the user typed are
// respelled, each in place, so operators, fields, quotes and the other words stay exactly as
// typed; a word is respelled only into one whose articles it does not find, that more articles have, and the
// respelled query is shown only when it finds far more than the query did.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "analyzer.h"
#include "query_ast.h"
#include "query_builder.h"
#include "searcher.h"

namespace izdeu::query {

/// A word the user typed that a suggestion may respell: its bytes in the query text.
struct TypedWord {
    std::size_t offset = 0, length = 0;
};

/// The words of a parsed query that may be respelled: words and the words of phrases and NEAR,
/// also in title:. Not wildcards, excluded words, or the values of lang:, id:, credit:, date:.
std::vector<TypedWord> typed_words(const Node& root, std::string_view text);

/// The words of a --plain query: its runs of non-space characters.
std::vector<TypedWord> plain_words(std::string_view text);

class SpellingSuggester {
  public:
    SpellingSuggester(const Xapian::Database& database, Analyzer& analyzer)
        : database_(database), analyzer_(analyzer) {}

    /// The text with its misspelt words respelled, or empty when none has a better spelling.
    std::string respell(std::string_view text, const std::vector<TypedWord>& words);

    /// Fewest articles a suggested word must be in: one in a small archive; in a large one a
    /// word in a handful of articles is more often a name or a typo than what was meant.
    Xapian::doccount min_articles() const;

  private:
    /// The suggested word with the letters it keeps of the typed one written as typed (their
    /// accents, ё, case); the others as the spelling data writes them.
    std::string in_typed_letters(std::string_view typed, std::string_view typed_term, const std::string& word);
    /// The terms the query looks a word up by: as typed, its stems, keyboard-folded.
    std::vector<std::string> query_forms(const std::string& term, const std::vector<std::string>& stems) const;
    /// The articles that have the word in any of its query forms (the largest count).
    Xapian::doccount articles_with(const std::vector<std::string>& forms) const;
    /// Whether every article that has `word` as written has one of `forms`: a word looked up by
    /// them already finds what `word` would.
    bool finds_every_article_of(const std::vector<std::string>& forms, const std::string& word) const;

    const Xapian::Database& database_;
    Analyzer& analyzer_;
};

/// How many articles a query text finds (parsed, built and filtered as the original was).
using ArticleCounter = std::function<Xapian::doccount(const std::string& text)>;

/// The suggestion to show for a query that found found() articles (asked only when some word
/// has a respelling), or empty: a respelling that finds more than kSuggestionGain times as many
/// (any, when the query found nothing).
std::string helpful_suggestion(SpellingSuggester& suggester, std::string_view text, const std::vector<TypedWord>& words,
                               const std::function<Xapian::doccount()>& found, const ArticleCounter& count);

/// Builds a query text the way the query was built (--plain or the grammar, the same filters).
using QueryRebuilder = std::function<BuiltQuery(const std::string& text)>;

/// The suggestion to show for a query (empty: none), as izdeu-query shows it: `parsed` is its
/// tree (none for --plain), `built` what it was built into; the respelling is built by `rebuild`
/// and compared on the articles with every word of a list of words, else on its matches.
std::string suggest_for(SpellingSuggester& suggester, Searcher& searcher, std::string_view text,
                        const std::optional<Node>& parsed, const BuiltQuery& built, const QueryRebuilder& rebuild);

/// A suggestion must find this many times the articles the query found (and a respelled word
/// be in this many times the articles of the typed one). At 3, 93 of the benchmark's 1000
/// queries of real text were told "did you mean" (road -> read, winner -> inner, grasp ->
/// grass); a typo is far rarer than the word it misspells (goverment: 1 article of 16 in the
/// tests' corpus against 15).
constexpr Xapian::doccount kSuggestionGain = 10;

}  // namespace izdeu::query
