#pragma once
// Runs watches: each watch's query, through the same parser, builder and searcher as
// izdeu-query, filtered to the articles that arrived (or, with edits, changed) after its mark.
//
// The horizon. A run considers articles stamped up to a time H and sets the marks to H. Every
// article stamped at or before H must already be visible, or it would fall behind the mark
// unseen: an indexer stamps each article as it writes it and commits later. So H is the run's
// start when no indexer holds the index's lock (every earlier stamp was committed or died with
// its run, and a later run stamps later), and the end of the last finished indexer run
// (izdeu:last-run) while one is running. Articles stamped after H are reported next time.

#include <cstdint>
#include <string>
#include <vector>

#include <xapian.h>

#include "searcher.h"
#include "watch_file.h"
#include "watch_state.h"

namespace izdeu::watch {

struct WatchHit {
    query::Hit hit;
    std::int64_t indexed_at = 0;  ///< when the article arrived
    std::int64_t changed_at = 0;  ///< when its content last changed
    bool edited = false;          ///< reported because it changed, not because it is new
};

struct WatchReport {
    const Watch* watch = nullptr;
    bool first_run = false;        ///< no mark yet: what matches now, up to the limit
    std::vector<WatchHit> hits;    ///< newest first (by publication date)
    Xapian::doccount matched = 0;  ///< new matches, shown or not (exact; copies of an article count once)
    std::string error;             ///< the query could not be run ("FILE:LINE:COLUMN: why"); no mark
    WatchMark next_mark;           ///< to save once the report is written
};

struct WatchRunOptions {
    std::string database;                                ///< the index (folder or stub)
    std::string kazakh_lexicon;                          ///< as izdeu-query's --kazakh-lexicon; empty: as indexed
    std::string cache_dir;                               ///< default_cache_dir(): the Russian dictionary as read
    std::string watches_file;                            ///< names the file in error messages
    std::int64_t now = 0;                                ///< the run's start (microseconds since the epoch)
    int today_year = 0, today_month = 0, today_day = 0;  ///< for relative dates in queries
};

struct WatchRun {
    std::vector<WatchReport> reports;  ///< in the order of the watches given
    std::int64_t horizon = 0;
    std::vector<std::string> warnings;  ///< sentences for stderr
};

/// The key marks are kept under for a database path: its absolute, normalized form.
std::string database_key(const std::string& database);

/// Runs the watches against the index. Throws DatabaseError (missing index, or one without
/// arrival stamps).
WatchRun run_watches(const std::vector<const Watch*>& watches, const WatchState& state, const WatchRunOptions& options);

}  // namespace izdeu::watch
