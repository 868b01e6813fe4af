#include "searcher_pool.h"

#include <sys/stat.h>

#include "errors.h"

namespace izdeu::serve {

namespace {

/// What changes when a database folder is replaced rather than committed to: the inode of the
/// folder (`--rebuild` and `--compact` swap folders with renameat2) and of its stub file, and
/// the stub's modification time.
std::string folder_identity(const std::vector<std::string>& databases) {
    std::string identity;
    const auto add = [&](const std::string& path, bool with_mtime) {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) {
            identity += "-;";
            return;
        }
        // Appended piece by piece: GCC 12 warns falsely (-Wrestrict, its bug 105329) about
        // ":" + std::to_string(n) in a release build.
        identity.append(std::to_string(st.st_dev)).append(":").append(std::to_string(st.st_ino));
        if (with_mtime) {
            identity.append(":").append(std::to_string(st.st_mtim.tv_sec));
            identity.append(".").append(std::to_string(st.st_mtim.tv_nsec));
        }
        identity += ";";
    };
    for (const std::string& path : databases) {
        add(path, false);  // a commit changes the folder's mtime, not its inode
        add(path + "/XAPIANDB", true);
    }
    return identity;
}

}  // namespace

SearcherPool::SearcherPool(DatabaseConfig config, std::size_t size) : config_(std::move(config)), slots_(size) {
    for (Slot& slot : slots_) free_.push_back(&slot);
}

SearcherPool::Lease SearcherPool::acquire() {
    Slot* slot = nullptr;
    {
        std::unique_lock<std::mutex> lock(mutex_);
        returned_.wait(lock, [&] { return !free_.empty(); });
        slot = free_.back();
        free_.pop_back();
    }
    Lease lease(*this, *slot);  // returns the slot even when refresh() throws
    refresh(*slot);
    return lease;
}

void SearcherPool::release(Slot& slot) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        free_.push_back(&slot);
    }
    returned_.notify_one();
}

void SearcherPool::refresh(Slot& slot) {
    const std::string identity = folder_identity(config_.databases);
    if (slot.searcher && identity == slot.identity) {
        try {
            if (slot.searcher->reopen()) slot.facet_columns.reset();
            return;
        } catch (const Xapian::Error&) {
            // The files the handle had open are gone (a swap between two stats): open afresh.
        }
    }
    slot.searcher.reset();
    slot.facet_columns.reset();
    slot.searcher = std::make_unique<query::Searcher>(config_.databases, config_.kazakh_lexicon, config_.allow_partial,
                                                      config_.cache_dir);
    slot.identity = identity;
}

SearcherPool::Lease::~Lease() {
    if (pool_ != nullptr) pool_->release(*slot_);
}

query::FacetColumns& SearcherPool::Lease::facet_columns() {
    const Xapian::Database& db = slot_->searcher->database();
    if (!slot_->facet_columns || !slot_->facet_columns->matches(db)) {
        slot_->facet_columns.reset();
        slot_->facet_columns = std::make_unique<query::FacetColumns>(db);
    }
    return *slot_->facet_columns;
}

bool SearcherPool::Lease::reopen() {
    if (!slot_->searcher->reopen()) return false;
    slot_->facet_columns.reset();
    return true;
}

}  // namespace izdeu::serve
