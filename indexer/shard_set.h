#pragma once
// The databases one izdeu index is made of, opened for writing.
//
// Layouts (recorded in the "izdeu:layout" metadata of every shard):
//   single     — DIR is one glass database (the default);
//   hash:N     — DIR holds a Xapian stub file DIR/XAPIANDB listing shard-000 .. shard-N-1; an
//                article goes to the shard chosen by a hash of its id, so updates and deletions
//                find it again;
//   year       — DIR/XAPIANDB lists undated, year-2023, year-2024, ...; an article goes to the
//                shard of its publication year (for retention: drop a year by its folder).
// Both tools open DIR the same way whatever the layout: Xapian reads the stub.
//
// A fresh build (--rebuild, --compact) is written beside the live index (DIR.new-PID) with
// Xapian's fast flags, synced, and swapped in with one atomic rename exchange; readers keep the
// old files until they reopen. The live shards stay locked meanwhile, so other indexers wait.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

namespace izdeu {

enum class LayoutKind { Single, Hash, Year };

struct Layout {
    LayoutKind kind = LayoutKind::Single;
    unsigned shards = 1;  ///< for Hash

    std::string name() const;  ///< "single", "hash:3", "year"
    static std::optional<Layout> parse(const std::string& name);
};

/// The summed lengths of articles deleted or replaced since the index was last compacted (or
/// built), in the state shard: what izdeu-index's automatic compaction weighs.
inline constexpr std::string_view kMetaDeletedLength = "izdeu:deleted-length";

/// A folder a killed rebuild or compaction left beside the index, removed by a later run.
struct Leftover {
    std::string path;
    std::uint64_t bytes = 0;
};

struct ShardSetOptions {
    std::string path;
    std::optional<Layout> requested;  ///< --shards / --shard-by; nullopt = keep what exists
    bool fresh = false;               ///< build a new index beside the live one
    double lock_timeout_seconds = 60;
    const std::atomic<bool>* stop_requested = nullptr;
    /// A fresh build of the single layout is written as this many parts at once (one writer
    /// thread each) plus one part for the spelling words, and the parts are merged by Xapian's
    /// compactor when published: Xapian's writer is single-threaded and was 3/4 of a build.
    unsigned build_parts = 1;
    /// When the index is new or holds nothing (no article, no file record), build it as fresh
    /// would: beside, in parts, then swapped in. Decided under the live index's lock, so a second
    /// indexer that waited for it sees the finished index, not an empty one.
    bool fresh_when_empty = false;
};

class ShardSet {
  public:
    /// Opens or creates. Throws LockedError, DatabaseError or UsageError.
    explicit ShardSet(const ShardSetOptions& options);
    ~ShardSet();
    ShardSet(const ShardSet&) = delete;
    ShardSet& operator=(const ShardSet&) = delete;

    const Layout& layout() const { return layout_; }
    /// Whether this is a fresh build beside the live index (--rebuild, or a first build).
    bool fresh() const { return options_.fresh; }
    /// Whether a fresh build was chosen because the index was new or empty (fresh_when_empty).
    bool first_build() const { return first_build_; }
    /// Databases a fresh build writes side by side (parts or shards); 0 for an incremental run.
    std::size_t databases_written() const { return options_.fresh ? shards_.size() : 0; }
    std::size_t size() const { return shards_.size(); }
    Xapian::WritableDatabase& shard(std::size_t i) { return shards_[i]->db; }
    const std::string& shard_name(std::size_t i) const { return shards_[i]->name; }
    /// The shard that holds per-file state and is committed last.
    static constexpr std::size_t kStateShard = 0;
    /// Where spelling words are written: the state shard, or a part of its own.
    std::size_t spelling_shard() const { return spelling_shard_; }
    /// Whether this build is written in parts that publish() merges.
    bool merges_parts() const { return !part_paths_.empty(); }
    /// A new database beside the parts, merged with them by publish(): the caller creates it
    /// (on the spelling part's thread). Call from one thread only.
    std::string next_spelling_part();

    /// The shard for an article; may create a year shard. Call from one thread only.
    std::size_t route(const std::string& id, const std::string& sortable_date);

    /// Records metadata (schema, analyzer) in every shard, present and future.
    void set_identity(const std::vector<std::pair<std::string, std::string>>& entries);

    /// For a fresh build: sync and swap the new index into place. Call after the last commit.
    void publish();

    /// The live index path.
    const std::string& path() const { return options_.path; }

    /// What killed rebuilds and compactions had left, removed when this set was opened.
    const std::vector<Leftover>& removed_leftovers() const { return leftovers_; }

  private:
    struct Shard {
        std::string name;
        Xapian::WritableDatabase db;
    };
    std::size_t add_shard(const std::string& name, const std::string& root);
    std::size_t add_database(const std::string& name, const std::string& path);
    void write_stub(const std::string& root) const;
    Xapian::WritableDatabase open_shard(const std::string& path, bool fresh);
    void open_databases(const std::optional<Layout>& existing, const std::vector<std::string>& live_names);
    bool holds_nothing();

    ShardSetOptions options_;
    Layout layout_;
    std::string root_;  ///< where shards are written: the live path or the build beside it
    std::vector<std::unique_ptr<Shard>> shards_;
    std::vector<Xapian::WritableDatabase> live_locks_;  ///< held during a fresh build
    std::vector<std::pair<std::string, std::string>> identity_;
    /// A fresh single-layout build written in parts: their folders (beside root_), merged
    /// into root_ by publish().
    std::vector<std::string> part_paths_;
    std::size_t document_parts_ = 1;
    std::size_t spelling_shard_ = kStateShard;
    bool first_build_ = false;
    std::vector<Leftover> leftovers_;
};

/// Leftovers of killed rebuilds and compactions beside the index at path: DIR.new-PID and its
/// parts (DIR.new-PID.part-N, .spelling) whose process is gone (a live PID is still building).
/// Only looks; any indexing run removes them.
std::vector<Leftover> stale_builds(const std::string& path);

/// Bytes a file or folder takes on disk (allocated blocks): Xapian's tables are sparse files,
/// whose apparent size can be twice that.
std::uint64_t disk_usage(const std::string& path);

/// The apparent size of a file or folder's files (what ls -l adds up).
std::uint64_t apparent_size(const std::string& path);

/// One sentence naming removed leftovers and their size; empty when there were none.
std::string describe_leftovers(const std::vector<Leftover>& leftovers);

/// Compacts the index at path (each shard; or merges all into one when into_single), beside
/// the live one, then swaps it in. Returns the leftovers of killed builds it removed first.
/// Throws LockedError or DatabaseError.
std::vector<Leftover> compact_index(const std::string& path, bool into_single, double lock_timeout_seconds);

}  // namespace izdeu
