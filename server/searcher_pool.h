#pragma once
// A fixed number of Searchers, one per request being served. A Searcher (its database handle
// and its analyzer, whose ICU iterators hold state) serves one thread at a time, so the pool lends
// each to one request and takes it back. Before lending it, the pool brings it up to what the
// indexer last committed: Xapian's reopen() for a commit, a fresh open for a folder that
// `izdeu-index --rebuild` or `--compact` swapped in.

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "facets.h"
#include "searcher.h"

namespace izdeu::serve {

struct DatabaseConfig {
    std::vector<std::string> databases;  ///< folders or stub files, searched as one (--db)
    std::string kazakh_lexicon;          ///< --kazakh-lexicon; empty: where the index recorded it
    bool allow_partial = false;          ///< answer without the shards that are down
    std::string cache_dir;               ///< default_cache_dir(): the Russian dictionary as read
};

class SearcherPool {
    struct Slot {
        std::unique_ptr<query::Searcher> searcher;
        std::string identity;  ///< the database folders as last opened (see folder_identity)
        std::unique_ptr<query::FacetColumns> facet_columns;
    };

  public:
    SearcherPool(DatabaseConfig config, std::size_t size);

    /// One Searcher lent to the caller; it goes back to the pool when the lease ends.
    class Lease {
      public:
        Lease(SearcherPool& pool, Slot& slot) : pool_(&pool), slot_(&slot) {}
        Lease(Lease&& other) noexcept : pool_(other.pool_), slot_(other.slot_) { other.pool_ = nullptr; }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        Lease& operator=(Lease&&) = delete;
        ~Lease();

        query::Searcher& searcher() { return *slot_->searcher; }
        /// The facet columns of the database's current state, read when first asked for.
        query::FacetColumns& facet_columns();
        /// After Xapian reported a commit in the middle of a request: reopen, and forget what
        /// was read from the old state. True when there was a newer state.
        bool reopen();

      private:
        SearcherPool* pool_;
        Slot* slot_;
    };

    /// Waits for a free Searcher and brings it up to date. Throws DatabaseError (the database
    /// is missing, damaged or made by another analyzer) with the reason.
    Lease acquire();

    const DatabaseConfig& config() const { return config_; }

  private:
    void release(Slot& slot);
    void refresh(Slot& slot);

    DatabaseConfig config_;
    std::vector<Slot> slots_;
    std::vector<Slot*> free_;
    std::mutex mutex_;
    std::condition_variable returned_;
};

}  // namespace izdeu::serve
