#include "indexer.h"

#include <sys/stat.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "arrival_stamper.h"
#include "arrival_time.h"
#include "article_ids.h"
#include "deletion_plan.h"
#include "document_builder.h"
#include "errors.h"
#include "input_reader.h"
#include "lead_terms.h"
#include "revision_reads.h"
#include "schema.h"
#include "shard_set.h"
#include "text_encoding.h"

namespace izdeu {

namespace {

using Clock = std::chrono::steady_clock;

/// Folders outside the id root a notice has named, one a line: each is named once.
constexpr std::string_view kMetaOutsideRootNoted = "izdeu:outside-root-noted";

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

struct Task {
    InputFile file;
    std::optional<FileState> previous;
};

struct TaskResult {
    std::size_t task = 0;
    bool partial = false;  // a batch of a large feed: more of the same file follows
    bool failed = false;
    bool same_content = false;  // mtime changed, content did not
    std::string content_hash;
    std::string failure;
    std::vector<BuiltDocument> documents;
    std::vector<ReadProblem> problems;
    std::vector<std::string> notes;
    std::uint64_t bytes = 0;
};

/// Articles per batch of a streamed feed: large enough to amortise the queue, small enough that
/// a few batches in flight stay well under the memory budget (built documents are ~50 KB each).
constexpr std::size_t kFeedBatchArticles = 32;

/// Whether a feed can be read line by line: UTF-8 (as JSON requires) as far as its first block
/// shows. Other encodings (UTF-16, windows-1251...) are decoded whole, as before.
bool streamable_feed(std::string_view head) {
    if (head.size() >= 2 && ((head[0] == '\xFF' && head[1] == '\xFE') || (head[0] == '\xFE' && head[1] == '\xFF'))) {
        return false;
    }
    // A multi-byte character may be cut at the block's end.
    std::size_t end = head.size();
    for (std::size_t back = 0; back < 3 && end > 0; ++back) {
        const auto c = static_cast<unsigned char>(head[end - 1]);
        if (c < 0x80) break;
        --end;
        if (c >= 0xC0) break;
    }
    return is_valid_utf8(head.substr(0, end));
}

std::string megabytes(std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return text;
}

/// Why an article of this many bytes is refused, or an empty string.
std::string oversize(std::uint64_t bytes, const ArticleLimits& limits) {
    if (bytes <= limits.max_bytes) return {};
    return "article of " + megabytes(bytes) + ", over the limit of " + megabytes(limits.max_bytes) +
           " for one article (--max-article-size); not indexed";
}

/// Builds an article's document unless it is over a limit: one article with millions of
/// distinct tokens grew an index tenfold and slowed every query.
void build_into(const Article& article, const std::string& path, Analyzer& analyzer, const ArticleLimits& limits,
                TaskResult& r, const std::string& where) {
    for (const std::string& w : article.warnings) r.notes.push_back(w);
    if (std::string why = oversize(article.title.size() + article.body.size(), limits); !why.empty()) {
        r.problems.push_back({where, why});
        return;
    }
    BuiltDocument built = build_document(article, path, analyzer);
    if (const Xapian::termcount terms = built.document.termlist_count(); terms > limits.max_terms) {
        r.problems.push_back({where, "article with " + std::to_string(terms) + " distinct terms, over the limit of " +
                                         std::to_string(limits.max_terms) +
                                         " for one article (--max-article-terms); not indexed"});
        return;
    }
    r.documents.push_back(std::move(built));
    if (r.documents.back().invalid_utf8 > 0) {
        r.problems.push_back({path, std::to_string(r.documents.back().invalid_utf8) +
                                        " invalid UTF-8 sequence(s) replaced in \"" + article.id + "\""});
    }
}

/// A JSONL feed, streamed: one pass hashes it (an unchanged feed is not parsed), a second
/// parses and builds it in batches handed to `emit`, so memory does not grow with its size.
/// Returns the final part, which carries the file's hash and whole-file verdict, or nothing
/// when the feed is not UTF-8 and must be decoded whole.
std::optional<TaskResult> process_feed(const Task& task, std::size_t index, Analyzer& analyzer,
                                       const ArticleLimits& limits, const std::function<bool(TaskResult)>& emit) {
    TaskResult r;
    r.task = index;
    schema::Hash64Stream hash;
    {
        BlockReader blocks(task.file);
        std::string_view b = blocks.next();
        if (!streamable_feed(b)) return std::nullopt;
        for (; !b.empty(); b = blocks.next()) {
            hash.update(b);
            r.bytes += b.size();
        }
    }
    r.content_hash = hash.hex();
    if (task.previous && task.previous->hash == r.content_hash) {
        r.same_content = true;
        return r;
    }
    if (r.bytes == 0) throw ArticleError("empty file");
    LineReader lines(task.file);
    std::unordered_map<std::string, std::size_t> line_of_id;  // duplicates: the later line wins
    std::string line;
    std::size_t line_no = 0, articles = 0;
    TaskResult batch;
    batch.task = index;
    batch.partial = true;
    ReadResult parsed;
    while (lines.next(line)) {
        ++line_no;
        std::string_view text = line;
        if (line_no == 1 && text.rfind("\xEF\xBB\xBF", 0) == 0) text.remove_prefix(3);  // UTF-8 BOM
        const std::string where = task.file.path + ":" + std::to_string(line_no);
        parse_jsonl_line(text, where, parsed);
        for (ReadProblem& p : parsed.problems) batch.problems.push_back(std::move(p));
        parsed.problems.clear();
        for (const Article& article : parsed.articles) {
            auto [it, inserted] = line_of_id.emplace(article.id, line_no);
            if (!inserted) {
                // Written after the earlier line, so it replaces it in the index.
                batch.problems.push_back(
                    {where, "duplicate id \"" + article.id + "\" (this line replaces an earlier one)"});
            }
            build_into(article, task.file.path, analyzer, limits, batch, where);
            ++articles;
        }
        parsed.articles.clear();
        if (batch.documents.size() >= kFeedBatchArticles) {
            if (!emit(std::move(batch))) return r;  // the run is stopping
            batch = TaskResult();
            batch.task = index;
            batch.partial = true;
        }
    }
    if (articles == 0 && !batch.problems.empty()) {
        throw ArticleError("no valid article in the file (" + batch.problems.front().reason + ")");
    }
    r.documents = std::move(batch.documents);
    r.problems = std::move(batch.problems);
    r.notes = std::move(batch.notes);
    return r;
}

TaskResult process(const Task& task, std::size_t index, Analyzer& analyzer, const ArticleLimits& limits,
                   const std::function<bool(TaskResult)>& emit) {
    TaskResult r;
    r.task = index;
    try {
        if (task.file.kind == InputKind::Jsonl) {
            if (std::optional<TaskResult> streamed = process_feed(task, index, analyzer, limits, emit)) {
                return *streamed;
            }
        }
        // A .txt file is one article: one over the limit is refused before it is read (and,
        // failing as a whole, named again on every run until it is fixed).
        if (task.file.kind == InputKind::Article && !task.file.gzip) {
            if (std::string why = oversize(task.file.size, limits); !why.empty()) throw ArticleError(why);
        }
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
        for (const Article& article : read.articles)
            build_into(article, task.file.path, analyzer, limits, r, task.file.path);
        if (task.file.kind == InputKind::Article && r.documents.empty() && !r.problems.empty()) {
            throw ArticleError(r.problems.back().reason);
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

/// One thread per shard does all of that shard's Xapian work, so shards are written in
/// parallel and no Xapian object is ever touched by two threads.
class ShardWorker {
  public:
    using Op = std::function<void(Xapian::WritableDatabase&)>;

    explicit ShardWorker(Xapian::WritableDatabase& db) : db_(db), thread_([this] { loop(); }) {}
    ~ShardWorker() { stop(); }
    ShardWorker(const ShardWorker&) = delete;
    ShardWorker& operator=(const ShardWorker&) = delete;

    void post(Op op) { push({std::move(op), false}); }

    /// Waits until every posted operation ran; rethrows the first error one raised.
    void sync() {
        auto done = std::make_shared<std::promise<void>>();
        std::future<void> f = done->get_future();
        push({[done](Xapian::WritableDatabase&) { done->set_value(); }, true});
        f.wait();
        std::lock_guard lock(mutex_);
        if (error_) std::rethrow_exception(error_);
    }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            stopping_ = true;
            not_empty_.notify_one();
        }
        thread_.join();
    }

  private:
    struct Item {
        Op op;
        bool marker;  // a sync point: runs even after an error, touches no data
    };
    static constexpr std::size_t kCapacity = 256;

    void push(Item item) {
        std::unique_lock lock(mutex_);
        not_full_.wait(lock, [&] { return queue_.size() < kCapacity; });
        queue_.push_back(std::move(item));
        not_empty_.notify_one();
    }

    void loop() {
        for (;;) {
            Item item;
            bool failed;
            {
                std::unique_lock lock(mutex_);
                not_empty_.wait(lock, [&] { return !queue_.empty() || stopping_; });
                if (queue_.empty()) return;
                item = std::move(queue_.front());
                queue_.pop_front();
                not_full_.notify_one();
                failed = error_ != nullptr;
            }
            // After an error nothing more is written; only sync points run, to wake waiters.
            if (failed && !item.marker) continue;
            try {
                item.op(db_);
            } catch (...) {
                std::lock_guard lock(mutex_);
                if (!error_) error_ = std::current_exception();
            }
        }
    }

    Xapian::WritableDatabase& db_;
    std::mutex mutex_;
    std::condition_variable not_full_, not_empty_;
    std::deque<Item> queue_;
    std::exception_ptr error_;
    bool stopping_ = false;
    std::thread thread_;
};

struct Counters {
    std::atomic<std::size_t> added{0}, updated{0}, deleted{0}, duplicates{0}, moved{0};
    std::atomic<std::uint64_t> deleted_length{0};  ///< lengths of the documents deleted or replaced
};

/// The spelling data holds the words that can be suggested: each word in at least
/// schema::spelling_min_articles() articles, with the number of articles that have it, so
/// what can be suggested depends on the archive alone, never on where checkpoints fell or on
/// --jobs (it once took body words only when two articles of one checkpoint had them).
///
/// A fresh build counts every word in memory and writes the kept ones once, at the end (the
/// archive's size, and so the rule, is known only then). Up to this many distinct words are
/// held (about 100 bytes each); an archive with more writes them all as it goes, unpruned:
/// suggestions stay right, only slower to look up.
constexpr std::size_t kSpellingHeldMax = 3000000;
/// An incremental run commits early when this many spelling words are pending.
constexpr std::size_t kSpellingMaxPendingIncremental = 200000;

using SpellingWords = std::vector<std::pair<std::string, Xapian::termcount>>;

/// Adds words to the spelling data in sorted order: Xapian keeps each fragment's words in an
/// ordered set, and words in order are inserted where the last one went (6.4 s against 10.5 s
/// for the 266,000 words of a fifth of the benchmark corpus, in random order).
/// With `keys`, each word as schema::spelling_key() writes it (sorted by that).
void add_spelling_sorted(Xapian::WritableDatabase& db, SpellingWords& words, bool keys) {
    if (keys) {
        for (auto& entry : words) entry.first = schema::spelling_key(entry.first);
    }
    std::sort(words.begin(), words.end());
    for (const auto& [word, count] : words) db.add_spelling(word, count);
}

/// Applies finished files to the shards: routes each article, deletes what a file no longer
/// holds, records file state, and commits at checkpoints with the state shard last, so a crash
/// between shard commits makes the next run redo those files rather than lose them.
class IndexWriter {
  public:
    IndexWriter(ShardSet& shards, const IndexOptions& options, IndexSummary& summary, IdOwners& owners)
        : shards_(shards),
          options_(options),
          summary_(summary),
          owners_(owners),
          fresh_build_(shards.fresh()),
          // An index whose table holds plain words keeps them so until it is rebuilt.
          spelling_keys_(fresh_build_ ||
                         shards.shard(shards.spelling_shard()).get_metadata(std::string(schema::kMetaSpellingKeys)) ==
                             "1") {
        grow_workers();
    }
    ~IndexWriter() { stop(); }

    void apply(const Task& task, TaskResult& r) {
        summary_.bytes += r.bytes;
        const std::string path = task.file.path;
        for (const std::string& note : r.notes) note_(path, note);
        // The ids a feed holds, gathered over its batches: what is not among them at the end
        // was removed from the feed.
        auto& feed_ids = feed_ids_[r.task];
        if (!feed_ids) feed_ids = std::make_shared<std::unordered_set<std::string>>();
        if (r.partial) {
            for (const ReadProblem& p : r.problems) {
                ++summary_.failed;
                problem_(p.where, p.reason);
            }
            if (first_problem_.count(r.task) == 0 && !r.problems.empty())
                first_problem_[r.task] = r.problems.front().reason;
            for (BuiltDocument& built : r.documents) {
                if (!claimed(built, path, r.task)) continue;
                feed_ids->insert(built.id_term);
                write(std::move(built));
            }
            // Checkpoints inside a feed too: Xapian holds every uncommitted posting in memory
            // (about 1 GB per 10,000 articles). The feed's own state is saved only after its
            // last batch, so a run that stops midway reads the whole feed again next time.
            maybe_commit();
            return;
        }
        std::shared_ptr<std::unordered_set<std::string>> ids = std::move(feed_ids);
        feed_ids_.erase(r.task);
        std::string earlier_problem;
        if (auto p = first_problem_.find(r.task); p != first_problem_.end()) {
            earlier_problem = p->second;
            first_problem_.erase(p);
        }
        if (r.failed) {
            feed_ids_.erase(r.task);
            first_problem_.erase(r.task);
            id_clashes_.erase(r.task);
            ++summary_.failed;
            problem_(path, r.failure);
            // Kept for --stats and retried next run: no state is saved for a failed file.
            set_state_metadata(failed_key(path), r.failure + "\t" + path);
            return;
        }
        for (const ReadProblem& p : r.problems) {
            ++summary_.failed;
            problem_(p.where, p.reason);
        }
        if (r.same_content) {
            ++summary_.unchanged;
        } else {
            for (BuiltDocument& built : r.documents) {
                if (!claimed(built, path, r.task)) continue;
                ids->insert(built.id_term);
                write(std::move(built));
            }
            // Articles that were in an earlier version of this file and are not any more (a
            // fresh build has no earlier version: each of these posted a look-up to every part,
            // and a part busy with spelling words stopped the whole run until it was done).
            if (!fresh_build_) delete_documents_of(path, ids);
        }
        if (earlier_problem.empty() && !r.problems.empty()) earlier_problem = r.problems.front().reason;
        FileState state{task.file.size, task.file.mtime_ns, r.content_hash, path};
        if (auto clash = id_clashes_.find(r.task); clash != id_clashes_.end()) {
            // Recorded (so a vanished file's articles are still deleted) but never as up to
            // date: the file is read and the clash reported again on every run until it is fixed.
            earlier_problem = clash->second;
            state.mtime_ns = -1;
            state.hash = "id-clash";
            id_clashes_.erase(clash);
        }
        set_state_metadata(failed_key(path), earlier_problem.empty() ? std::string() : earlier_problem + "\t" + path);
        set_state_metadata(file_state_key(path), encode_state(state));
        ++pending_;
        maybe_commit();
    }

    void delete_file(const FileState& state) {
        delete_documents_of(state.path, std::make_shared<std::unordered_set<std::string>>());
        set_state_metadata(file_state_key(state.path), "");
        set_state_metadata(failed_key(state.path), "");
        ++pending_;
        maybe_commit();
    }

    void set_state_metadata(const std::string& key, const std::string& value) {
        workers_[ShardSet::kStateShard]->post(
            [key, value](Xapian::WritableDatabase& db) { db.set_metadata(key, value); });
    }

    /// A checkpoint: every other shard first, then the state shard. The last one (`final`)
    /// also writes the spelling words a fresh build has held back.
    void commit(bool final = false) {
        const bool write_spelling = !fresh_build_ || final || spelling_.size() >= kSpellingHeldMax;
        if (fresh_build_ && write_spelling) {
            if (!final) {
                spelling_unpruned_ = true;
            } else if (!spelling_unpruned_) {
                const Xapian::doccount needed =
                    schema::spelling_min_articles(static_cast<Xapian::doccount>(articles_written_));
                std::erase_if(spelling_, [needed](const auto& word) { return word.second < needed; });
            }
        }
        if (!fresh_build_) {
            for (const auto& entry : spelling_) spelling_touched_.push_back(entry.first);
        }
        if (write_spelling && !spelling_.empty()) {
            auto words = std::make_shared<std::unordered_map<std::string, Xapian::termcount>>(std::move(spelling_));
            spelling_.clear();
            if (shards_.merges_parts()) {
                // Into databases of their own, merged with the parts at the end, and spread over
                // every writer thread by the word's hash: one thread adding them all was the
                // last one running, with the other core idle. The compactor sums the frequencies
                // and joins the fragment lists.
                const std::size_t groups = shards_.size();
                std::vector<std::shared_ptr<SpellingWords>> split(groups);
                for (auto& g : split) g = std::make_shared<SpellingWords>();
                for (auto& [word, count] : *words) {
                    split[std::hash<std::string>{}(word) % groups]->emplace_back(std::move(word), count);
                }
                words.reset();
                for (std::size_t g = 0; g < groups; ++g) {
                    workers_[g]->post([group = split[g], path = shards_.next_spelling_part(),
                                       keys = spelling_keys_](Xapian::WritableDatabase&) {
                        Xapian::WritableDatabase batch(path, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_DANGEROUS |
                                                                 Xapian::DB_NO_SYNC | Xapian::DB_BACKEND_GLASS);
                        add_spelling_sorted(batch, *group, keys);
                        batch.commit();
                        batch.close();
                    });
                }
            } else {
                workers_[shards_.spelling_shard()]->post([words, keys = spelling_keys_](Xapian::WritableDatabase& db) {
                    SpellingWords list(words->begin(), words->end());
                    add_spelling_sorted(db, list, keys);
                });
            }
        }
        for (std::size_t s = 0; s < shards_.size(); ++s) {
            if (s == ShardSet::kStateShard) continue;
            workers_[s]->post([](Xapian::WritableDatabase& db) { db.commit(); });
        }
        // A fresh build's checkpoints only bound Xapian's memory: nothing reads its parts before
        // the last commit, and a killed one is discarded, so the order of its commits does not
        // matter and no thread waits for the others (each wait left a core idle while one part,
        // or the spelling part, flushed).
        const bool in_order = !fresh_build_ || final;
        for (std::size_t s = 0; s < shards_.size() && in_order; ++s) {
            if (s != ShardSet::kStateShard) workers_[s]->sync();
        }
        workers_[ShardSet::kStateShard]->post([](Xapian::WritableDatabase& db) { db.commit(); });
        if (in_order) {
            workers_[ShardSet::kStateShard]->sync();
            owners_.committed();
        }
        pending_ = 0;
        pending_documents_ = 0;
    }

    /// An incremental run's last step before its final commit (the writers idle): each word it
    /// met gets the number of articles that have it now, or leaves the spelling data when that
    /// is below the archive's rule. A word left out earlier comes back with its whole count,
    /// and one whose articles were deleted or edited is counted again.
    void settle_spelling() {
        if (fresh_build_ || !options_.spelling) return;
        for (const auto& entry : spelling_) spelling_touched_.push_back(entry.first);
        if (!spelling_.empty()) {
            SpellingWords list(spelling_.begin(), spelling_.end());
            spelling_.clear();
            workers_[shards_.spelling_shard()]->post(
                [list = std::move(list), keys = spelling_keys_](Xapian::WritableDatabase& db) mutable {
                    add_spelling_sorted(db, list, keys);
                });
        }
        for (auto& w : workers_) w->sync();
        // (key in the spelling table, word), in key order: one pass over the spelling data.
        std::vector<std::pair<std::string, std::string>> touched;
        touched.reserve(spelling_touched_.size());
        for (std::string& word : spelling_touched_)
            touched.emplace_back(spelling_keys_ ? schema::spelling_key(word) : word, std::move(word));
        std::sort(touched.begin(), touched.end());
        touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
        // Read through the writers themselves, which see what they have not committed yet.
        Xapian::Database whole;
        for (std::size_t i = 0; i < shards_.size(); ++i) whole.add_database(shards_.shard(i));
        const Xapian::doccount needed = schema::spelling_min_articles(whole.get_doccount());
        auto changes = std::make_shared<std::vector<std::pair<std::string, long long>>>();
        Xapian::TermIterator known = whole.spellings_begin();
        for (const auto& [key, word] : touched) {
            if (known != whole.spellings_end()) known.skip_to(key);
            const bool listed = known != whole.spellings_end() && *known == key;
            const long long has = listed ? known.get_termfreq() : 0;
            const Xapian::doccount articles = whole.get_termfreq(word);
            const long long wanted = articles >= needed ? articles : 0;
            if (wanted != has) changes->emplace_back(key, wanted - has);
        }
        spelling_touched_.clear();
        if (changes->empty()) return;
        workers_[shards_.spelling_shard()]->post([changes](Xapian::WritableDatabase& db) {
            for (const auto& [word, delta] : *changes) {
                if (delta > 0) {
                    db.add_spelling(word, static_cast<Xapian::termcount>(delta));
                } else {
                    db.remove_spelling(word, static_cast<Xapian::termcount>(-delta));
                }
            }
        });
        workers_[shards_.spelling_shard()]->sync();
    }

    /// Gives every article of the duplicate groups `group_terms` (XD terms of keys that more
    /// than one article has) the copies slot, in whichever shard it is. The writers are idle.
    void mark_copies(const std::vector<std::string>& group_terms) {
        for (std::size_t s = 0; s < shards_.size(); ++s) {
            Xapian::WritableDatabase& db = shards_.shard(s);
            auto unmarked = std::make_shared<std::vector<std::pair<Xapian::docid, std::string>>>();
            for (const std::string& term : group_terms) {
                for (auto p = db.postlist_begin(term); p != db.postlist_end(term); ++p) {
                    if (db.get_document(*p).get_value(schema::kSlotCopiesKey).empty())
                        unmarked->emplace_back(*p, term.substr(schema::kDuplicatePrefix.size()));
                }
            }
            if (unmarked->empty()) continue;
            workers_[s]->post([unmarked](Xapian::WritableDatabase& writable) {
                for (const auto& [docid, key] : *unmarked) {
                    Xapian::Document doc = writable.get_document(docid);
                    doc.add_value(schema::kSlotCopiesKey, key);
                    writable.replace_document(docid, doc);
                }
            });
        }
        for (auto& w : workers_) w->sync();
    }

    /// The summed lengths of the documents this run deleted or replaced (after collect()).
    std::uint64_t deleted_length() const { return counters_.deleted_length; }

    /// The duplicate keys of the articles an incremental run wrote.
    const std::vector<std::string>& written_keys() const { return written_keys_; }

    /// Waits for every shard thread, then moves the counters into the summary.
    void collect() {
        for (auto& w : workers_) w->sync();
        move_counters();
    }

    /// Stops the shard threads (after commit()); copies the counters into the summary.
    void stop() {
        for (auto& w : workers_) w->stop();
        move_counters();
    }

  private:
    /// Whether this file may write the article's id; a clash is counted and reported.
    bool claimed(const BuiltDocument& built, const std::string& path, std::size_t task) {
        const std::string other = owners_.claim(built.id_term, path);
        if (other.empty()) return true;
        const std::string reason = "article id \"" + built.id_term.substr(schema::kIdPrefix.size()) +
                                   "\" is already given by " + other +
                                   "; not indexed (ids must be unique in one index)";
        ++summary_.failed;
        problem_(path, reason);
        id_clashes_.emplace(task, reason);
        return false;
    }

    void move_counters() {
        summary_.added += counters_.added - std::min(counters_.added.load(), counters_.moved.load());
        summary_.updated += counters_.updated + std::min(counters_.added.load(), counters_.moved.load());
        summary_.deleted += counters_.deleted;
        summary_.duplicates += counters_.duplicates;
        counters_.added = counters_.updated = counters_.deleted = counters_.duplicates = counters_.moved = 0;
    }

    /// Deletes, in every shard, the documents of a source file whose id is not in keep.
    void delete_documents_of(const std::string& path, std::shared_ptr<const std::unordered_set<std::string>> keep) {
        const std::string file_term = schema::source_file_term(path);
        for (std::size_t s = 0; s < shards_.size(); ++s) {
            workers_[s]->post([this, file_term, keep](Xapian::WritableDatabase& db) {
                std::vector<Xapian::docid> doomed;
                for (auto p = db.postlist_begin(file_term); p != db.postlist_end(file_term); ++p) {
                    if (keep->empty() || !keep->count(id_term_of(db, *p))) doomed.push_back(*p);
                }
                for (Xapian::docid did : doomed) {
                    counters_.deleted_length += db.get_doclength(did);
                    db.delete_document(did);
                }
                counters_.deleted += doomed.size();
            });
        }
    }

    void grow_workers() {
        while (workers_.size() < shards_.size()) {
            // Each shard's writer thread has its own stamper (Xapian objects are not shared).
            // A rebuild keeps the arrival times of the live index; a first build has none to keep.
            const bool keep_arrivals = fresh_build_ && !shards_.first_build();
            stampers_.push_back(std::make_unique<ArrivalStamper>(keep_arrivals ? shards_.path() : std::string()));
            workers_.push_back(std::make_unique<ShardWorker>(shards_.shard(workers_.size())));
        }
    }

    void write(BuiltDocument built) {
        const std::size_t target = shards_.route(built.id_term, built.document.get_value(schema::kSlotDate));
        grow_workers();  // a year layout may have gained a shard
        if (shards_.layout().kind == LayoutKind::Year) {
            // The article may have lived in another year's shard before its date changed.
            for (std::size_t s = 0; s < shards_.size(); ++s) {
                if (s == target) continue;
                workers_[s]->post([this, id = built.id_term](Xapian::WritableDatabase& db) {
                    if (db.term_exists(id)) {
                        db.delete_document(id);
                        ++counters_.moved;
                    }
                });
            }
        }
        if (options_.spelling) {
            for (const std::string& word : built.spelling_words) ++spelling_[word];
        }
        ++articles_written_;
        if (!fresh_build_) written_keys_.push_back(built.duplicate_key);
        ++pending_documents_;
        auto doc = std::make_shared<BuiltDocument>(std::move(built));
        workers_[target]->post([this, doc, stamper = stampers_[target].get()](Xapian::WritableDatabase& db) {
            const std::string dup_term = schema::duplicate_term(doc->duplicate_key);
            // A fresh build counts copies over the whole index at the end (run_index).
            if (!fresh_build_ && db.get_termfreq(dup_term) > 0) {
                for (auto p = db.postlist_begin(dup_term); p != db.postlist_end(dup_term); ++p) {
                    if (id_term_of(db, *p) != doc->id_term) {
                        ++counters_.duplicates;
                        break;
                    }
                }
            }
            const bool exists = db.term_exists(doc->id_term);
            if (exists) {
                ++counters_.updated;
            } else {
                ++counters_.added;
            }
            stamper->stamp(doc->document, doc->id_term, doc->content_hash, db, arrival::now_microseconds());
            // replace_document() by term looks the id up again; a new one is simply added.
            if (exists) {
                // The old version's space is freed (reused by Xapian, not given back to the disk).
                if (auto p = db.postlist_begin(doc->id_term); p != db.postlist_end(doc->id_term)) {
                    counters_.deleted_length += db.get_doclength(*p);
                }
                db.replace_document(doc->id_term, doc->document);
            } else {
                db.add_document(doc->document);
            }
        });
    }

    void maybe_commit() {
        if (pending_ >= options_.commit_every || pending_documents_ >= options_.commit_every ||
            (!fresh_build_ && spelling_.size() >= kSpellingMaxPendingIncremental)) {
            commit();
        }
    }

    void problem_(const std::string& where, const std::string& reason) {
        if (options_.on_problem) options_.on_problem(where, reason);
    }
    void note_(const std::string& where, const std::string& note) {
        if (options_.on_note) options_.on_note(where, note);
    }

    ShardSet& shards_;
    const IndexOptions& options_;
    IndexSummary& summary_;
    IdOwners& owners_;
    /// Files that gave an id another file gives, by task: the first clash's reason.
    std::unordered_map<std::size_t, std::string> id_clashes_;
    Counters counters_;
    std::vector<std::unique_ptr<ArrivalStamper>> stampers_;  ///< one per shard, used by its writer thread
    std::vector<std::unique_ptr<ShardWorker>> workers_;
    std::unordered_map<std::string, Xapian::termcount> spelling_;  ///< word -> articles since the last write
    std::vector<std::string> spelling_touched_;                    ///< an incremental run's words already written
    bool spelling_unpruned_ = false;                               ///< a fresh build held too many words to wait
    std::size_t articles_written_ = 0;
    std::vector<std::string> written_keys_;  ///< an incremental run's duplicate keys
    const bool fresh_build_;
    const bool spelling_keys_;           ///< the spelling table holds schema::spelling_key()s, not words
    std::size_t pending_ = 0;            ///< files applied since the last checkpoint
    std::size_t pending_documents_ = 0;  ///< articles written since the last checkpoint
    /// Feeds being streamed, by task: the ids of their batches so far, and their first problem.
    std::unordered_map<std::size_t, std::shared_ptr<std::unordered_set<std::string>>> feed_ids_;
    std::unordered_map<std::size_t, std::string> first_problem_;
};

/// Paths with the symbolic links of their folder resolved, each folder resolved once.
class FolderResolver {
  public:
    std::string operator()(const std::string& path) {
        const std::filesystem::path p(path);
        auto [it, inserted] = folders_.emplace(p.parent_path().string(), std::string());
        if (inserted) {
            std::error_code ec;
            const std::filesystem::path real = std::filesystem::weakly_canonical(p.parent_path(), ec);
            it->second = ec ? p.parent_path().string() : real.string();
        }
        return (std::filesystem::path(it->second) / p.filename()).string();
    }

  private:
    std::unordered_map<std::string, std::string> folders_;
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

namespace {

/// One indexing pass (run_index without the compaction that may follow).
IndexSummary index_pass(const IndexOptions& options) {
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

    ShardSetOptions shard_options{options.database, options.layout, options.rebuild, options.lock_timeout_seconds,
                                  options.stop_requested};
    // One writer part per core, up to 4 (each part is merged at the end: more parts, more merging).
    shard_options.build_parts = std::clamp(options.jobs, 1u, 4u);
    // A new or empty index is built as --rebuild builds one: nobody should need the flag to get
    // the fast path on the first run.
    shard_options.fresh_when_empty = true;
    ShardSet shards(shard_options);
    // A fresh build (--rebuild, or the first build of an index) reads no file record and deletes
    // nothing: it holds only what this run writes.
    const bool fresh = shards.fresh();
    summary.first_build = shards.first_build();
    summary.databases_written = shards.databases_written();
    if (const std::string removed = describe_leftovers(shards.removed_leftovers()); !removed.empty()) {
        if (options.on_notice) options.on_notice(removed);
    }
    const Analyzer identity_probe(options.analyzer);
    const std::string fingerprint = identity_probe.fingerprint();
    try {
        if (std::string why = schema::identity_mismatch(shards.shard(ShardSet::kStateShard), fingerprint);
            !why.empty()) {
            throw DatabaseError(why + "; re-index with izdeu-index --rebuild");
        }
    } catch (const Xapian::Error& e) {
        throw DatabaseError("cannot read database " + options.database + ": " + e.get_description());
    }
    // The index as it was committed: who owns each id, how many articles each file gave, and
    // the folder ids are relative to. (A fresh build reads only that folder from it.)
    std::optional<Xapian::Database> before;
    std::string recorded_root;
    std::vector<std::string> legacy_roots;
    std::string outside_noted;  // folders outside the id root already named in a notice
    try {
        std::error_code ec;
        if (std::filesystem::exists(options.database, ec)) {
            Xapian::Database live(options.database);
            recorded_root = live.get_metadata(std::string(schema::kMetaIdRoot));
            if (!options.rebuild) outside_noted = live.get_metadata(std::string(kMetaOutsideRootNoted));
            if (!fresh && recorded_root.empty() && live.get_doccount() > 0) legacy_roots = id_roots_in_use(live);
            if (!fresh) before = live;
        }
    } catch (const Xapian::Error& e) {
        throw DatabaseError("cannot read database " + options.database + ": " + e.get_description());
    }
    const std::string id_root =
        choose_id_root(options.id_root, options.rebuild && options.id_root ? std::string() : recorded_root,
                       walked.roots, legacy_roots, options.rebuild);
    if (recorded_root.empty() && legacy_roots.size() == 1 && id_root == legacy_roots.front() && options.on_notice) {
        options.on_notice(
            "this index, made before izdeu recorded the folder article ids are relative to, keeps "
            "its ids relative to " +
            id_root + " (read from its ids, and recorded now)");
    }
    // A folder outside the id root gives its .txt articles absolute ids: said once per folder.
    for (const std::string& root : walked.roots) {
        if (id_root.empty() || path_is_under(root, id_root)) continue;
        std::istringstream noted(outside_noted);
        bool said = false;
        for (std::string line; std::getline(noted, line);) said = said || path_is_under(root, line);
        if (said) continue;
        outside_noted += root + "\n";
        if (options.on_notice) {
            options.on_notice(root + " is outside " + id_root +
                              ", the folder this index's article ids are relative to (recorded by its first run): "
                              "its .txt articles get their absolute paths as ids. To have ids relative to a folder "
                              "that holds both, rebuild with izdeu-index --rebuild --root FOLDER (said once)");
        }
    }
    assign_article_ids(walked.files, id_root);
    std::vector<std::pair<std::string, std::string>> identity = {
        {std::string(schema::kMetaSchemaVersion), std::to_string(schema::kSchemaVersion)},
        {std::string(schema::kMetaAnalyzer), fingerprint},
        {std::string(schema::kMetaAnalyzerOptions),
         nlohmann::json{{"stemming", options.analyzer.stemming},
                        {"keyboard_folding", options.analyzer.keyboard_folding},
                        {"kazakh_lexicon", options.analyzer.kazakh_lexicon_path},
                        {"russian_dictionary", options.analyzer.russian_dictionary_path}}
             .dump()},
    };
    if (!id_root.empty()) identity.emplace_back(std::string(schema::kMetaIdRoot), id_root);
    if (!outside_noted.empty()) identity.emplace_back(std::string(kMetaOutsideRootNoted), outside_noted);
    // Only a build that writes every article marks every copy; a later run keeps the marks up.
    if (fresh) {
        identity.emplace_back(std::string(schema::kMetaCopiesSlot), "1");
        identity.emplace_back(std::string(schema::kMetaSpellingKeys), "1");
        identity.emplace_back(std::string(schema::kMetaLeadTerms), lead_slot_description());
        identity.emplace_back(std::string(schema::kMetaHitFields), "1");
    }
    shards.set_identity(identity);

    // What the database knows of each file (none for a fresh build: everything is read).
    std::unordered_map<std::string, FileState> known;
    if (!fresh) {
        Xapian::WritableDatabase& db = shards.shard(ShardSet::kStateShard);
        const std::string state_prefix(schema::kMetaFilePrefix);
        for (auto k = db.metadata_keys_begin(state_prefix); k != db.metadata_keys_end(state_prefix); ++k) {
            if (auto s = decode_state(db.get_metadata(*k))) known.emplace(s->path, std::move(*s));
        }
    }

    std::vector<Task> tasks;
    std::unordered_set<std::string> seen;
    for (InputFile& f : walked.files) {
        seen.insert(f.path);
        auto it = known.find(f.path);
        std::optional<FileState> previous;
        if (it != known.end()) {
            // Same size and mtime: unchanged, and not even read.
            if (it->second.size == f.size && it->second.mtime_ns == f.mtime_ns) {
                ++summary.unchanged;
                continue;
            }
            previous = it->second;
        }
        tasks.push_back({std::move(f), std::move(previous)});
    }

    // Records made under another spelling of a file's folder (a symbolic link an earlier run
    // was named, or an index made before links were resolved): the file is one source. Found
    // again, its old record hands its ids over and goes, counted as no deletion; gone, it is
    // deleted as its real path would be.
    std::vector<std::string> respelt;
    std::unordered_map<std::string, std::string> real_path_of;  // record path -> resolved path
    std::unordered_map<std::string, std::string> record_of;     // and back
    if (!fresh) {
        FolderResolver resolve;
        auto walked_under = [&](const std::string& path) {
            return std::any_of(walked.roots.begin(), walked.roots.end(),
                               [&](const std::string& root) { return path_is_under(path, root); });
        };
        for (const auto& [path, state] : known) {
            if (seen.count(path) || walked_under(path)) continue;
            const std::string real = resolve(path);
            if (real == path) continue;
            if (seen.count(real)) {
                respelt.push_back(path);
            } else if (!known.count(real) && walked_under(real) && record_of.emplace(real, path).second) {
                real_path_of.emplace(path, real);
            }
        }
    }
    const std::unordered_set<std::string> respelt_set(respelt.begin(), respelt.end());

    // Decided before anything is written: the files this run deletes may hand their ids over.
    DeletionPlan deletions;
    std::unordered_map<std::string, std::string> path_of_file_term;
    if (options.delete_missing && !fresh) {
        // Articles per file count only when some file is gone (the usual run has none).
        const bool any_gone =
            std::any_of(known.begin(), known.end(), [&](const auto& k) { return !seen.count(k.first); });
        std::vector<IndexedFile> indexed;
        for (const auto& [path, state] : known) {
            const std::string term = schema::source_file_term(path);
            path_of_file_term.emplace(term, path);
            if (respelt_set.count(path)) continue;
            const auto real = real_path_of.find(path);
            const bool count = any_gone && before;
            indexed.push_back({real == real_path_of.end() ? path : real->second,
                               count ? std::max<std::size_t>(1, before->get_termfreq(term)) : 1});
        }
        std::vector<std::string> unreadable;
        for (const WalkProblem& p : walked.problems) unreadable.push_back(p.path);
        deletions = plan_deletions(walked.roots, unreadable, seen, indexed, options.deletion);
        for (std::string& path : deletions.doomed) {
            if (auto r = record_of.find(path); r != record_of.end()) path = r->second;
        }
    } else {
        for (const auto& [path, state] : known) path_of_file_term.emplace(schema::source_file_term(path), path);
    }
    std::unordered_set<std::string> leaving;
    for (const std::string& path : deletions.doomed) leaving.insert(schema::source_file_term(path));
    for (const std::string& path : respelt) leaving.insert(schema::source_file_term(path));
    IdOwners owners(before ? &*before : nullptr, std::move(path_of_file_term), std::move(leaving));

    IndexWriter writer(shards, options, summary, owners);
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
                    auto emit = [&](TaskResult part) { return queue.push(std::move(part)); };
                    if (!queue.push(process(tasks[i], i, analyzer, options.limits, emit))) break;
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
            if (r->partial) continue;  // more of the same feed follows
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
    } else if (options.delete_missing && !fresh) {
        // Files that were under a walked root and are gone now, unless the brake holds them.
        for (std::size_t i = 0; i < deletions.refusals.size(); ++i) {
            ++summary.failed;
            report(deletions.held_by[i], deletions.refusals[i]);
        }
        for (const std::string& path : deletions.doomed) writer.delete_file(known.at(path));
    }
    if (!summary.stopped_early) {
        // After the file was written under its one path: only what it no longer holds goes.
        for (const std::string& path : respelt) writer.delete_file(known.at(path));
    }
    writer.settle_spelling();
    writer.collect();
    summary.rebuild_discarded = options.rebuild && summary.stopped_early;
    // The whole index through the writers (idle: collect() waited for them), for the copies.
    Xapian::Database whole;
    for (std::size_t i = 0; i < shards.size(); ++i) whole.add_database(shards.shard(i));
    if (fresh) {
        // Each writer thread sees only its own part or shard, so its count missed copies that
        // landed elsewhere. A fresh build's count is exact from the whole index: every copy after
        // the first of each duplicate key.
        const std::string prefix(schema::kDuplicatePrefix);
        std::size_t copies = 0;
        std::vector<std::string> groups;
        for (auto t = whole.allterms_begin(prefix); t != whole.allterms_end(prefix); ++t) {
            copies += t.get_termfreq() - 1;
            if (t.get_termfreq() > 1) groups.push_back(*t);
        }
        summary.duplicates = copies;
        writer.mark_copies(groups);
    } else {
        // The keys this run wrote that more than one article has now, over every shard.
        std::vector<std::string> groups;
        for (const std::string& key : writer.written_keys()) {
            std::string term = schema::duplicate_term(key);
            if (whole.get_termfreq(term) > 1) groups.push_back(std::move(term));
        }
        std::sort(groups.begin(), groups.end());
        groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
        writer.mark_copies(groups);
    }
    if (!fresh) {
        // Free space left by deletions since the last compaction, against the live volume.
        const std::string recorded = shards.shard(ShardSet::kStateShard).get_metadata(std::string(kMetaDeletedLength));
        const std::uint64_t deleted = std::strtoull(recorded.c_str(), nullptr, 10) + writer.deleted_length();
        if (writer.deleted_length() > 0)
            writer.set_state_metadata(std::string(kMetaDeletedLength), std::to_string(deleted));
        const double live = static_cast<double>(whole.get_total_length());
        if (deleted > 0) summary.deleted_share = static_cast<double>(deleted) / (static_cast<double>(deleted) + live);
    }
    summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    nlohmann::json last_run = nlohmann::json::parse(summary_json(summary));
    last_run["finished"] = static_cast<long long>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    last_run["layout"] = shards.layout().name();
    writer.set_state_metadata(std::string(schema::kMetaLastRun), last_run.dump());
    writer.commit(/*final=*/true);
    writer.stop();
    // A rebuild replaces the live index only when complete; a stopped one is discarded. A first
    // build that was stopped (--max-runtime, a signal) is published as far as it got: its file
    // records were committed with its articles, so the next run goes on from there, as cron needs.
    if (!(options.rebuild && summary.stopped_early)) shards.publish();
    summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return summary;
}

}  // namespace

IndexSummary run_index(const IndexOptions& options) {
    IndexSummary summary = index_pass(options);
    if (!options.auto_compact || summary.stopped_early || summary.deleted_share < kAutoCompactShare) return summary;
    summary.disk_bytes_before = disk_usage(options.database);
    if (summary.deleted_share * static_cast<double>(summary.disk_bytes_before) < kAutoCompactMinBytes) return summary;
    // After the pass has let go of the index's lock; written beside and swapped in, as --compact
    // does, so a kill leaves the index as it was (and a leftover the next run removes).
    const auto started = Clock::now();
    try {
        compact_index(options.database, false, options.lock_timeout_seconds);
    } catch (const std::exception& e) {
        ++summary.failed;
        if (options.on_problem) {
            options.on_problem(options.database, std::string("the run's articles are committed, but compacting "
                                                             "the index after its deletions failed: ") +
                                                     e.what());
        }
        return summary;
    }
    summary.compacted = true;
    summary.disk_bytes_after = disk_usage(options.database);
    summary.seconds += std::chrono::duration<double>(Clock::now() - started).count();
    if (options.on_notice) {
        options.on_notice("compacted: " + megabytes(summary.disk_bytes_before) + " -> " +
                          megabytes(summary.disk_bytes_after) + " on disk, deleted articles made up " +
                          std::to_string(static_cast<int>(std::lround(summary.deleted_share * 100))) +
                          "% of the index (--no-auto-compact turns this off)");
    }
    return summary;
}

std::string summary_json(const IndexSummary& s) {
    nlohmann::json j = {
        {"added", s.added},     {"updated", s.updated},       {"unchanged", s.unchanged},
        {"deleted", s.deleted}, {"duplicates", s.duplicates}, {"failed", s.failed},
        {"files", s.files},     {"bytes", s.bytes},           {"seconds", std::round(s.seconds * 1000) / 1000}};
    if (s.stopped_early) {
        j["stopped_early"] = true;
        j["files_left"] = s.files_left;
    }
    if (s.rebuild_discarded) j["rebuild_discarded"] = true;
    if (s.first_build) j["first_build"] = true;
    if (s.databases_written > 0) j["parts"] = s.databases_written;
    if (s.compacted)
        j["compacted"] = {{"disk_bytes_before", s.disk_bytes_before}, {"disk_bytes_after", s.disk_bytes_after}};
    return j.dump();
}

namespace {

/// --stats' answer, read from `db` (one revision).
std::string stats_json(const Xapian::Database& db, const std::string& database) {
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
    // Both sizes: Xapian's tables are sparse files, whose apparent size can be twice the disk's.
    j["size_bytes"] = apparent_size(database);
    j["disk_bytes"] = disk_usage(database);
    // Read-only: the next indexing run removes them, --stats only says they are there.
    nlohmann::json leftovers = nlohmann::json::array();
    for (const Leftover& l : stale_builds(database)) leftovers.push_back({{"path", l.path}, {"disk_bytes", l.bytes}});
    j["leftovers"] = leftovers;
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
    const nlohmann::json analyzer_options =
        nlohmann::json::parse(db.get_metadata(std::string(schema::kMetaAnalyzerOptions)), nullptr, false);
    j["russian_dictionary"] =
        analyzer_options.is_object() ? analyzer_options.value("russian_dictionary", std::string()) : std::string();
    j["layout"] = db.get_metadata("izdeu:layout").empty() ? "single" : db.get_metadata("izdeu:layout");
    return j.dump();
}

}  // namespace

std::string database_stats_json(const std::string& database) {
    Xapian::Database db;
    try {
        // Opening reads the latest revision's roots, which a commit meanwhile can discard.
        db = read_reopening([] {}, [&] { return Xapian::Database(database); });
    } catch (const Xapian::DatabaseNotFoundError&) {
        std::error_code ec;
        if (!std::filesystem::exists(database, ec) || std::filesystem::is_empty(database, ec)) {
            throw DatabaseError("no izdeu database at " + database + " (index articles with izdeu-index first)");
        }
        throw DatabaseError(database + " is not an izdeu database: the folder holds other files and no index");
    }
    // An indexer may commit meanwhile (cron): the whole answer is read again from its latest
    // revision, so the counts and the records agree (revision_reads.h).
    return read_reopening([&] { return db.reopen(); }, [&] { return stats_json(db, database); });
}

}  // namespace izdeu
