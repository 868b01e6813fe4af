#include "watch_runner.h"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "arrival_time.h"
#include "errors.h"
#include "query_builder.h"
#include "query_parser.h"
#include "schema.h"

namespace izdeu::watch {

namespace {

/// See the header: the run's start when no indexer is writing, else the end of the last
/// finished indexer run. Read before the searcher opens the index, so that everything the
/// horizon covers is in the snapshot the searcher reads.
std::int64_t safe_horizon(const std::string& database, std::int64_t now) {
    bool writing = true;
    Xapian::Database probe;
    try {
        probe = Xapian::Database(database);
    } catch (const Xapian::Error&) {
        return now;  // the searcher reports why it cannot be opened
    }
    try {
        writing = probe.locked();
    } catch (const Xapian::Error&) {
        writing = true;  // cannot tell (a remote shard): assume an indexer may be writing
    }
    if (!writing) return now;
    const std::string last_run = read_reopening([&] { return probe.reopen(); },
                                                [&] { return probe.get_metadata(std::string(schema::kMetaLastRun)); });
    const nlohmann::json last = nlohmann::json::parse(last_run, nullptr, false);
    if (!last.is_object() || !last.contains("finished") || !last["finished"].is_number_integer()) return 0;
    return std::min<std::int64_t>(now, last["finished"].get<std::int64_t>() * 1000000);
}

std::string where(const WatchRunOptions& options, const Watch& watch, std::size_t column) {
    return options.watches_file + ":" + std::to_string(watch.line) + ":" + std::to_string(column) + ": watch '" +
           watch.name + "': ";
}

}  // namespace

std::string database_key(const std::string& database) {
    std::error_code ignored;
    const std::filesystem::path canonical = std::filesystem::weakly_canonical(database, ignored);
    return (canonical.empty() ? std::filesystem::absolute(database) : canonical).lexically_normal().string();
}

WatchRun run_watches(const std::vector<const Watch*>& watches, const WatchState& state,
                     const WatchRunOptions& options) {
    WatchRun run;
    run.horizon = safe_horizon(options.database, options.now);
    query::Searcher searcher({options.database}, options.kazakh_lexicon, false, options.cache_dir);
    for (const std::string& w : searcher.warnings()) run.warnings.push_back(w);
    const Xapian::Database& db = searcher.database();
    const auto [stamped, articles] = searcher.reading([&] {
        return std::pair{db.get_value_freq(schema::kSlotIndexedAt), db.get_doccount()};
    });
    if (stamped < articles) {
        throw DatabaseError(std::to_string(articles - stamped) + " of the index's " + std::to_string(articles) +
                            " articles were indexed before izdeu recorded when articles arrive, which watches "
                            "need; rebuild the index once with izdeu-index --rebuild");
    }
    if (run.horizon == 0) {
        run.warnings.push_back(
            "an indexer is writing the index and none has finished before; nothing is reported until it has");
    }

    query::ParseOptions parse_options;
    parse_options.today_year = options.today_year;
    parse_options.today_month = options.today_month;
    parse_options.today_day = options.today_day;
    query::SearchOptions search;
    search.sort = query::SortOrder::Date;  // a digest reads newest first
    // What the limit leaves out is never reported later: the digest says exactly how much that is.
    search.exact_count = true;
    query::QueryBuilder builder(searcher.analyzer(), search.ranking, &db);
    const std::string key = database_key(options.database);

    for (const Watch* watch : watches) {
        WatchReport report;
        report.watch = watch;
        const WatchMark* mark = state.find(key, watch->name);
        // A changed query is another watch: it starts again from what matches now.
        if (mark != nullptr && mark->query != watch->query) mark = nullptr;
        report.first_run = mark == nullptr;
        const std::int64_t since = mark != nullptr ? mark->horizon : -1;
        report.next_mark = {key, watch->name, watch->query, watch->edits, std::max(since, run.horizon), options.now};
        try {
            // Building reads the index (a wildcard's words): reopened and built again when a
            // running indexer's commits discard the revision it reads, as the search is.
            query::BuiltQuery built =
                searcher.reading([&] { return builder.build(query::parse_query(watch->query, parse_options)); });
            // Arrival (or change) stamps in (since, horizon]; a stamp that begins with the
            // horizon's digits sorts below the horizon's digits followed by 0xFF.
            const Xapian::valueno slot = watch->edits ? schema::kSlotChangedAt : schema::kSlotIndexedAt;
            const std::string upper = arrival::encode(run.horizon) + "\xff";
            const Xapian::Query window =
                since < 0 ? Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, upper)
                          : Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, arrival::encode(since + 1), upper);
            if (since >= run.horizon) {
                // Nothing can be new (the horizon went back while an indexer writes).
                built.query = Xapian::Query::MatchNothing;
            } else {
                built.query = Xapian::Query(Xapian::Query::OP_FILTER, built.query, window);
            }
            if (!built.base.empty()) built.base = Xapian::Query(Xapian::Query::OP_FILTER, built.base, window);
            search.limit = watch->limit;
            // The hits' arrival stamps are read after the search: when commits discard its
            // revision in between, the search runs again, so that hits and stamps agree.
            report.hits = searcher.reading([&] {
                query::SearchResult result = searcher.search(built, search);
                report.matched =
                    std::max<Xapian::doccount>(result.estimated, static_cast<Xapian::doccount>(result.hits.size()));
                std::vector<WatchHit> hits;
                for (query::Hit& hit : result.hits) {
                    WatchHit h;
                    const Xapian::Document doc = db.get_document(hit.docid);
                    h.indexed_at = arrival::decode(doc.get_value(schema::kSlotIndexedAt)).value_or(0);
                    h.changed_at = arrival::decode(doc.get_value(schema::kSlotChangedAt)).value_or(h.indexed_at);
                    h.edited = since >= 0 && h.indexed_at <= since;
                    h.hit = std::move(hit);
                    hits.push_back(std::move(h));
                }
                return hits;
            });
        } catch (const query::ParseError& e) {
            // The parser's column counts from the query's start; the file's from the line's.
            std::string reason = e.what();
            if (const std::size_t at = reason.rfind(" at column "); at != std::string::npos) reason.erase(at);
            report.error = where(options, *watch, watch->query_column + e.column - 1) + reason +
                           " (the query no longer parses; fix it in the watches file)";
        } catch (const query::QueryError& e) {
            report.error = where(options, *watch, watch->query_column) + e.what();
        } catch (const Xapian::WildcardError&) {
            report.error = where(options, *watch, watch->query_column) +
                           "a wildcard matches too many words (limit 1000); make the prefix longer";
        } catch (const Xapian::DatabaseError&) {
            throw;  // a damaged or vanished index is exit 3 for the whole run
        } catch (const Xapian::NetworkError&) {
            throw;
        } catch (const Xapian::Error& e) {
            report.error = where(options, *watch, watch->query_column) +
                           "the search could not be run (Xapian: " + e.get_description() + ")";
        }
        run.reports.push_back(std::move(report));
    }
    return run;
}

}  // namespace izdeu::watch
