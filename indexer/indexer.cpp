#include "indexer.h"

#include <sys/stat.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "document_builder.h"
#include "errors.h"
#include "input_reader.h"
#include "schema.h"

namespace izdeu {

namespace {

using Clock = std::chrono::steady_clock;

/// What the database remembers of a file: enough to skip it next time without reading it.
struct FileState {
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::string hash;
    std::string path;
};

std::string file_state_key(const std::string& path) {
    return std::string(schema::kMetaFilePrefix) + schema::hex_hash64(path);
}

std::string failed_key(const std::string& path) {
    return std::string(schema::kMetaFailedPrefix) + schema::hex_hash64(path);
}

std::string encode_state(const FileState& s) {
    return std::to_string(s.size) + " " + std::to_string(s.mtime_ns) + " " + s.hash + "\t" + s.path;
}

std::optional<FileState> decode_state(const std::string& value) {
    FileState s;
    const size_t tab = value.find('\t');
    if (tab == std::string::npos) return std::nullopt;
    std::istringstream in(value.substr(0, tab));
    if (!(in >> s.size >> s.mtime_ns >> s.hash)) return std::nullopt;
    s.path = value.substr(tab + 1);
    return s;
}

bool under_root(const std::string& path, const std::string& root) {
    return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                            path[root.size()] == '/');
}

Xapian::WritableDatabase open_writable(const IndexOptions& options) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(options.database).parent_path(), ec);
    const int flags = options.rebuild ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_CREATE_OR_OPEN;
    const auto deadline = Clock::now() + std::chrono::duration<double>(options.lock_timeout_seconds);
    for (;;) {
        try {
            return Xapian::WritableDatabase(options.database, flags | Xapian::DB_BACKEND_GLASS);
        } catch (const Xapian::DatabaseLockError&) {
            if (Clock::now() >= deadline) {
                throw LockedError("database " + options.database +
                                  " is locked: another izdeu-index is running (waited " +
                                  std::to_string(static_cast<int>(options.lock_timeout_seconds)) + " s)");
            }
            if (options.stop_requested && options.stop_requested->load()) {
                throw LockedError("stopped while waiting for the database lock");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        } catch (const Xapian::DatabaseOpeningError& e) {
            throw DatabaseError("cannot open database " + options.database + ": " + e.get_msg());
        }
    }
}

struct Task {
    InputFile file;
    std::optional<FileState> previous;
};

struct TaskResult {
    std::size_t task = 0;
    bool failed = false;
    bool same_content = false;  // mtime changed, content did not
    std::string content_hash;
    std::string failure;
    std::vector<BuiltDocument> documents;
    std::vector<ReadProblem> problems;
    std::vector<std::string> notes;
    std::uint64_t bytes = 0;
};

TaskResult process(const Task& task, std::size_t index, Analyzer& analyzer) {
    TaskResult r;
    r.task = index;
    try {
        std::string bytes = read_file_bytes(task.file);
        r.bytes = bytes.size();
        r.content_hash = schema::hex_hash64(bytes);
        if (task.previous && task.previous->hash == r.content_hash) {
            r.same_content = true;
            return r;
        }
        ReadResult read = parse_input(task.file, bytes);
        r.problems = std::move(read.problems);
        r.notes = std::move(read.notes);
        for (const Article& article : read.articles) {
            for (const std::string& w : article.warnings) r.notes.push_back(w);
            r.documents.push_back(build_document(article, task.file.path, analyzer));
            if (r.documents.back().invalid_utf8 > 0) {
                r.problems.push_back({task.file.path, std::to_string(r.documents.back().invalid_utf8) +
                                                          " invalid UTF-8 sequence(s) replaced in \"" +
                                                          article.id + "\""});
            }
        }
    } catch (const ArticleError& e) {
        r.failed = true;
        r.failure = e.what();
    } catch (const std::exception& e) {
        r.failed = true;
        r.failure = std::string("unexpected error: ") + e.what();
    } catch (const Xapian::Error& e) {
        r.failed = true;
        r.failure = "cannot index: " + e.get_description();
    }
    return r;
}

/// The id of a document (its Q term), read back from its term list.
std::string id_term_of(const Xapian::Database& db, Xapian::docid did) {
    Xapian::TermIterator t = db.termlist_begin(did);
    t.skip_to(std::string(schema::kIdPrefix));
    if (t != db.termlist_end(did) && (*t).rfind(schema::kIdPrefix, 0) == 0) return *t;
    return {};
}

class Writer {
public:
    Writer(Xapian::WritableDatabase& db, const IndexOptions& options, IndexSummary& summary)
        : db_(db), options_(options), summary_(summary) {}

    void apply(const Task& task, TaskResult& r) {
        summary_.bytes += r.bytes;
        const std::string& path = task.file.path;
        for (const std::string& note : r.notes) note_(path, note);
        if (r.failed) {
            ++summary_.failed;
            problem_(path, r.failure);
            // Kept for --stats and retried next run: no state is saved for a failed file.
            db_.set_metadata(failed_key(path), r.failure + "\t" + path);
            return;
        }
        for (const ReadProblem& p : r.problems) {
            ++summary_.failed;
            problem_(p.where, p.reason);
        }
        if (!r.same_content) {
            std::unordered_set<std::string> ids;
            for (BuiltDocument& built : r.documents) {
                ids.insert(built.id_term);
                write(built);
            }
            // Articles that were in an earlier version of this file and are not any more.
            const std::string file_term = schema::source_file_term(path);
            std::vector<Xapian::docid> stale;
            for (auto p = db_.postlist_begin(file_term); p != db_.postlist_end(file_term); ++p) {
                if (!ids.count(id_term_of(db_, *p))) stale.push_back(*p);
            }
            for (Xapian::docid did : stale) {
                db_.delete_document(did);
                ++summary_.deleted;
            }
        } else {
            ++summary_.unchanged;
        }
        if (r.problems.empty()) {
            db_.set_metadata(failed_key(path), "");
        } else {
            db_.set_metadata(failed_key(path), r.problems.front().reason + "\t" + path);
        }
        FileState state{task.file.size, task.file.mtime_ns, r.content_hash, path};
        db_.set_metadata(file_state_key(path), encode_state(state));
        maybe_commit();
    }

    void delete_file(const FileState& state) {
        const std::string file_term = schema::source_file_term(state.path);
        std::vector<Xapian::docid> docs;
        for (auto p = db_.postlist_begin(file_term); p != db_.postlist_end(file_term); ++p) {
            docs.push_back(*p);
        }
        for (Xapian::docid did : docs) {
            db_.delete_document(did);
            ++summary_.deleted;
        }
        db_.set_metadata(file_state_key(state.path), "");
        db_.set_metadata(failed_key(state.path), "");
        ++pending_;
        maybe_commit();
    }

    void commit() {
        for (const auto& [word, count] : spelling_) db_.add_spelling(word, count);
        spelling_.clear();
        db_.commit();
        pending_ = 0;
    }

private:
    void write(BuiltDocument& built) {
        const std::string dup_term = "XD" + built.duplicate_key;
        if (db_.get_termfreq(dup_term) > 0) {
            for (auto p = db_.postlist_begin(dup_term); p != db_.postlist_end(dup_term); ++p) {
                if (id_term_of(db_, *p) != built.id_term) {
                    ++summary_.duplicates;
                    break;
                }
            }
        }
        if (db_.term_exists(built.id_term)) {
            ++summary_.updated;
        } else {
            ++summary_.added;
        }
        db_.replace_document(built.id_term, built.document);
        if (options_.spelling) {
            for (const std::string& w : built.spelling_words) ++spelling_[w];
        }
        ++pending_;
    }

    void maybe_commit() {
        if (pending_ >= options_.commit_every || spelling_.size() > 200000) commit();
    }

    void problem_(const std::string& where, const std::string& reason) {
        if (options_.on_problem) options_.on_problem(where, reason);
    }
    void note_(const std::string& where, const std::string& note) {
        if (options_.on_note) options_.on_note(where, note);
    }

    Xapian::WritableDatabase& db_;
    const IndexOptions& options_;
    IndexSummary& summary_;
    std::unordered_map<std::string, Xapian::termcount> spelling_;
    std::size_t pending_ = 0;
};

/// Results travel from the workers to the writer through this bounded queue, which keeps
/// memory flat however large the corpus is.
class ResultQueue {
public:
    explicit ResultQueue(std::size_t capacity) : capacity_(capacity) {}

    bool push(TaskResult r) {
        std::unique_lock lock(mutex_);
        not_full_.wait(lock, [&] { return queue_.size() < capacity_ || closed_; });
        if (closed_) return false;
        queue_.push_back(std::move(r));
        not_empty_.notify_one();
        return true;
    }
    std::optional<TaskResult> pop() {
        std::unique_lock lock(mutex_);
        not_empty_.wait(lock, [&] { return !queue_.empty() || producers_ == 0; });
        if (queue_.empty()) return std::nullopt;
        TaskResult r = std::move(queue_.front());
        queue_.pop_front();
        not_full_.notify_one();
        return r;
    }
    void producer_done() {
        std::lock_guard lock(mutex_);
        --producers_;
        not_empty_.notify_all();
    }
    void set_producers(std::size_t n) { producers_ = n; }
    void close() {
        std::lock_guard lock(mutex_);
        closed_ = true;
        not_full_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable not_full_, not_empty_;
    std::deque<TaskResult> queue_;
    std::size_t capacity_;
    std::size_t producers_ = 0;
    bool closed_ = false;
};

}  // namespace

IndexSummary run_index(const IndexOptions& options) {
    const auto started = Clock::now();
    IndexSummary summary;
    auto report = [&](const std::string& where, const std::string& reason) {
        if (options.on_problem) options.on_problem(where, reason);
    };

    WalkResult walked = walk_sources(options.inputs, options.walk);
    for (const WalkProblem& p : walked.problems) {
        ++summary.failed;
        report(p.path, p.reason);
    }
    summary.files = walked.files.size();

    Xapian::WritableDatabase db = open_writable(options);
    const Analyzer identity_probe(options.analyzer);
    const std::string fingerprint = identity_probe.fingerprint();
    if (std::string why = schema::identity_mismatch(db, fingerprint); !why.empty()) {
        throw DatabaseError(why + "; re-index with izdeu-index --rebuild");
    }
    db.set_metadata(std::string(schema::kMetaSchemaVersion), std::to_string(schema::kSchemaVersion));
    db.set_metadata(std::string(schema::kMetaAnalyzer), fingerprint);
    db.set_metadata(std::string(schema::kMetaAnalyzerOptions),
                    nlohmann::json{{"stemming", options.analyzer.stemming},
                                   {"keyboard_folding", options.analyzer.keyboard_folding},
                                   {"kazakh_lexicon", options.analyzer.kazakh_lexicon_path}}
                        .dump());

    // What the database knows of each file.
    std::unordered_map<std::string, FileState> known;
    const std::string state_prefix(schema::kMetaFilePrefix);
    for (auto k = db.metadata_keys_begin(state_prefix); k != db.metadata_keys_end(state_prefix); ++k) {
        if (auto s = decode_state(db.get_metadata(*k))) known.emplace(s->path, std::move(*s));
    }

    std::vector<Task> tasks;
    std::unordered_set<std::string> seen;
    for (InputFile& f : walked.files) {
        seen.insert(f.path);
        auto it = known.find(f.path);
        std::optional<FileState> previous;
        if (it != known.end()) {
            // Same size and mtime: unchanged, and not even read.
            if (!options.rebuild && it->second.size == f.size && it->second.mtime_ns == f.mtime_ns) {
                ++summary.unchanged;
                continue;
            }
            if (!options.rebuild) previous = it->second;
        }
        tasks.push_back({std::move(f), std::move(previous)});
    }

    Writer writer(db, options, summary);
    const unsigned jobs = std::max(1u, options.jobs);
    ResultQueue queue(std::max<std::size_t>(16, jobs * 8));
    std::atomic<std::size_t> next_task{0};
    std::atomic<bool> abort{false};
    queue.set_producers(jobs);
    std::vector<std::thread> workers;
    std::exception_ptr worker_error;
    std::mutex worker_error_mutex;
    for (unsigned w = 0; w < jobs; ++w) {
        workers.emplace_back([&] {
            try {
                Analyzer analyzer(options.analyzer);  // one per thread: ICU state is not shared
                for (;;) {
                    if (abort.load()) break;
                    const std::size_t i = next_task.fetch_add(1);
                    if (i >= tasks.size()) break;
                    if (!queue.push(process(tasks[i], i, analyzer))) break;
                }
            } catch (...) {
                std::lock_guard lock(worker_error_mutex);
                worker_error = std::current_exception();
                abort = true;
            }
            queue.producer_done();
        });
    }

    auto should_stop = [&] {
        if (options.stop_requested && options.stop_requested->load()) return true;
        if (options.max_runtime_seconds) {
            std::chrono::duration<double> elapsed = Clock::now() - started;
            if (elapsed.count() >= *options.max_runtime_seconds) return true;
        }
        return false;
    };

    std::size_t done = 0;
    std::exception_ptr writer_error;
    try {
        while (auto r = queue.pop()) {
            if (should_stop()) {
                summary.stopped_early = true;
                break;
            }
            writer.apply(tasks[r->task], *r);
            ++done;
            if (options.on_progress) options.on_progress(done, tasks.size(), summary.bytes);
        }
    } catch (...) {
        writer_error = std::current_exception();
    }
    abort = true;
    queue.close();
    while (queue.pop()) {
    }
    for (std::thread& t : workers) t.join();
    if (writer_error) std::rethrow_exception(writer_error);
    if (worker_error) std::rethrow_exception(worker_error);

    if (summary.stopped_early) {
        summary.files_left = tasks.size() - done;
    } else if (options.delete_missing) {
        // Files that were under a walked root and are gone now.
        for (const auto& [path, state] : known) {
            if (seen.count(path)) continue;
            bool in_scope = false;
            for (const std::string& root : walked.roots) in_scope |= under_root(path, root);
            if (in_scope) writer.delete_file(state);
        }
    }
    summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    nlohmann::json last_run = nlohmann::json::parse(summary_json(summary));
    last_run["finished"] = static_cast<long long>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    db.set_metadata(std::string(schema::kMetaLastRun), last_run.dump());
    writer.commit();
    db.close();
    return summary;
}

std::string summary_json(const IndexSummary& s) {
    nlohmann::json j = {{"added", s.added},         {"updated", s.updated},
                        {"unchanged", s.unchanged}, {"deleted", s.deleted},
                        {"duplicates", s.duplicates}, {"failed", s.failed},
                        {"files", s.files},         {"bytes", s.bytes},
                        {"seconds", std::round(s.seconds * 1000) / 1000}};
    if (s.stopped_early) {
        j["stopped_early"] = true;
        j["files_left"] = s.files_left;
    }
    return j.dump();
}

std::string database_stats_json(const std::string& database) {
    Xapian::Database db(database);
    nlohmann::json j;
    j["database"] = database;
    j["documents"] = db.get_doccount();
    nlohmann::json langs = nlohmann::json::object();
    for (const char* code : {"en", "ru", "kk", "und"}) {
        const std::string term = std::string(schema::kLanguagePrefix) + code;
        if (auto n = db.get_termfreq(term)) langs[code] = n;
    }
    j["languages"] = langs;
    auto date = [](const std::string& v) {
        return v.size() >= 8 ? v.substr(0, 4) + "-" + v.substr(4, 2) + "-" + v.substr(6, 2) : v;
    };
    if (db.get_value_freq(schema::kSlotDate) > 0) {
        j["first_date"] = date(db.get_value_lower_bound(schema::kSlotDate));
        j["last_date"] = date(db.get_value_upper_bound(schema::kSlotDate));
    }
    std::uint64_t bytes = 0;
    std::error_code ec;
    if (std::filesystem::is_directory(database, ec)) {
        for (const auto& e : std::filesystem::directory_iterator(database, ec)) {
            if (e.is_regular_file(ec)) bytes += e.file_size(ec);
        }
    }
    j["size_bytes"] = bytes;
    const std::string last = db.get_metadata(std::string(schema::kMetaLastRun));
    if (!last.empty()) j["last_run"] = nlohmann::json::parse(last, nullptr, false);
    nlohmann::json failed = nlohmann::json::array();
    const std::string prefix(schema::kMetaFailedPrefix);
    for (auto k = db.metadata_keys_begin(prefix); k != db.metadata_keys_end(prefix); ++k) {
        const std::string v = db.get_metadata(*k);
        const size_t tab = v.find('\t');
        if (tab == std::string::npos) continue;
        failed.push_back({{"path", v.substr(tab + 1)}, {"reason", v.substr(0, tab)}});
    }
    j["failed_files"] = failed;
    j["analyzer"] = db.get_metadata(std::string(schema::kMetaAnalyzer));
    return j.dump();
}

}  // namespace izdeu
