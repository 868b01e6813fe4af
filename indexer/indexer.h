#pragma once
// The indexing run: walk the inputs, skip what did not change, parse and analyze on worker
// threads, write on one thread, commit at checkpoints, delete what disappeared.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analyzer.h"
#include "deletion_plan.h"
#include "shard_set.h"
#include "source_walker.h"

namespace izdeu {

/// Limits on one article, far above real news (the longest article of the benchmark corpus is
/// well under 1 MB): an article over them is refused and named.
struct ArticleLimits {
    std::uint64_t max_bytes = 16'000'000;  ///< --max-article-size: title and body, in bytes
    std::size_t max_terms = 200'000;       ///< --max-article-terms: distinct terms of its document
};

struct IndexOptions {
    std::string database;
    std::vector<std::string> inputs;
    WalkOptions walk;
    AnalyzerOptions analyzer;
    bool rebuild = false;                ///< build a new index beside the live one, then swap it in
    std::optional<Layout> layout;        ///< --shards N / --shard-by year; nullopt = keep the existing
    bool delete_missing = true;          ///< delete documents of files that disappeared
    DeletionLimits deletion;             ///< the brake on deleting most of a folder
    ArticleLimits limits;                ///< the largest article indexed
    std::optional<std::string> id_root;  ///< --root: the folder .txt ids are relative to
    bool spelling = true;                ///< build the spelling dictionary
    bool auto_compact = true;            ///< --no-auto-compact turns off compaction after large deletions
    unsigned jobs = 2;                   ///< worker threads for reading and analysis
    std::size_t commit_every = 2000;     ///< articles between commits
    double lock_timeout_seconds = 60;
    std::optional<double> max_runtime_seconds;
    const std::atomic<bool>* stop_requested = nullptr;  ///< set by a signal handler
    /// Called for every problem (path or path:line, reason), as it happens.
    std::function<void(const std::string& where, const std::string& reason)> on_problem;
    /// Called for what the user must hear even under --quiet but is no failure (leftovers removed).
    std::function<void(const std::string& what)> on_notice;
    /// Called for notes worth logging (an encoding conversion).
    std::function<void(const std::string& where, const std::string& note)> on_note;
    /// Called after each file, for a progress display.
    std::function<void(std::size_t done, std::size_t total, std::uint64_t bytes)> on_progress;
};

struct IndexSummary {
    std::size_t added = 0, updated = 0, unchanged = 0, deleted = 0, duplicates = 0, failed = 0;
    std::size_t files = 0;
    std::uint64_t bytes = 0;
    double seconds = 0;
    bool stopped_early = false;  ///< --max-runtime or a signal: the rest is for the next run
    std::size_t files_left = 0;
    bool rebuild_discarded = false;  ///< a stopped --rebuild is thrown away; the live index stays
    bool first_build = false;        ///< the index was new or empty, so it was built as --rebuild builds
    /// The share of the index's volume that deleted or replaced articles left as free space
    /// since its last compaction (their lengths against the live articles' lengths).
    double deleted_share = 0;
    bool compacted = false;  ///< compacted after the run, the deleted share being large
    std::uint64_t disk_bytes_before = 0, disk_bytes_after = 0;  ///< of the compaction
    /// Databases a fresh build wrote side by side (parts merged at the end, or shards); 0 when
    /// the run updated the live index in place.
    std::size_t databases_written = 0;
};

/// Compaction after a run is due when deleted or replaced articles made up this share of the
/// index's volume since its last compaction (Xapian reuses the blocks they freed, but never
/// gives them back to the disk: a deleted 40 MB article left a 447 MB index at 447 MB)...
inline constexpr double kAutoCompactShare = 0.25;
/// ...and it would give back at least this much: a smaller index is not worth a copy of it, nor
/// a line in cron's mail.
inline constexpr std::uint64_t kAutoCompactMinBytes = 1'000'000;

/// Runs one indexing pass, then compacts the index when kAutoCompactShare is passed. Throws LockedError, DatabaseError
/// or Xapian::Error; per-article problems are reported through on_problem and counted in failed.
IndexSummary run_index(const IndexOptions& options);

/// JSON text of a summary (one line).
std::string summary_json(const IndexSummary& summary);

/// Statistics of a database for `izdeu-index --stats`, as JSON.
std::string database_stats_json(const std::string& database);

}  // namespace izdeu
