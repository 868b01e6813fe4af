#pragma once
// One thread's means to answer queries as izdeu-query prints them: its own Searcher (database
// handles and analyzer, which hold state), query builder and spelling suggester, over settings
// that every thread of one invocation shares read-only. izdeu-query runs one session; a
// --batch with --jobs N runs up to N side by side (batch_runner.h).

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "query_ast.h"
#include "query_builder.h"
#include "query_parser.h"
#include "result_printer.h"
#include "searcher.h"
#include "spelling_suggester.h"

namespace izdeu::query {

/// What one izdeu-query invocation asks of every query; read-only once the sessions start.
struct QuerySettings {
    std::vector<std::string> databases;
    std::string kazakh_lexicon;
    bool allow_partial = false;
    std::string cache_dir;  ///< where the Russian dictionary is kept as read; empty for none

    SearchOptions search;
    OutputFormat output = OutputFormat::Text;
    bool color = false;
    bool plain = false;       ///< --plain: words only, no grammar
    bool count_only = false;  ///< --count
    bool in_batch = false;    ///< the messages of a single query differ (they speak to a person)
    ParseOptions parse_options;
    std::optional<Node> since;  ///< --since, as a filter every query gets
};

class QuerySession {
  public:
    /// Opens the databases; throws DatabaseError.
    explicit QuerySession(const QuerySettings& settings);

    /// Shards left out (--allow-partial), each a sentence for stderr.
    const std::vector<std::string>& warnings() const { return searcher_->warnings(); }

    /// Runs one query: its results go to `out`, its messages (query errors, "no matches") to
    /// `err`. Returns the number of hits (or of matches when none is shown), or -1 after
    /// reporting an error in the query. A damaged or vanished database is not the query's
    /// fault: Xapian's DatabaseError and NetworkError propagate.
    long run(const std::string& text, const std::string& query_id, std::ostream& out, std::ostream& err);

  private:
    BuiltQuery build(const std::string& text, std::optional<Node>* parsed);

    const QuerySettings& settings_;
    std::unique_ptr<Searcher> searcher_;
    std::unique_ptr<QueryBuilder> builder_;
    std::unique_ptr<SpellingSuggester> speller_;
};

}  // namespace izdeu::query
