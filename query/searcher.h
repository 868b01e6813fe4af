#pragma once
// Opens one or several izdeu databases as one and runs built queries against them.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "analyzer.h"
#include "query_builder.h"
#include "revision_reads.h"
#include "term_table.h"

namespace izdeu::query {

enum class SortOrder { Relevance, Date };

struct SearchOptions {
    Xapian::doccount offset = 0;
    Xapian::doccount limit = 10;
    SortOrder sort = SortOrder::Relevance;
    bool collapse = true;
    bool snippets = true;
    bool explain = false;
    double time_limit_seconds = 10;  ///< Xapian's match time limit: hostile queries end
    /// SearchResult::estimated is the exact number of matches (every match is checked), not an
    /// estimate beyond the first hundred.
    bool exact_count = false;
    RankingOptions ranking;
};

struct TermContribution {
    std::string term;
    double weight;
};

/// With --explain: where a hit's score comes from. The parts add up to the score exactly.
struct ScoreParts {
    double words = 0;            ///< the first pass: BM25 of the query's words
    double boosts_feedback = 0;  ///< the second pass: phrase boosts and feedback terms
    double lead = 0;             ///< the lead boost: query words in the title or the body's opening
    double coverage = 0;         ///< the coverage boost: the share of the query's words the article holds
    double order_cap = 0;        ///< past the re-ranked articles: lowered to stay below them (<= 0)
};

struct Hit {
    Xapian::docid docid = 0;
    std::size_t rank = 0;
    double score = 0;
    std::string id, title, date, lang, credit, url, text;
    Xapian::doccount duplicates = 0;  ///< other copies collapsed into this hit
    Snippet snippet;
    std::vector<TermContribution> explanation;
    std::optional<ScoreParts> parts;  ///< with --explain
};

struct SearchResult {
    std::vector<Hit> hits;
    Xapian::doccount estimated = 0;
    std::string suggestion;                   ///< "Did you mean" query text, empty when none (set by the caller)
    std::vector<std::string> feedback_terms;  ///< with --explain: the terms feedback added, as indexed
};

/// Collection frequencies of terms, as the database state a Searcher reads gave them: the
/// feedback looks up hundreds per query (one B-tree search each), and a batch or a server meets
/// the same common words again. Cleared whenever the database moves to a new state, so the
/// numbers are exactly Xapian's.
class TermFrequencies {
  public:
    /// Terms kept before everything is forgotten at once (a long-lived server must not grow).
    explicit TermFrequencies(std::size_t max_terms = std::size_t{1} << 18) : max_terms_(max_terms) {}

    /// `hash`: term_hash(term), which the caller's own table has already computed.
    /// (An unordered_map of strings, hashing and allocating anew, was 3% of a served query:
    /// ~300 lookups each.)
    Xapian::doccount of(const Xapian::Database& db, std::string_view term, std::size_t hash);
    void clear() { known_.clear(); }
    std::size_t size() const { return known_.size(); }

  private:
    std::size_t max_terms_;
    TermTable<Xapian::doccount> known_;
};

/// Opens databases (folders or stub files), checks they were made by a compatible analyzer,
/// and builds the matching Analyzer from the options stored in the first.
class Searcher {
  public:
    /// Throws DatabaseError. With allow_partial, shards that cannot be opened (a remote shard
    /// that is down) are left out and named in warnings() instead. cache_dir: where the
    /// Russian dictionary is kept as read (default_cache_dir()), empty for none.
    Searcher(const std::vector<std::string>& databases, const std::string& kazakh_lexicon_path,
             bool allow_partial = false, const std::string& cache_dir = {});

    /// Shards left out, each a sentence for stderr.
    const std::vector<std::string>& warnings() const { return warnings_; }

    Analyzer& analyzer() { return *analyzer_; }
    const Xapian::Database& database() const { return db_; }

    /// Runs a query; reopens and retries when the indexer commits meanwhile.
    SearchResult search(const BuiltQuery& query, const SearchOptions& options);

    /// Runs `read`, which reads this searcher's database (building a query does: wildcards,
    /// word counts), and runs it again after a reopen when the indexer's commits have discarded
    /// the revision it was reading (revision_reads.h), as search() does.
    template <typename Read>
    auto reading(Read&& read) -> decltype(read()) {
        return reading_with([this] { return reopen(); }, read);
    }

    /// reading() with the caller's own reopen (izdeu-serve's also forgets its facet columns).
    /// A reading inside another runs once: the outer one retries the whole, so a request that
    /// loses to the commits is not retried six times over six (search() inside a request).
    template <typename Reopen, typename Read>
    auto reading_with(Reopen&& reopen, Read&& read) -> decltype(read()) {
        if (reading_) return read();
        reading_ = true;
        struct Done {
            bool& reading;
            ~Done() { reading = false; }
        } done{reading_};
        return read_reopening(reopen, read);
    }

    /// Estimated number of matches.
    Xapian::doccount count(const BuiltQuery& query);

    /// Moves to the latest committed state of every shard (a long-lived reader, such as
    /// izdeu-serve, calls it before each request); true when something may have changed.
    bool reopen();

  private:
    SearchResult search_once(const BuiltQuery& query, const SearchOptions& options);
    /// The first `count` articles of `top` as a filter that reads nothing from the index, when every shard
    /// is local; otherwise nothing.
    std::optional<Xapian::Query> article_set_filter(const Xapian::MSet& top, Xapian::doccount count) const;

    void add(const std::string& path, bool allow_partial);
    bool copies_slot_usable() const;
    bool lead_slot_usable() const;
    /// Every shard is local and records `value` under the metadata `key`.
    bool every_local_shard_records(std::string_view key, const std::string& value) const;

    std::vector<std::string> warnings_;
    /// Each opened shard (a whole stub when Xapian had to open it), by name for messages.
    std::vector<std::pair<std::string, Xapian::Database>> shards_;
    bool has_remote_ = false;  ///< some shard is remote: prefer few round trips over local speed
    /// Collapse on schema::kSlotCopiesKey (only articles with copies have it), not on the dense
    /// duplicate key: the index keeps the copies slot, and every shard is local (a remote
    /// shard's second pass is filtered by the keys the first pass collapsed on).
    bool collapse_on_copies_ = false;
    /// Every shard is local and its articles carry schema::kSlotLeadTerms (lead_terms.h).
    bool lead_slot_ = false;
    /// Every shard is local and its articles carry schema::kSlotHitFields: a hit without a
    /// snippet reads that instead of the whole record.
    bool hit_fields_slot_ = false;
    std::string missing_shard_;  ///< the stub's local entry being opened, for the error message
    Xapian::Database db_;
    TermFrequencies term_frequencies_;  ///< of db_'s current state
    bool reading_ = false;              ///< inside reading_with(), whose retry covers nested reads
    std::unique_ptr<Analyzer> analyzer_;
};

}  // namespace izdeu::query
