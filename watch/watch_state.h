#pragma once
// Where each watch stopped: its high-water mark, kept in a small JSON file that izdeu-watch
// owns (by default $XDG_STATE_HOME/izdeu/watches.state, ~/.local/state/izdeu/watches.state).
//
// A mark is a time on the index's arrival clock (schema.h: kSlotIndexedAt/kSlotChangedAt),
// never a Xapian docid: a rebuild keeps each article's arrival time (indexer/arrival_stamper.h)
// and a compaction copies it, so a mark stays valid through both. Marks are kept per database
// (its absolute path) and per watch name, with the query and the edits setting they were made
// for: a watch whose query changed starts again, as a new watch does.
//
// The file is replaced whole (written beside, synced, renamed), so a run killed while saving
// leaves the old marks, and the next run reports the same articles again rather than lose them.
// StateLock serializes runs that share the file.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace izdeu::watch {

struct WatchMark {
    std::string database;  ///< absolute path of the index
    std::string watch;     ///< the watch's name
    std::string query;     ///< the query the mark was made for
    bool edits = false;
    std::int64_t horizon = 0;   ///< articles that arrived (or changed) up to here were considered
    std::int64_t reported = 0;  ///< when the run that set the mark reported (for people)
};

class WatchState {
  public:
    /// Reads the file; a missing file is an empty state. Throws StateError.
    static WatchState load(const std::string& path);
    /// Replaces the file atomically. Throws StateError.
    void save(const std::string& path) const;

    const WatchMark* find(const std::string& database, const std::string& watch) const;
    void set(WatchMark mark);

  private:
    std::vector<WatchMark> marks_;
};

/// The state file cannot be read, parsed or written (exit 3, as a database error).
struct StateError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// An exclusive lock on PATH.lock held for a whole run, so two runs never report the same
/// articles. Waits up to timeout_seconds, then throws LockedError (exit 75).
class StateLock {
  public:
    StateLock(const std::string& state_path, double timeout_seconds);
    ~StateLock();
    StateLock(const StateLock&) = delete;
    StateLock& operator=(const StateLock&) = delete;

  private:
    int fd_ = -1;
};

}  // namespace izdeu::watch
