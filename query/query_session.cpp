#include "query_session.h"

#include <chrono>
#include <ostream>

#include <xapian.h>

#include "errors.h"

namespace izdeu::query {

QuerySession::QuerySession(const QuerySettings& settings)
    : settings_(settings),
      searcher_(std::make_unique<Searcher>(settings.databases, settings.kazakh_lexicon, settings.allow_partial,
                                           settings.cache_dir)),
      builder_(std::make_unique<QueryBuilder>(searcher_->analyzer(), settings.search.ranking, &searcher_->database())),
      speller_(std::make_unique<SpellingSuggester>(searcher_->database(), searcher_->analyzer())) {}

// Builds a query text as asked (--plain or the grammar, --since), for the query and for a
// respelling of it; `parsed` gets the tree, from which the words that may be respelled come.
BuiltQuery QuerySession::build(const std::string& text, std::optional<Node>* parsed) {
    // Building reads the index (a wildcard's words, word counts): a batch beside an indexer that
    // commits often must reopen and build again, as the search does (tests/reliability_test.py).
    return searcher_->reading([&] {
        BuiltQuery built;
        if (settings_.plain) {
            built = builder_->build_plain(text);
        } else {
            Node root = parse_query(text, settings_.parse_options);
            built = builder_->build(root);
            if (parsed) *parsed = std::move(root);
        }
        if (settings_.since) {
            // As query_filters.h's add_filter, which also filters the articles with every word.
            const Xapian::Query filter = builder_->build(*settings_.since).query;
            for (Xapian::Query* q : {&built.query, &built.base, &built.all_words}) {
                if (!q->empty()) *q = Xapian::Query(Xapian::Query::OP_FILTER, *q, filter);
            }
        }
        return built;
    });
}

long QuerySession::run(const std::string& text, const std::string& query_id, std::ostream& out, std::ostream& err) {
    const SearchOptions& search = settings_.search;
    const bool single = !settings_.in_batch;
    std::unique_ptr<ResultPrinter> printer = make_printer(settings_.output, out, settings_.color);
    try {
        const auto started = std::chrono::steady_clock::now();
        std::optional<Node> parsed;
        BuiltQuery built = build(text, &parsed);
        if (settings_.count_only) {
            Xapian::doccount n = searcher_->count(built);
            printer->print_count(n, query_id);
            return static_cast<long>(n);
        }
        SearchResult result = searcher_->search(built, search);
        // A suggestion is for a person or a script reading hits: not for TREC runs or later pages.
        if (settings_.output != OutputFormat::Trec && search.offset == 0) {
            result.suggestion = suggest_for(*speller_, *searcher_, text, parsed, built,
                                            [&](const std::string& respelled) { return build(respelled, nullptr); });
        }
        printer->print(result, query_id,
                       std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
        if (result.hits.empty() && (search.limit == 0 || search.offset > 0)) {
            // Nothing shown is not nothing found: the exit status and the message say
            // how many match, so a script paging past the end does not read "no matches".
            const Xapian::doccount matches = searcher_->count(built);
            if (single && matches > 0) {
                err << "izdeu-query: " << matches << (matches == 1 ? " article matches" : " articles match")
                    << (search.limit == 0 ? ", none shown with --limit 0\n"
                                          : ", none from --offset " + std::to_string(search.offset) + " on\n");
            }
            if (matches > 0) return static_cast<long>(matches);
        }
        if (result.hits.empty() && settings_.output == OutputFormat::Text && single) {
            err << "izdeu-query: no matches\n";
        }
        return static_cast<long>(result.hits.size());
    } catch (const ParseError& e) {
        err << "izdeu-query: " << (query_id.empty() ? "" : "query " + query_id + ": ") << e.what() << "\n";
    } catch (const QueryError& e) {
        err << "izdeu-query: " << (query_id.empty() ? "" : "query " + query_id + ": ") << e.what() << "\n";
    } catch (const Xapian::DatabaseError&) {
        throw;  // a damaged or vanished database is exit 3, not a query error
    } catch (const Xapian::NetworkError&) {
        throw;
    } catch (const Xapian::WildcardError&) {
        err << "izdeu-query: " << (query_id.empty() ? "" : "query " + query_id + ": ")
            << "wildcard matches too many words (limit 1000); make the prefix longer\n";
    } catch (const Xapian::Error& e) {
        err << "izdeu-query: " << (query_id.empty() ? "" : "query " + query_id + ": ")
            << "the search could not be run (Xapian: " << e.get_description() << ")\n";
    }
    return -1;
}

}  // namespace izdeu::query
