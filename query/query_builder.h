#pragma once
// Turns a parsed query (query_ast.h) into a Xapian query, analyzing every word with the same
// Analyzer the index was built with: symmetry by construction.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

#include "analyzer.h"
#include "query_ast.h"
#include "snippet.h"

namespace izdeu::query {

/// A query that parses but cannot be run as asked (only stop words, a bad language...).
struct QueryError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct RankingOptions {
    double bm25_k1 = 2.0;  ///< measured best on the judged collections (EVALUATION.md)
    double bm25_b = 0.55;  ///< chosen with every collection held out in turn (EVALUATION.md, news, eighth step)
    /// A document shorter than this share of the average length is weighed as if it were that
    /// long. Xapian's default is 0.5; Lucene and FTS5 have no floor, and without one short news
    /// articles are not weighed as longer than they are (EVALUATION.md, news, eighth step).
    double bm25_min_normlen = 0.0;
    double phrase_boost = 1.0;  ///< weight of the whole query as a phrase (several words)
    /// Weight of all words within a window; off: next to the phrase and all-words boosts it
    /// added nothing on any judged collection (EVALUATION.md, news, eighth step).
    double near_boost = 0.0;
    /// Weight of documents having every word. 0: the coverage below is its graded form (an
    /// article one headline word short lost the whole boost; EVALUATION.md, news, twelfth step).
    double all_words_boost = 0.0;
    unsigned boost_max_words = 8;       ///< longer word lists get no proximity boosts (cost)
    double keyboard_fold_weight = 0.3;  ///< Kazakh typed on a Russian keyboard, below exact
    /// The same name in another script or language (name keys: Tokayev, Токаев, Тоқаев), found
    /// below every spelling match (keys carry no weight: wdf 0); --no-translit turns it off.
    bool translit = true;
    /// A place's name and the words derived from it (derived_names.h): a query word also finds
    /// the other words of its family (Chinese finds China, российские finds России); off:
    /// --no-derived-names.
    bool derived_names = true;
    /// Their weight, as a share of theirs, in articles without the word itself. 0: found, ranked
    /// by the query's other words; every weight above it measured no better on both news sets
    /// held out (EVALUATION.md, news, ninth step).
    double derived_name_weight = 0.0;
    double exact_form_boost = 0.0;  ///< extra weight for the surface form over other inflections
    bool stop_words = true;         ///< drop query-time stop words from bag-of-words queries
    /// Pseudo-relevance feedback: expand the query with terms from the top documents.
    unsigned feedback_documents = 10;
    unsigned feedback_terms = 20;
    double feedback_weight = 0.08;
    /// Feedback for queries written mostly in Cyrillic. Off: on the Russian and Kazakh judged
    /// collections it lost (EVALUATION.md), while it helps the English ones.
    bool feedback_cyrillic = false;
    /// The lead: an article that names the query's words in its title or first words is about
    /// them, not merely mentions them (a news article's first sentence says what it reports).
    /// Weight, as a share of the best score of the re-ranked articles, of having all the query's
    /// words there (idf-weighted share for some of them); 0: off.
    double lead_boost = 0.5;
    unsigned lead_words = 30;  ///< the body's first words that count as the lead (after the title)
    /// A headline and its article often use two words of one family that the stemmers keep apart
    /// (German and Germany): a query word of at least this many letters also counts as in the
    /// lead when the lead has a word whose stem starts with its first `lead_prefix` letters
    /// (EVALUATION.md, news); 0: only the word's own forms.
    unsigned lead_prefix = 5;
    /// Coverage: how much of the query an article holds, anywhere in it. Each re-ranked article
    /// gains this share of the best score times the square of the idf-weighted share of the
    /// query's words it has in any form (every word: the whole share; all but a rare one: much
    /// less; all but a common one: nearly all). Chosen with every collection held out on the
    /// issue's terms (EVALUATION.md, news, twelfth step); 0: off.
    double coverage_boost = 0.1;
    /// How many of the first pass's best articles the second pass re-ranks (feedback, phrase,
    /// proximity and lead boosts); at least the page asked for.
    unsigned rerank_documents = 100;
};

struct BuildLimits {
    Xapian::termcount max_wildcard_expansion = 1000;
    /// Kazakh spellings a word typed on a Russian keyboard may stand for, per folded form and
    /// field (title, exact): a handful in practice; the limit bounds a pathological index.
    std::size_t max_keyboard_spellings = 100;
};

struct BuiltQuery {
    Xapian::Query query;
    /// For a bag of words: the words alone, and the proximity boosts that only add weight
    /// (query is AND_MAYBE(base, boosts)); feedback joins the boosts rather than nesting.
    Xapian::Query base, boosts;
    /// The all-words boost (also one of `boosts`): its matches are the articles with every
    /// word, which spelling suggestions compare on.
    Xapian::Query all_words;
    HighlightSet highlight;
    std::vector<std::string> words;  ///< the query's words as typed, for spelling suggestions
    /// For a bag of words: each content word's positional terms (its forms), for the lead boost.
    std::vector<std::vector<std::string>> lead_words;
    bool has_terms = false;  ///< some word analyzed to a term (else: only punctuation)
    unsigned cyrillic_words = 0,
             latin_words = 0;  ///< by script, to choose language-dependent ranking
};

class QueryBuilder {
  public:
    /// With a database, wildcards are expanded here, over the whole (possibly sharded) index,
    /// so every shard weighs the same list of words.
    QueryBuilder(Analyzer& analyzer, RankingOptions ranking, const Xapian::Database* database = nullptr,
                 BuildLimits limits = {})
        : analyzer_(analyzer), ranking_(ranking), database_(database), limits_(limits) {}

    /// Builds from a parsed query. Throws QueryError.
    BuiltQuery build(const Node& root);
    /// Builds from plain text: words only, no syntax (--plain, pasted text, evaluation).
    BuiltQuery build_plain(std::string_view text);

  private:
    /// Whether the index holds any of these terms (false without an index to ask).
    bool found_as_typed(const Xapian::Query& forms) const;
    struct Word {
        std::vector<Xapian::Query> positions;  // one subquery per position (a phrase if > 1)
        Xapian::Query alternative;             // joined form of a hyphenated word, if any
    };
    /// One word's forms: any_form (an OR, for positional operators) and weighted (OP_SYNONYM,
    /// which weighs the forms as one term, with the keyboard-folded forms below them).
    struct WordForms {
        Xapian::Query any_form, weighted;
        /// any_form, or with the keyboard-folded forms too: what a phrase or NEAR position
        /// matches (folded terms carry positions).
        Xapian::Query positional;
    };
    WordForms word_forms(const Token& token, bool exact, std::string_view field, BuiltQuery& out);
    /// Whether a word with a Kazakh letter is in the index as typed: typed on a Kazakh keyboard,
    /// so not also searched in its folded form.
    bool typed_on_kazakh_keyboard(const Token& token);
    /// The other reading of a Kazakh form in -ны/-ні or a noun in -н, matched without weight.
    void add_kazakh_possessive_readings(const Token& token, std::string_view field, WordForms& forms, BuiltQuery& out);
    /// The other words of a place's family (Chinese: China), below the word; never exact.
    void add_derived_names(const Token& token, std::string_view field, WordForms& forms, BuiltQuery& out);
    /// In the title and in exact phrases, where the index has no folded terms: adds the Kazakh
    /// spellings of the index that fold to the word (keyboard_spellings.h), below the word.
    void add_kazakh_spellings(const Token& token, bool exact, std::string_view field, WordForms& forms,
                              BuiltQuery& out);
    /// Whether a query word is read as a name: typed capitalised, or mostly capitalised in the index.
    bool looks_like_name(const Token& token, const std::vector<std::string>& own_key_terms) const;
    /// Adds the word's name keys in the other scripts to its forms (unless --no-translit).
    void add_name_forms(const Token& token, WordForms& forms, BuiltQuery& out);
    Xapian::Query node_query(const Node& node, std::string_view field, BuiltQuery& out, int depth);
    Xapian::Query text_query(std::string_view text, bool exact, bool phrase, std::string_view field, BuiltQuery& out);
    Xapian::Query term_query(const Token& token, bool exact, std::string_view field, BuiltQuery& out);
    Xapian::Query bag_of_words(const std::vector<std::string>& words, BuiltQuery& out);
    Xapian::Query field_query(const Node& node, BuiltQuery& out, int depth);

    Analyzer& analyzer_;
    RankingOptions ranking_;
    const Xapian::Database* database_;
    BuildLimits limits_;
};

/// Whether a folded word is a query-time stop word (English, Russian, Kazakh function words).
bool is_stop_word(std::string_view term);

/// Every article, at weight 0. Built anew each time: Xapian::Query::MatchAll is one static
/// object whose reference count is not atomic, and copies of it made by several threads at once
/// (izdeu-query --batch --jobs, izdeu-serve) race on that count inside libxapian, where
/// ThreadSanitizer cannot see it (RELIABILITY.md, "Concurrency").
Xapian::Query every_article();

}  // namespace izdeu::query
