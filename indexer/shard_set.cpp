#include "shard_set.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "errors.h"
#include "schema.h"

namespace izdeu {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kLayoutKey = "izdeu:layout";
constexpr const char* kStubFile = "XAPIANDB";

bool is_glass(const std::string& path) {
    return fs::exists(fs::path(path) / "iamglass");
}
bool is_stub_dir(const std::string& path) {
    return fs::exists(fs::path(path) / kStubFile);
}

/// Shard folder names listed in a stub file ("auto NAME" lines).
std::vector<std::string> read_stub(const std::string& dir) {
    std::ifstream in(fs::path(dir) / kStubFile);
    std::vector<std::string> names;
    std::string kind, name;
    while (in >> kind >> name) {
        if (kind == "remote") {
            throw DatabaseError("the index at " + dir + " lists a remote shard (" + name +
                                "); index remote shards on their own machine");
        }
        names.push_back(name);
    }
    return names;
}

/// One of n by the id's hash: the same id always goes to the same place.
std::size_t route_by_hash(const std::string& id, std::size_t n) {
    return std::stoull(schema::hex_hash64(id), nullptr, 16) % n;
}

std::vector<Leftover> remove_stale_builds(const std::string& path) {
    std::vector<Leftover> removed;
    for (Leftover& l : stale_builds(path)) {
        std::error_code removal;
        fs::remove_all(l.path, removal);
        if (!removal) removed.push_back(std::move(l));
    }
    return removed;
}

void sync_tree(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) throw DatabaseError("cannot open " + dir + " to sync it");
    const int rc = ::syncfs(fd);
    ::close(fd);
    if (rc != 0) throw DatabaseError("cannot sync " + dir + " to disk");
}

/// Puts a finished build in place of the live index, atomically when both exist.
void swap_into_place(const std::string& built, const std::string& live) {
    if (fs::exists(live)) {
        if (::renameat2(AT_FDCWD, built.c_str(), AT_FDCWD, live.c_str(), RENAME_EXCHANGE) != 0) {
            throw DatabaseError("cannot swap the new index into place at " + live);
        }
    } else if (::rename(built.c_str(), live.c_str()) != 0) {
        throw DatabaseError("cannot move the new index into place at " + live);
    }
}

/// Whether a build can be written beside the index and renamed into its place: the parent
/// folder is writable and on the same file system (an index folder that is a mount point is not).
bool can_build_beside(const std::string& path) {
    fs::path self = fs::path(path).lexically_normal();
    if (!self.has_filename()) self = self.parent_path();
    const std::string parent = self.parent_path().empty() ? "." : self.parent_path().string();
    struct stat of_parent = {};
    struct stat of_self = {};
    if (::stat(parent.c_str(), &of_parent) != 0 || ::stat(self.c_str(), &of_self) != 0) return false;
    return of_parent.st_dev == of_self.st_dev && ::access(parent.c_str(), W_OK) == 0;
}

enum class Unfinished { No, Cleared, Locked };

/// Removes what a killed database creation left (Xapian's files only, no version file, lock not
/// held by anyone). Touches nothing when the folder is anything else (No) or its lock is held
/// (Locked: another indexer creating it, or the lock keeper of a killed one, about to exit).
Unfinished clear_unfinished_creation(const std::string& path) {
    std::error_code ec;
    if (!fs::is_directory(path, ec) || fs::exists(fs::path(path) / "iamglass")) return Unfinished::No;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
        const std::string name = entry.path().filename().string();
        const bool xapian_file = name == "flintlock" || name.ends_with(".glass") || name.ends_with(".tmp");
        if (!xapian_file || !entry.is_regular_file()) return Unfinished::No;
        files.push_back(entry.path());
    }
    if (ec) return Unfinished::No;
    // Xapian holds its write lock as an fcntl lock on flintlock: another indexer creating the
    // database right now must not lose its files.
    const int fd = ::open((fs::path(path) / "flintlock").c_str(), O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        struct flock probe {};
        probe.l_type = F_WRLCK;
        probe.l_whence = SEEK_SET;
        const bool held = ::fcntl(fd, F_GETLK, &probe) != 0 || probe.l_type != F_UNLCK;
        ::close(fd);
        if (held) return Unfinished::Locked;
    }
    for (const fs::path& f : files) fs::remove(f, ec);
    return ec ? Unfinished::No : Unfinished::Cleared;
}

Xapian::WritableDatabase open_locked(const std::string& path, int flags, double timeout,
                                     const std::atomic<bool>* stop) {
    const auto deadline = Clock::now() + std::chrono::duration<double>(timeout);
    bool cleared = false;  // an unfinished creation is cleared once, never in a loop
    for (;;) {
        try {
            return Xapian::WritableDatabase(path, flags);
        } catch (const Xapian::DatabaseLockError& e) {
            // Only a lock held by another writer is worth waiting for; a lock file that cannot
            // be created (a read-only file system) is a storage failure, reported at once.
            if (e.get_msg().find("already locked") == std::string::npos) {
                throw DatabaseError("cannot lock database " + path + ": " + e.get_description());
            }
            if (Clock::now() >= deadline) {
                throw LockedError("database " + path + " is locked: another izdeu-index is running (waited " +
                                  std::to_string(static_cast<int>(timeout)) + " s)");
            }
            if (stop && stop->load()) throw LockedError("stopped while waiting for the database lock");
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        } catch (const Xapian::DatabaseNotFoundError& e) {
            // A creation killed before Xapian wrote the version file leaves table files that
            // every later open trips over. Nothing was ever committed there; start it again.
            // The action is the low two bits of the flags (DB_OPEN is 3); only create-or-open may
            // clear an unfinished creation.
            const bool create_or_open = (flags & (Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_CREATE)) == 0;
            const Unfinished state = cleared || !create_or_open ? Unfinished::No : clear_unfinished_creation(path);
            if (state == Unfinished::No || (state == Unfinished::Locked && Clock::now() >= deadline)) {
                throw DatabaseError("cannot open database " + path + ": " + e.get_description());
            }
            if (state == Unfinished::Cleared) cleared = true;
            if (state == Unfinished::Locked) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        } catch (const Xapian::DatabaseError& e) {
            throw DatabaseError("cannot open database " + path + ": " + e.get_description());
        }
    }
}

/// The layout of an existing index, or nullopt when there is none.
std::optional<Layout> existing_layout(const std::string& path, std::vector<std::string>& names) {
    names.clear();
    if (is_glass(path)) return Layout{};
    if (!is_stub_dir(path)) {
        // A folder with Xapian's lock file but no database yet is an index another indexer is
        // creating right now: opening it will wait for that indexer's lock.
        const bool being_created = fs::exists(fs::path(path) / "flintlock");
        if (fs::exists(path) && !fs::is_empty(path) && !being_created) {
            throw DatabaseError("no izdeu index at " + path + ", and the folder is not empty");
        }
        return std::nullopt;
    }
    names = read_stub(path);
    if (names.empty()) throw DatabaseError("the stub " + path + "/XAPIANDB lists no shard");
    try {
        Xapian::Database first((fs::path(path) / names[0]).string());
        if (auto layout = Layout::parse(first.get_metadata(kLayoutKey))) return layout;
    } catch (const Xapian::Error& e) {
        throw DatabaseError("cannot read shard " + names[0] + " of " + path + ": " + e.get_description());
    }
    throw DatabaseError("the index at " + path + " has no izdeu layout recorded");
}

}  // namespace

std::uint64_t disk_usage(const std::string& path) {
    std::uint64_t bytes = 0;
    auto add = [&](const fs::path& file) {
        struct stat st = {};
        if (::lstat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode))
            bytes += static_cast<std::uint64_t>(st.st_blocks) * 512;
    };
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
        add(path);
        return bytes;
    }
    for (const auto& e : fs::recursive_directory_iterator(path, ec)) add(e.path());
    return bytes;
}

std::uint64_t apparent_size(const std::string& path) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) return fs::file_size(path, ec);
    std::uint64_t bytes = 0;
    for (const auto& e : fs::recursive_directory_iterator(path, ec)) {
        if (e.is_regular_file(ec)) bytes += e.file_size(ec);
    }
    return bytes;
}

std::vector<Leftover> stale_builds(const std::string& path) {
    std::vector<Leftover> found;
    const fs::path live(path);
    std::error_code ec;
    const std::string prefix = live.filename().string() + ".new-";
    for (const auto& e : fs::directory_iterator(live.parent_path().empty() ? "." : live.parent_path(), ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind(prefix, 0) != 0) continue;
        const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
        // Still building (EPERM: alive, under another user).
        if (pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) continue;
        found.push_back({e.path().string(), disk_usage(e.path().string())});
    }
    std::sort(found.begin(), found.end(), [](const Leftover& a, const Leftover& b) { return a.path < b.path; });
    return found;
}

std::string describe_leftovers(const std::vector<Leftover>& leftovers) {
    if (leftovers.empty()) return {};
    std::uint64_t bytes = 0;
    std::string names;
    for (const Leftover& l : leftovers) {
        bytes += l.bytes;
        names += (names.empty() ? "" : ", ") + fs::path(l.path).filename().string();
    }
    char size[32];
    std::snprintf(size, sizeof size, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return "removed what a killed rebuild or compaction left beside the index (" + std::string(size) + "): " + names;
}

std::string Layout::name() const {
    switch (kind) {
        case LayoutKind::Single:
            return "single";
        case LayoutKind::Hash:
            return "hash:" + std::to_string(shards);
        case LayoutKind::Year:
            return "year";
    }
    return "single";
}

std::optional<Layout> Layout::parse(const std::string& name) {
    if (name == "single") return Layout{};
    if (name == "year") return Layout{LayoutKind::Year, 0};
    if (name.rfind("hash:", 0) == 0) {
        const int n = std::atoi(name.c_str() + 5);
        if (n >= 1 && n <= 256) return Layout{LayoutKind::Hash, static_cast<unsigned>(n)};
    }
    return std::nullopt;
}

ShardSet::ShardSet(const ShardSetOptions& options) : options_(options) {
    {
        // Writing into one shard of a sharded index directly would bypass the routing (an
        // article could then live in two shards) and the state shard's file records.
        fs::path self = fs::path(options_.path).lexically_normal();
        if (!self.has_filename()) self = self.parent_path();  // a trailing slash
        const std::string parent = self.parent_path().string();
        if (is_stub_dir(parent)) {
            for (const std::string& name : read_stub(parent)) {
                if (name == self.filename().string()) {
                    throw UsageError(options_.path + " is a shard of the index " + parent +
                                     "; name the index itself with --db");
                }
            }
        }
    }
    std::vector<std::string> live_names;
    const std::optional<Layout> existing = existing_layout(options_.path, live_names);
    if (existing && options_.requested && !options_.fresh && options_.requested->name() != existing->name()) {
        throw UsageError("the index at " + options_.path + " has layout " + existing->name() + "; changing it to " +
                         options_.requested->name() + " needs --rebuild");
    }
    if (options_.fresh) {
        layout_ = options_.requested.value_or(existing.value_or(Layout{}));
    } else {
        layout_ = existing.value_or(options_.requested.value_or(Layout{}));
    }
    std::error_code ec;
    fs::create_directories(fs::path(options_.path).parent_path(), ec);

    if (options_.fresh) {
        // Lock the live index for the whole build, so no other indexer writes to it meanwhile.
        if (existing) {
            if (existing->kind == LayoutKind::Single) {
                live_locks_.push_back(open_locked(options_.path, Xapian::DB_OPEN, options_.lock_timeout_seconds,
                                                  options_.stop_requested));
            } else {
                for (const std::string& n : live_names) {
                    live_locks_.push_back(open_locked((fs::path(options_.path) / n).string(), Xapian::DB_OPEN,
                                                      options_.lock_timeout_seconds, options_.stop_requested));
                }
            }
        }
        root_ = options_.path + ".new-" + std::to_string(::getpid());
        fs::remove_all(root_, ec);
    } else {
        root_ = options_.path;
    }
    open_databases(existing, live_names);
    if (!options_.fresh && options_.fresh_when_empty && can_build_beside(options_.path) && holds_nothing()) {
        // A first build: the live databases just opened (or created) stay open as its locks, so
        // another indexer waits for this one, and the build is written beside them as --rebuild
        // writes it. A build killed before the swap leaves this empty index, never half of one.
        // Committed now: closed after the swap, a handle with pending changes (the layout key
        // of a database just created) would write them by path, into the new index.
        for (auto& s : shards_) {
            s->db.commit();
            live_locks_.push_back(s->db);
        }
        shards_.clear();
        options_.fresh = true;
        first_build_ = true;
        root_ = options_.path + ".new-" + std::to_string(::getpid());
        fs::remove_all(root_, ec);
        open_databases(existing, live_names);
    }
    // Any run cleans what a killed rebuild or compaction left beside the index (it can be as
    // large as the index), not only the next rebuild: otherwise nothing ever says it is there.
    leftovers_ = remove_stale_builds(options_.path);
}

void ShardSet::open_databases(const std::optional<Layout>& existing, const std::vector<std::string>& live_names) {
    switch (layout_.kind) {
        case LayoutKind::Single:
            if (options_.fresh && options_.build_parts > 1) {
                // Beside root_ and named after it, so remove_stale_builds() finds them too.
                for (unsigned i = 0; i < options_.build_parts; ++i) {
                    part_paths_.push_back(root_ + ".part-" + std::to_string(i));
                    add_database("part-" + std::to_string(i), part_paths_.back());
                }
                document_parts_ = options_.build_parts;
                part_paths_.push_back(root_ + ".spelling");
                spelling_shard_ = add_database("spelling", part_paths_.back());
            } else {
                add_shard("", root_);
            }
            break;
        case LayoutKind::Hash:
            for (unsigned i = 0; i < layout_.shards; ++i) {
                char name[32];
                std::snprintf(name, sizeof name, "shard-%03u", i);
                add_shard(name, root_);
            }
            break;
        case LayoutKind::Year:
            if (existing && !options_.fresh) {
                for (const std::string& n : live_names) add_shard(n, root_);
            } else {
                add_shard("undated", root_);
            }
            break;
    }
    if (layout_.kind != LayoutKind::Single) write_stub(root_);
}

bool ShardSet::holds_nothing() {
    for (auto& s : shards_) {
        if (s->db.get_doccount() > 0) return false;
    }
    // File records without articles (every file failed, or all were empty) are still a history:
    // an incremental run keeps them.
    const std::string prefix(schema::kMetaFilePrefix);
    Xapian::WritableDatabase& state = shards_[kStateShard]->db;
    return state.metadata_keys_begin(prefix) == state.metadata_keys_end(prefix);
}

ShardSet::~ShardSet() {
    if (options_.fresh && !root_.empty() && root_ != options_.path) {
        // An unfinished fresh build (an error or a stop): discard it; the live index is untouched.
        for (auto& s : shards_) {
            try {
                s->db.close();
            } catch (const Xapian::Error&) {
            }
        }
        std::error_code ec;
        fs::remove_all(root_, ec);
        for (const std::string& part : part_paths_) fs::remove_all(part, ec);
    }
}

Xapian::WritableDatabase ShardSet::open_shard(const std::string& path, bool fresh) {
    // Fast flags only for a build beside the live index: a crash there loses nothing that is
    // served, and the next run starts that build again.
    const int flags =
        fresh ? Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_DANGEROUS | Xapian::DB_NO_SYNC | Xapian::DB_BACKEND_GLASS
              : Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS;
    return open_locked(path, flags, options_.lock_timeout_seconds, options_.stop_requested);
}

std::size_t ShardSet::add_shard(const std::string& name, const std::string& root) {
    std::error_code ec;
    if (!name.empty()) fs::create_directories(root, ec);
    return add_database(name, name.empty() ? root : (fs::path(root) / name).string());
}

std::size_t ShardSet::add_database(const std::string& name, const std::string& path) {
    auto shard = std::make_unique<Shard>(Shard{name, open_shard(path, options_.fresh)});
    const std::string recorded = shard->db.get_metadata(kLayoutKey);
    if (recorded.empty()) shard->db.set_metadata(kLayoutKey, layout_.name());
    shards_.push_back(std::move(shard));
    return shards_.size() - 1;
}

void ShardSet::write_stub(const std::string& root) const {
    // Written to a temporary file and renamed, so a reader never sees half a stub.
    const fs::path stub = fs::path(root) / kStubFile;
    const fs::path tmp = fs::path(root) / "XAPIANDB.tmp";
    {
        std::ofstream out(tmp);
        for (const auto& s : shards_) out << "auto " << s->name << "\n";
        if (!out) throw DatabaseError("cannot write " + tmp.string());
    }
    std::error_code ec;
    fs::rename(tmp, stub, ec);
    if (ec) throw DatabaseError("cannot write " + stub.string() + ": " + ec.message());
}

std::size_t ShardSet::route(const std::string& id, const std::string& sortable_date) {
    switch (layout_.kind) {
        case LayoutKind::Single:
            // Parts by the id's hash, so a repeated id replaces its earlier copy in one part.
            return route_by_hash(id, document_parts_);
        case LayoutKind::Hash:
            return route_by_hash(id, shards_.size());
        case LayoutKind::Year: {
            const std::string name = sortable_date.size() >= 4 ? "year-" + sortable_date.substr(0, 4) : "undated";
            for (std::size_t i = 0; i < shards_.size(); ++i) {
                if (shards_[i]->name == name) return i;
            }
            const std::size_t i = add_shard(name, root_);
            for (const auto& [key, value] : identity_) shards_[i]->db.set_metadata(key, value);
            shards_[i]->db.commit();
            write_stub(root_);
            return i;
        }
    }
    return 0;
}

void ShardSet::set_identity(const std::vector<std::pair<std::string, std::string>>& entries) {
    identity_ = entries;
    for (auto& s : shards_) {
        for (const auto& [key, value] : identity_) s->db.set_metadata(key, value);
    }
}

std::string ShardSet::next_spelling_part() {
    part_paths_.push_back(root_ + ".spelling-" + std::to_string(part_paths_.size()));
    return part_paths_.back();
}

void ShardSet::publish() {
    if (!options_.fresh) return;
    for (auto& s : shards_) s->db.close();
    if (!part_paths_.empty()) {
        // One database from the parts: Xapian's compactor merges their posting lists (docids
        // follow each other), spelling tables and metadata (the state part, listed first, wins).
        try {
            Xapian::Database parts;
            for (const std::string& part : part_paths_) parts.add_database(Xapian::Database(part));
            std::error_code ec;
            fs::remove_all(root_, ec);
            parts.compact(root_);
        } catch (const Xapian::Error& e) {
            throw DatabaseError("cannot merge the build's parts into " + root_ + ": " + e.get_description());
        }
        std::error_code ec;
        for (const std::string& part : part_paths_) fs::remove_all(part, ec);
        part_paths_.clear();
    }
    sync_tree(root_);
    swap_into_place(root_, options_.path);
    for (auto& lock : live_locks_) lock.close();
    live_locks_.clear();
    std::error_code ec;
    fs::remove_all(root_, ec);  // now the old index
    root_ = options_.path;
}

std::vector<Leftover> compact_index(const std::string& path, bool into_single, double lock_timeout_seconds) {
    std::vector<std::string> names;
    const std::optional<Layout> layout = existing_layout(path, names);
    if (!layout) throw DatabaseError("no izdeu index at " + path);
    // Hold every live shard's lock: no indexer may commit while we copy.
    std::vector<Xapian::WritableDatabase> locks;
    if (names.empty()) {
        locks.push_back(open_locked(path, Xapian::DB_OPEN, lock_timeout_seconds, nullptr));
    } else {
        for (const std::string& n : names) {
            locks.push_back(open_locked((fs::path(path) / n).string(), Xapian::DB_OPEN, lock_timeout_seconds, nullptr));
        }
    }
    std::vector<Leftover> leftovers = remove_stale_builds(path);
    const std::string built = path + ".new-" + std::to_string(::getpid());
    std::error_code ec;
    fs::remove_all(built, ec);
    try {
        if (names.empty() || into_single) {
            Xapian::Database source(path);
            source.compact(built);
            Xapian::WritableDatabase result(built, Xapian::DB_OPEN);
            result.set_metadata(kLayoutKey, "single");
            result.set_metadata(std::string(kMetaDeletedLength), "");  // the free space is given back
            result.commit();
        } else {
            fs::create_directories(built);
            for (const std::string& n : names) {
                Xapian::Database source((fs::path(path) / n).string());
                source.compact((fs::path(built) / n).string());
            }
            Xapian::WritableDatabase state((fs::path(built) / names.front()).string(), Xapian::DB_OPEN);
            state.set_metadata(std::string(kMetaDeletedLength), "");
            state.commit();
            state.close();
            fs::copy_file(fs::path(path) / kStubFile, fs::path(built) / kStubFile);
        }
        sync_tree(built);
        swap_into_place(built, path);
    } catch (const Xapian::Error& e) {
        fs::remove_all(built, ec);
        throw DatabaseError("cannot compact " + path + ": " + e.get_description());
    }
    for (auto& l : locks) l.close();
    fs::remove_all(built, ec);
    return leftovers;
}

}  // namespace izdeu
