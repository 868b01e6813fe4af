#include "searcher.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "errors.h"
#include "kazakh_stemmer.h"
#include "lead_terms.h"
#include "russian_stemmer.h"
#include "schema.h"
#include "stored_fields.h"

namespace izdeu::query {

namespace {

/// The analyzer options an index records (`stored`: its kMetaAnalyzerOptions), with the word
/// lists they name loaded.
AnalyzerOptions stored_analyzer_options(const std::string& stored, const std::string& lexicon_path,
                                        const std::string& cache_dir) {
    AnalyzerOptions options;
    nlohmann::json j = nlohmann::json::parse(stored.empty() ? "{}" : stored, nullptr, false);
    if (j.is_object()) {
        options.stemming = j.value("stemming", true);
        options.keyboard_folding = j.value("keyboard_folding", true);
        // The word list the index was built with, unless the user points elsewhere.
        const std::string stored_path = j.value("kazakh_lexicon", std::string());
        const std::string path = lexicon_path.empty() ? stored_path : lexicon_path;
        if (!stored_path.empty()) options.kazakh_lexicon = KazakhLexicon::load(path);
        // The Russian dictionary the index was built with; read only when a Russian word
        // needs it. Missing now, the fingerprints differ and the database is refused.
        const std::string russian = j.value("russian_dictionary", std::string());
        if (!russian.empty()) {
            options.russian_dictionary = RussianDictionary::open(russian, cache_dir);
            if (!options.russian_dictionary) {
                throw DatabaseError("the index was built with the Russian dictionary " + russian +
                                    " (and its .aff), which cannot be read now; install hunspell-ru again, or "
                                    "re-index with izdeu-index --rebuild to stem Russian without it");
            }
            options.russian_dictionary_path = russian;
        }
    }
    return options;
}

}  // namespace

namespace {

struct StubEntry {
    std::string kind, where;  ///< as written: "auto shard-000", "remote 127.0.0.1:9000"
    std::string host;         ///< remote entries only
    unsigned port = 0;
};

/// A stub's entries, or nothing when one is a form only Xapian knows (a remote program, a
/// named backend with options), in which case Xapian opens the stub whole.
std::optional<std::vector<StubEntry>> read_stub(const std::string& stub) {
    std::ifstream in(stub);
    std::vector<StubEntry> entries;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        StubEntry e;
        if (!(fields >> e.kind)) continue;  // blank line
        if (e.kind[0] == '#') continue;
        std::string extra;
        if (!(fields >> e.where) || (fields >> extra)) return std::nullopt;
        if (e.kind == "remote") {
            const size_t colon = e.where.rfind(':');
            if (colon == std::string::npos) return std::nullopt;
            e.host = e.where.substr(0, colon);
            if (!e.host.empty() && e.host[0] == ':') e.host.erase(0, 1);
            const std::string port_text = e.where.substr(colon + 1);
            if (port_text.empty() || port_text.size() > 5 ||
                port_text.find_first_not_of("0123456789") != std::string::npos) {
                return std::nullopt;
            }
            e.port = static_cast<unsigned>(std::stoul(port_text));
        } else if (e.kind != "auto" && e.kind != "glass" && e.kind != "chert") {
            return std::nullopt;
        }
        entries.push_back(std::move(e));
    }
    return entries;
}

}  // namespace

void Searcher::add(const std::string& path, bool allow_partial) {
    // A stub (a file, or a folder with XAPIANDB) is opened entry by entry, so that each shard's
    // identity is checked and a shard that is down can be left out with --allow-partial.
    std::string stub = path;
    if (std::filesystem::is_directory(path)) stub = path + "/XAPIANDB";
    std::optional<std::vector<StubEntry>> entries;
    if (std::filesystem::is_regular_file(stub)) {
        entries = read_stub(stub);
        if (!entries && allow_partial) {
            throw DatabaseError("the stub " + stub + " has entries that --allow-partial cannot open one by one " +
                                "(only 'auto PATH' and 'remote HOST:PORT')");
        }
    }
    if (!entries) {
        Xapian::Database whole(path);
        db_.add_database(whole);
        shards_.push_back({path, whole});
        return;
    }
    const std::filesystem::path base =
        std::filesystem::is_directory(path) ? std::filesystem::path(path) : std::filesystem::path(path).parent_path();
    for (const StubEntry& e : *entries) {
        try {
            Xapian::Database shard;
            std::string name;
            if (e.kind == "remote") {
                shard = Xapian::Remote::open(e.host, e.port, 10000, 5000);
                name = "remote " + e.where;
                has_remote_ = true;
            } else {
                const std::filesystem::path p =
                    std::filesystem::path(e.where).is_absolute() ? std::filesystem::path(e.where) : base / e.where;
                missing_shard_ = p.string();  // named if it turns out to be missing
                shard = Xapian::Database(p.string());
                missing_shard_.clear();
                name = p.string();
            }
            db_.add_database(shard);
            shards_.push_back({name, shard});
        } catch (const Xapian::Error& error) {
            if (!allow_partial) throw;
            missing_shard_.clear();
            warnings_.push_back("shard '" + e.kind + " " + e.where + "' did not answer (" + error.get_description() +
                                "); results are from the other shards");
        }
    }
}

Searcher::Searcher(const std::vector<std::string>& databases, const std::string& kazakh_lexicon_path,
                   bool allow_partial, const std::string& cache_dir) {
    // The database being opened, named when it fails: with several --db, not always the first.
    std::string opening = databases.empty() ? std::string() : databases.front();
    // The options the analyzer was built from: a retry with the same ones keeps it.
    std::optional<std::string> analyzer_options;
    const auto started = std::chrono::steady_clock::now();
    try {
        // The indexer may commit twice while we open and read the identity: start again.
        for (int attempt = 0;; ++attempt) {
            try {
                db_ = Xapian::Database();
                warnings_.clear();
                missing_shard_.clear();
                shards_.clear();
                has_remote_ = false;
                for (const std::string& path : databases) {
                    opening = path;
                    add(path, allow_partial);
                }
                opening = databases.empty() ? std::string() : databases.front();
                if (db_.size() == 0) throw DatabaseError("no shard of the index answered");
                // Loading the word lists the options name (hunspell-kk's Kazakh words: 70 ms)
                // takes longer than two commits of an indexer committing every few articles, and
                // the identity read after it then fails; rebuilt on every try, it failed every try
                // (6 of 7 queries beside `--commit-every 10`; tests/reliability_test.py). The same
                // options make the same analyzer: a retry only reads the database again.
                std::string options = db_.get_metadata(std::string(schema::kMetaAnalyzerOptions));
                if (!analyzer_ || analyzer_options != options) {
                    analyzer_ =
                        std::make_unique<Analyzer>(stored_analyzer_options(options, kazakh_lexicon_path, cache_dir));
                    analyzer_options = std::move(options);
                }
                // Every shard, not only the first: a shard made by another analyzer would leave
                // its articles silently unfindable.
                for (const auto& [name, shard] : shards_) {
                    if (std::string why = schema::identity_mismatch(shard, analyzer_->fingerprint()); !why.empty()) {
                        throw DatabaseError((shards_.size() > 1 ? "shard " + name + ": " : std::string()) + why +
                                            "; re-index with izdeu-index --rebuild");
                    }
                }
                collapse_on_copies_ = copies_slot_usable();
                lead_slot_ = lead_slot_usable();
                hit_fields_slot_ = every_local_shard_records(schema::kMetaHitFields, "1");
                break;
            } catch (const Xapian::DatabaseOpeningError&) {
                // --compact and --rebuild swap the index folder: a reader that read the old
                // stub may look for a shard that just moved. Opening again sees the new index;
                // a database that is really missing is reported after a few tries.
                if (attempt >= 3 || !std::filesystem::exists(opening)) throw;
                std::this_thread::sleep_for(std::chrono::milliseconds(20 * (attempt + 1)));
            } catch (const Xapian::DatabaseError& e) {
                // Opening while the indexer commits can read a revision it is discarding
                // (revision_reads.h; seen under load in tests/reliability_test.py); a real
                // corruption persists through the retries and is reported.
                // While Xapian says the revision was discarded (only a commit does), the tries go
                // on for a second, as read_reopening's do: a reader descheduled on a loaded machine
                // lost six quick tries (izdeu-watch beside `--commit-every 25`, tests/watch_test.py).
                if (!revision_was_discarded(e)) throw;
                if (attempt >= 5 && (!discarded_by_a_commit(e) ||
                                     std::chrono::steady_clock::now() - started >= std::chrono::seconds(1)))
                    throw;
                if (!discarded_by_a_commit(e))
                    std::this_thread::sleep_for(std::chrono::milliseconds(20 * (attempt + 1)));
            }
        }
    } catch (const Xapian::DatabaseNotFoundError& e) {
        if (!missing_shard_.empty()) {
            throw DatabaseError("the shard " + missing_shard_ +
                                " named in the stub is missing (--allow-partial answers from the other shards)");
        }
        throw DatabaseError("no izdeu database at " + opening + " (index articles with izdeu-index first)");
    } catch (const Xapian::NetworkError& e) {
        throw DatabaseError("a remote shard did not answer: " + e.get_description() +
                            " (--allow-partial answers from the other shards)");
    } catch (const Xapian::Error& e) {
        if (std::filesystem::is_regular_file(opening)) {
            throw DatabaseError(opening + " is a file, and neither an izdeu database folder nor a Xapian stub file " +
                                "listing one; give --db the folder izdeu-index wrote (Xapian: " + e.get_description() +
                                ")");
        }
        throw DatabaseError("cannot open the database at " + opening +
                            "; it may be damaged (check it with xapian-check) or not an izdeu database (Xapian: " +
                            e.get_description() + ")");
    }
}

Xapian::doccount TermFrequencies::of(const Xapian::Database& db, std::string_view term, std::size_t hash) {
    if (const auto* known = known_.find(term, hash)) return known->value;
    if (known_.size() >= max_terms_) known_.clear();
    Xapian::doccount& frequency = known_.add(term, hash).value;
    frequency = db.get_termfreq(std::string(term));
    return frequency;
}

bool Searcher::reopen() {
    // Callers reopen inside their DatabaseModifiedError handlers, with no retry around this: the
    // metadata read after the reopen can itself meet two more commits (a cron run's checkpoints
    // in a burst; seen under ASan in tests/serve_test.py), so it is retried here.
    bool changed = false;
    for (int attempt = 0;; ++attempt) {
        try {
            changed = db_.reopen() || changed;
            if (changed) {
                term_frequencies_.clear();
                collapse_on_copies_ = copies_slot_usable();  // a --rebuild may have just made it so
                lead_slot_ = lead_slot_usable();
                hit_fields_slot_ = every_local_shard_records(schema::kMetaHitFields, "1");
            }
            return changed;
        } catch (const Xapian::DatabaseError& e) {
            if (attempt >= 5 || !revision_was_discarded(e)) throw;
        }
    }
}

bool Searcher::copies_slot_usable() const {
    // Every shard of one index is made by one build, so the first one's record stands for all.
    return !has_remote_ && db_.size() == shards_.size() &&
           db_.get_metadata(std::string(schema::kMetaCopiesSlot)) == "1";
}

bool Searcher::lead_slot_usable() const {
    return every_local_shard_records(schema::kMetaLeadTerms, lead_slot_description());
}

bool Searcher::every_local_shard_records(std::string_view key, const std::string& value) const {
    // Every shard: several indexes searched as one may come from builds before and after a slot.
    if (has_remote_ || db_.size() != shards_.size()) return false;
    return std::all_of(shards_.begin(), shards_.end(),
                       [&](const auto& shard) { return shard.second.get_metadata(std::string(key)) == value; });
}

SearchResult Searcher::search(const BuiltQuery& query, const SearchOptions& options) {
    // The indexer may commit while we read; Xapian then asks us to reopen.
    return reading([&] { return search_once(query, options); });
}

Xapian::doccount Searcher::count(const BuiltQuery& query) {
    return reading([&] {
        Xapian::Enquire enquire(db_);
        enquire.set_query(query.query);
        return enquire.get_mset(0, 0, db_.get_doccount()).get_matches_estimated();
    });
}

namespace {

/// Feedback terms: words and stems of the body and title, never ids, dates or other fields.
class FeedbackTermDecider : public Xapian::ExpandDecider {
  public:
    bool operator()(const std::string& term) const override {
        if (term.empty()) return false;
        const auto first = static_cast<unsigned char>(term[0]);
        if (first >= 'A' && first <= 'Z') {
            return term.size() > 2 && term[0] == 'Z' && term[1] != 'S' && !(term[1] >= 'A' && term[1] <= 'Z');
        }
        // Bare numbers make poor expansions.
        return term.find_first_not_of("0123456789.,") != std::string::npos;
    }
};

/// For each term of the feedback documents: how many hold it, and its summed share of their length.
struct FeedbackTermCount {
    double documents = 0, share = 0;
};

/// The best terms of the feedback documents (the first ones of `top`). Terms are scored from
/// collection-wide statistics only, so a sharded index picks exactly the terms one database
/// would; Xapian's ESet weighs terms per sub-database.
Xapian::Query feedback_expansion(const Xapian::Database& db, const Xapian::MSet& top, const RankingOptions& r,
                                 bool remote, TermFrequencies& known) {
    FeedbackTermDecider decider;
    const double documents = static_cast<double>(db.get_doccount());
    TermTable<FeedbackTermCount> seen;
    Xapian::doccount used = 0;
    // Only articles the words themselves weigh: one found by a weightless form alone (another
    // script's name key, a place's derived word) is no evidence of what the query is about, and
    // its terms would lift every article like it above the ones that have the word (`deamon`,
    // 3 articles, filled its feedback set with articles on Доменных that share its name key).
    // A query of filters only weighs no article: its first articles are read, which orders it
    // (izdeu-query.1).
    const bool filters_only = top.empty() || top.begin().get_weight() <= 0;
    for (auto it = top.begin(); it != top.end() && used < r.feedback_documents && (filters_only || it.get_weight() > 0);
         ++it, ++used) {
        const double length = std::max(1.0, static_cast<double>(db.get_doclength(*it)));
        for (auto t = db.termlist_begin(*it); t != db.termlist_end(*it); ++t) {
            const std::string term = *t;
            if (!decider(term)) continue;
            FeedbackTermCount& count = seen.add(term, term_hash(term)).value;
            count.documents += 1;
            count.share += static_cast<double>(t.get_wdf()) / length;
        }
    }
    const double feedback = static_cast<double>(used);
    // Robertson's selection value: the number of feedback documents with the term times its
    // relevance weight, from collection-wide counts only.
    auto relevance_weight = [&](double r_t, double n_t) {
        return std::log(((r_t + 0.5) * (documents - n_t - feedback + r_t + 0.5)) /
                        ((n_t - r_t + 0.5) * (feedback - r_t + 0.5)));
    };
    struct Candidate {
        std::string_view term;  // in `seen`
        std::size_t hash;       // std::hash of term
        double share;
        double bound;  // its value if no other article had it: the weight falls as n_t grows, and n_t >= r_t
    };
    // Grouped by the number of feedback documents that hold them (r_t).
    std::vector<std::vector<Candidate>> by_documents(static_cast<std::size_t>(feedback) + 1);
    std::size_t candidate_count = 0;
    for (const auto& e : seen.slots()) {
        if (e.size == 0) continue;
        const FeedbackTermCount& count = e.value;
        if (count.documents < 2 && feedback > 2) continue;  // one document's quirk
        const double best_weight = relevance_weight(count.documents, count.documents);
        if (best_weight <= 0) continue;  // never positive, whatever its frequency
        by_documents[static_cast<std::size_t>(count.documents)].push_back(
            {seen.term(e), e.hash, count.share, count.documents * best_weight + count.share});
        ++candidate_count;
    }
    if (candidate_count == 0) return Xapian::Query();
    const std::size_t keep = std::min<std::size_t>(r.feedback_terms, candidate_count);
    // Looked up by bound, the best first, in groups of the same number of feedback documents
    // (whose bounds are close), each in term order so that consecutive lookups mostly find
    // their B-tree block already read (measured: get_termfreq was a fifth of a query's time in
    // hash order). Once the kept terms' worst value beats every bound left, the rest cannot
    // enter: the choice is exactly the one of looking every candidate up, with fewer lookups
    // (and the groups never reached are never sorted: most candidates are in two articles).
    std::vector<double> best_bound_up_to(by_documents.size(), 0);  // over the groups of at most d documents
    for (std::size_t d = 0; d < by_documents.size(); ++d) {
        best_bound_up_to[d] = d > 0 ? best_bound_up_to[d - 1] : 0;
        for (const Candidate& c : by_documents[d]) best_bound_up_to[d] = std::max(best_bound_up_to[d], c.bound);
    }
    // With a remote shard, the candidates' collection frequencies come in one request: an MSet
    // of no documents carries every query term's statistics, where get_termfreq costs a round
    // trip per term (measured: 388 -> 19 ms a query with one of two shards remote). Locally,
    // get_termfreq is cheaper than preparing that query.
    Xapian::MSet frequencies;
    if (remote) {
        std::vector<std::string> terms;
        for (const auto& group : by_documents) {
            for (const Candidate& c : group) terms.emplace_back(c.term);
        }
        Xapian::Enquire statistics(db);
        statistics.set_query(Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
        frequencies = statistics.get_mset(0, 0);
    }
    std::vector<std::pair<double, std::string_view>> ranked;
    std::vector<double> kept_values;  // a min-heap of the best `keep` values so far
    for (std::size_t d = by_documents.size(); d-- > 0;) {
        std::vector<Candidate>& group = by_documents[d];
        if (group.empty()) continue;
        if (kept_values.size() == keep && best_bound_up_to[d] < kept_values.front()) break;
        std::sort(group.begin(), group.end(), [](const Candidate& a, const Candidate& b) { return a.term < b.term; });
        for (const Candidate& c : group) {
            if (kept_values.size() == keep && c.bound < kept_values.front()) continue;
            const double n_t = static_cast<double>(remote ? frequencies.get_termfreq(std::string(c.term))
                                                          : known.of(db, c.term, c.hash));
            const double weight = relevance_weight(static_cast<double>(d), n_t);
            if (weight <= 0) continue;
            const double value = static_cast<double>(d) * weight + c.share;
            ranked.emplace_back(value, c.term);
            if (kept_values.size() < keep) {
                kept_values.push_back(value);
                std::push_heap(kept_values.begin(), kept_values.end(), std::greater<>());
            } else if (value > kept_values.front()) {
                std::pop_heap(kept_values.begin(), kept_values.end(), std::greater<>());
                kept_values.back() = value;
                std::push_heap(kept_values.begin(), kept_values.end(), std::greater<>());
            }
        }
    }
    const std::size_t chosen = std::min(keep, ranked.size());
    std::partial_sort(
        ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(chosen), ranked.end(),
        [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    std::vector<Xapian::Query> terms;
    for (std::size_t i = 0; i < chosen; ++i) terms.emplace_back(std::string(ranked[i].second));
    if (terms.empty()) return Xapian::Query();
    return Xapian::Query(r.feedback_weight, Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
}

}  // namespace

namespace {

/// Each shard's uuid and the docids, within that shard and sorted, of some of its articles.
using ArticlesByShard = std::vector<std::pair<std::string, std::vector<Xapian::docid>>>;

/// The first pass's articles as a posting list, for the second pass's filter. A filter of one
/// term per article cost a B-tree lookup per term for its statistics and another to open it
/// (measured: a third of a one-word query's time); this reads nothing. Local databases only: a
/// remote server cannot run a PostingSource it does not know.
class ArticleSetSource : public Xapian::PostingSource {
  public:
    explicit ArticleSetSource(std::shared_ptr<const ArticlesByShard> by_shard) : by_shard_(std::move(by_shard)) {}

    Xapian::PostingSource* clone() const override { return new ArticleSetSource(by_shard_); }
    std::string name() const override { return "izdeu:ArticleSet"; }

    void init(const Xapian::Database& db) override {
        // Xapian hands each sub-database its own copy of the source; the uuid says which shard.
        docids_ = nullptr;
        const std::string uuid = db.get_uuid();
        for (const auto& [shard_uuid, ids] : *by_shard_) {
            if (shard_uuid == uuid) docids_ = &ids;
        }
        if (docids_ == nullptr) throw Xapian::InvalidOperationError("izdeu: the re-rank filter met an unknown shard");
        at_ = docids_->begin();
        started_ = false;
    }
    Xapian::doccount get_termfreq_min() const override { return count(); }
    Xapian::doccount get_termfreq_est() const override { return count(); }
    Xapian::doccount get_termfreq_max() const override { return count(); }
    void next(double) override {
        if (started_) ++at_;
        started_ = true;
    }
    void skip_to(Xapian::docid did, double) override {
        started_ = true;
        at_ = std::lower_bound(at_, docids_->end(), did);
    }
    bool at_end() const override { return started_ && at_ == docids_->end(); }
    Xapian::docid get_docid() const override { return *at_; }

  private:
    Xapian::doccount count() const { return docids_ ? static_cast<Xapian::doccount>(docids_->size()) : 0; }

    std::shared_ptr<const ArticlesByShard> by_shard_;
    const std::vector<Xapian::docid>* docids_ = nullptr;
    std::vector<Xapian::docid>::const_iterator at_;
    bool started_ = false;
};

}  // namespace

std::optional<Xapian::Query> Searcher::article_set_filter(const Xapian::MSet& top, Xapian::doccount count) const {
    if (has_remote_ || db_.size() != shards_.size()) return std::nullopt;
    // A combined docid is (docid in its shard - 1) * shards + shard index + 1 (Xapian's rule).
    const auto n = static_cast<Xapian::docid>(shards_.size());
    auto by_shard = std::make_shared<ArticlesByShard>();
    for (const auto& shard : shards_) {
        by_shard->emplace_back(shard.second.get_uuid(), std::vector<Xapian::docid>());
        if (by_shard->back().first.empty()) return std::nullopt;
    }
    for (Xapian::doccount i = 0; i < count && i < top.size(); ++i) {
        const Xapian::docid did = *top[i];
        (*by_shard)[(did - 1) % n].second.push_back((did - 1) / n + 1);
    }
    for (auto& [uuid, ids] : *by_shard) std::sort(ids.begin(), ids.end());
    auto source = new ArticleSetSource(std::move(by_shard));
    return Xapian::Query(source->release());
}

namespace {

/// The hits of `mset` from `begin` to `end`, each with its score.
using ScoredHits = std::vector<std::pair<Xapian::MSetIterator, double>>;

/// The stem prefix of a query word's family: schema::kStemPrefix and the first `letters` letters
/// of the word as typed (its surface term, the first form without a field prefix); empty for a
/// shorter word. The index's lead slot writes the same key for each stem in a lead.
std::string family_prefix(const std::vector<std::string>& forms, std::size_t letters) {
    if (letters == 0) return {};
    const auto surface = std::find_if(forms.begin(), forms.end(), [](const std::string& term) {
        return !term.empty() && !(term[0] >= 'A' && term[0] <= 'Z');
    });
    if (surface == forms.end()) return {};
    const std::string_view first = first_letters(*surface, letters);
    return first.empty() ? std::string() : std::string(schema::kStemPrefix) + std::string(first);
}

/// The articles of `ranked` in docid order: the order their posting lists are read in.
std::vector<Xapian::docid> window_docids(const ScoredHits& ranked) {
    std::vector<Xapian::docid> window;
    for (const auto& hit : ranked) window.push_back(*hit.first);
    std::sort(window.begin(), window.end());
    return window;
}

/// Calls `found(docid, posting)` for each article of `window` (ascending docids) that `term`'s
/// posting list holds. Leapfrogs between the two lists: a skip_to per window article cost 3,500
/// calls a query over a prefix's ~60 stems on the benchmark index, most of them in a few articles.
template <typename Found>
void for_each_in_window(const Xapian::Database& db, const std::string& term, const std::vector<Xapian::docid>& window,
                        Found&& found) {
    auto post = db.postlist_begin(term);
    const auto post_end = db.postlist_end(term);
    for (auto at = window.begin(); at != window.end();) {
        post.skip_to(*at);
        if (post == post_end) return;
        if (*post != *at) {
            at = std::lower_bound(at, window.end(), *post);
            continue;
        }
        found(*at, post);
        ++at;
    }
}

/// For each query word of at least `r.lead_prefix` letters, the articles of `window` whose lead
/// (positions up to `lead_end`) holds a stem starting with the word's first `r.lead_prefix`
/// letters, other than the word's own forms. Stems, not surface terms: one per lemma, where a
/// Russian prefix has dozens of inflected forms, each a posting list to open (measured on
/// news_ru_dev: +0.7 ms a query, against +2.5 ms over the surface terms, for about the same ranking).
/// (The index writes a stem only where it differs from the word: words that never inflect are missed.)
std::vector<std::unordered_set<Xapian::docid>> related_words_in_lead(const Xapian::Database& db,
                                                                     const std::vector<Xapian::docid>& window,
                                                                     const std::vector<std::vector<std::string>>& words,
                                                                     const RankingOptions& r,
                                                                     Xapian::termpos lead_end) {
    std::vector<std::unordered_set<Xapian::docid>> found(words.size());
    if (r.lead_prefix == 0) return found;
    for (std::size_t w = 0; w < words.size(); ++w) {
        const std::string prefix = family_prefix(words[w], r.lead_prefix);
        if (prefix.empty()) continue;  // a short word: its own forms only
        for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
            const std::string stem = *t;
            if (std::find(words[w].begin(), words[w].end(), stem) != words[w].end()) continue;  // looked up already
            for_each_in_window(db, stem, window, [&](Xapian::docid article, const Xapian::PostingIterator& post) {
                if (found[w].count(article) > 0) return;  // found already: no position read
                auto position = post.positionlist_begin();
                if (position != post.positionlist_end() && *position <= lead_end) found[w].insert(article);
            });
        }
    }
    return found;
}

/// For each query word, the articles of `window` that hold one of its `forms` (most frequent
/// first) anywhere: a form's posting list is read only for the articles no form before it was in.
std::vector<std::unordered_set<Xapian::docid>> words_held(const Xapian::Database& db,
                                                          const std::vector<Xapian::docid>& window,
                                                          const std::vector<std::vector<std::string>>& forms) {
    std::vector<std::unordered_set<Xapian::docid>> held(forms.size());
    for (std::size_t w = 0; w < forms.size(); ++w) {
        std::vector<Xapian::docid> unfound = window;
        for (const std::string& term : forms[w]) {
            if (unfound.empty()) break;
            for_each_in_window(db, term, unfound,
                               [&](Xapian::docid article, const Xapian::PostingIterator&) { held[w].insert(article); });
            unfound.erase(std::remove_if(unfound.begin(), unfound.end(),
                                         [&](Xapian::docid article) { return held[w].count(article) > 0; }),
                          unfound.end());
        }
    }
    return held;
}

/// words_held over a remote shard, which sends a posting list whole (a common word's, for a
/// hundred articles): the server matches instead. Each word's forms, as one synonym, weigh
/// 2^w under a boolean weight (TfIdfWeight "bnn": 1 for a present term), so that an article's
/// weight, a sum of distinct powers of two, says exactly which words it holds. `window`: a
/// filter matching the articles of `ranked` (and perhaps more, which are ignored).
std::vector<std::unordered_set<Xapian::docid>> words_held_matching(const Xapian::Database& db, const ScoredHits& ranked,
                                                                   const std::vector<std::vector<std::string>>& forms,
                                                                   const Xapian::Query& window) {
    std::vector<std::unordered_set<Xapian::docid>> held(forms.size());
    constexpr std::size_t kMostWords = 52;  // each power of two exact in a double's mantissa
    std::vector<Xapian::Query> words;
    for (std::size_t w = 0; w < forms.size() && w < kMostWords; ++w) {
        if (forms[w].empty()) continue;
        words.emplace_back(std::ldexp(1.0, static_cast<int>(w)),
                           Xapian::Query(Xapian::Query::OP_SYNONYM, forms[w].begin(), forms[w].end()));
    }
    if (words.empty()) return held;
    std::unordered_set<Xapian::docid> in_window;
    for (const auto& hit : ranked) in_window.insert(*hit.first);
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(Xapian::TfIdfWeight("bnn"));
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER,
                                    Xapian::Query(Xapian::Query::OP_OR, words.begin(), words.end()), window));
    const Xapian::MSet matches = enquire.get_mset(0, db.get_doccount());
    for (auto it = matches.begin(); it != matches.end(); ++it) {
        if (in_window.count(*it) == 0) continue;
        auto bits = static_cast<std::uint64_t>(it.get_weight());
        for (std::size_t w = 0; bits != 0; ++w, bits >>= 1) {
            if (bits & 1) held[w].insert(*it);
        }
    }
    return held;
}

/// Re-orders `ranked` (best first) by what each article holds of the query's words, as shares
/// of `best_score` (the best of the whole match):
/// - the lead boost: the idf-weighted share of the words that it holds in its title or first
///   `lead_words` words, times `r.lead_boost`. Reads each word's first position in each article
///   that could still reach the first `needed` (0: every article). With `lead_slot` (every
///   article carries schema::kSlotLeadTerms), the lead's default window and family letters are
///   read from it: one value an article, the same answers as the positions (lead_terms.h);
/// - the coverage boost: the square of the idf-weighted share of the words it holds anywhere,
///   times `r.coverage_boost` (each article's gain in `coverage_gains`, when given).
/// `statistics`: an MSet of a query with the words' forms, for their frequencies.
ScoredHits presence_ranked(const Xapian::Database& db, const Xapian::MSet& statistics, double best_score,
                           ScoredHits ranked, const std::vector<std::vector<std::string>>& words,
                           const RankingOptions& r, std::size_t needed, bool lead_slot,
                           const std::optional<Xapian::Query>& remote_window,
                           std::unordered_map<Xapian::docid, double>* coverage_gains) {
    if (ranked.empty() || words.empty()) return ranked;
    // Each word's inverse document frequency from the statistics the MSet already holds (the
    // word's forms were query terms): no lookups, and the same numbers over shards.
    const double documents = std::max(1.0, static_cast<double>(db.get_doccount()));
    std::vector<double> idf;
    // Each word's forms that some article has, the most frequent first: a position lookup costs
    // a B-tree search even for a term the article lacks, and the first form found ends the search.
    std::vector<std::vector<std::string>> present(words.size());
    double total = 0;
    for (std::size_t w = 0; w < words.size(); ++w) {
        std::vector<std::pair<Xapian::doccount, std::string>> by_frequency;
        for (const std::string& term : words[w]) {
            if (const Xapian::doccount f = statistics.get_termfreq(term); f > 0) by_frequency.emplace_back(f, term);
        }
        std::sort(by_frequency.begin(), by_frequency.end(), std::greater<>());
        for (auto& [f, term] : by_frequency) present[w].push_back(std::move(term));
        const double frequency = by_frequency.empty() ? 0.0 : static_cast<double>(by_frequency.front().first);
        idf.push_back(std::log(documents / (frequency + 0.5) + 1));
        total += idf.back();
    }
    // Titles start at position 1 and the body after a gap (schema.h): this counts the title and
    // the body's first words.
    const Xapian::termpos lead_end = schema::kTitleBodyGap + r.lead_words;
    const bool from_slot =
        lead_slot && r.lead_words == kLeadSlotWords && (r.lead_prefix == 0 || r.lead_prefix == kLeadSlotFamilyLetters);
    // From the slot: each word's keys, its forms' and its family's.
    std::vector<std::vector<std::uint64_t>> keys(from_slot ? words.size() : 0);
    for (std::size_t w = 0; w < keys.size(); ++w) {
        for (const std::string& term : present[w]) keys[w].push_back(lead_term_key(term));
        if (const std::string family = family_prefix(words[w], r.lead_prefix); !family.empty())
            keys[w].push_back(lead_family_key(family));
    }
    const bool lead = r.lead_boost > 0;
    const std::vector<Xapian::docid> window = window_docids(ranked);
    const std::vector<std::unordered_set<Xapian::docid>> related =
        from_slot || !lead ? std::vector<std::unordered_set<Xapian::docid>>(words.size())
                           : related_words_in_lead(db, window, words, r, lead_end);
    const double scale = r.lead_boost * best_score / total;
    const double coverage_scale = r.coverage_boost * best_score;
    const std::vector<std::unordered_set<Xapian::docid>> held =
        coverage_scale <= 0 ? std::vector<std::unordered_set<Xapian::docid>>()
        : remote_window     ? words_held_matching(db, ranked, present, *remote_window)
                            : words_held(db, window, present);
    // The window comes best first, and no article gains more than scale * total from its lead
    // and coverage_scale from its coverage: once an article could not pass the `needed`-th best
    // score even with every word in its lead, neither can any after it. They keep their score
    // and stay below the page; the page is the one of boosting the whole window, with fewer
    // position lookups.
    const double most_gained = (scale * total + coverage_scale) * (1 + 1e-9);  // the margin covers rounding
    std::vector<double> best;                               // a min-heap of the `needed` best scores so far
    for (auto& [it, score] : ranked) {
        if (needed > 0 && best.size() >= needed && score + most_gained < best.front()) break;
        double share = 0;
        if (!lead) {
            // No lead boost: the coverage alone.
        } else if (from_slot) {
            const std::string value = db.get_document(*it, Xapian::DOC_ASSUME_VALID).get_value(schema::kSlotLeadTerms);
            const LeadTerms lead_terms(value);
            for (std::size_t w = 0; w < words.size(); ++w) {
                if (std::any_of(keys[w].begin(), keys[w].end(),
                                [&](std::uint64_t k) { return lead_terms.contains(k); }))
                    share += idf[w];
            }
        } else {
            for (std::size_t w = 0; w < words.size(); ++w) {
                bool in_lead = related[w].count(*it) > 0;
                for (auto term = present[w].begin(); !in_lead && term != present[w].end(); ++term) {
                    auto position = db.positionlist_begin(*it, *term);
                    in_lead = position != db.positionlist_end(*it, *term) && *position <= lead_end;
                }
                if (in_lead) share += idf[w];
            }
        }
        score += scale * share;
        if (!held.empty()) {
            double holds = 0;
            for (std::size_t w = 0; w < words.size(); ++w) {
                if (held[w].count(*it) > 0) holds += idf[w];
            }
            // Squared: all but a common word keeps most of the gain, all but a rare one little.
            const double gain = coverage_scale * (holds / total) * (holds / total);
            score += gain;
            if (coverage_gains != nullptr) (*coverage_gains)[*it] = gain;
        }
        if (needed == 0) continue;
        if (best.size() < needed) {
            best.push_back(score);
            std::push_heap(best.begin(), best.end(), std::greater<>());
        } else if (score > best.front()) {
            std::pop_heap(best.begin(), best.end(), std::greater<>());
            best.back() = score;
            std::push_heap(best.begin(), best.end(), std::greater<>());
        }
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    return ranked;
}

}  // namespace

SearchResult Searcher::search_once(const BuiltQuery& query, const SearchOptions& options) {
    Xapian::Enquire enquire(db_);
    const RankingOptions& r = options.ranking;
    enquire.set_weighting_scheme(Xapian::BM25Weight(r.bm25_k1, 0, 1, r.bm25_b, r.bm25_min_normlen));
    if (options.collapse)
        enquire.set_collapse_key(collapse_on_copies_ ? schema::kSlotCopiesKey : schema::kSlotDuplicateKey);
    if (options.time_limit_seconds > 0) enquire.set_time_limit(options.time_limit_seconds);
    // Matches Xapian checks at least, so that the count is exact up to there.
    const Xapian::doccount check_at_least = options.exact_count ? db_.get_doccount() : 100;
    // Every match checked, the lower bound is the count. The estimate is not: with a collapse key
    // Xapian 1.4.22 still scales it (800 for 651 matches, none of them copies).
    const auto count_of = [&](const Xapian::MSet& m) {
        return options.exact_count ? m.get_matches_lower_bound() : m.get_matches_estimated();
    };
    Xapian::doccount estimated = 0;
    // Set when the second pass ran without collapsing: each article's number of collapsed
    // copies, as the first pass counted them.
    std::optional<std::unordered_map<Xapian::docid, Xapian::doccount>> first_pass_copies;
    std::optional<Xapian::MSet> page;
    // Relevance: the first pass's window, of which the second pass re-ranks the first
    // reranked_count articles; a page reaching past them continues in the first pass's order.
    std::optional<Xapian::MSet> first_pass_top;
    Xapian::doccount reranked_count = 0;
    // Set when the second pass's scores are the boosts' and feedback's only, to be added to the
    // first pass's.
    bool second_pass_adds_first = false;
    // Set when the first pass is the answer (nothing to re-rank with).
    bool first_pass_is_answer = false;
    // With a remote shard: the re-ranked articles (and their copies), as a filter.
    std::optional<Xapian::Query> remote_window;
    SearchResult result;
    if (options.sort == SortOrder::Date) {
        enquire.set_sort_by_value_then_relevance(schema::kSlotDate, true);
        enquire.set_query(query.query);
    } else {
        // Two passes. The first ranks every match by the words only, which Xapian does fast;
        // the second re-ranks that pass's best articles with the boosts and feedback terms. (The
        // all-words boost in the first pass too decoded every posting list twice: 10% of a
        // query, for no better ranking; EVALUATION.md.)
        const Xapian::Query first_pass = query.base.empty() ? query.query : query.base;
        enquire.set_query(first_pass);
        const Xapian::doccount window = std::max<Xapian::doccount>(r.rerank_documents, options.offset + options.limit);
        first_pass_top = enquire.get_mset(0, window, check_at_least);
        const Xapian::MSet& top = *first_pass_top;
        reranked_count = std::min<Xapian::doccount>(r.rerank_documents, top.size());
        estimated = count_of(top);
        Xapian::Query expansion;
        const bool cyrillic_query = query.cyrillic_words > query.latin_words;
        if (r.feedback_documents > 0 && r.feedback_terms > 0 && r.feedback_weight > 0 &&
            (r.feedback_cyrillic || !cyrillic_query)) {
            expansion = feedback_expansion(db_, top, r, has_remote_, term_frequencies_);
            if (options.explain) {
                for (auto t = expansion.get_unique_terms_begin(); t != expansion.get_unique_terms_end(); ++t)
                    result.feedback_terms.push_back(*t);
            }
        }
        Xapian::Query extra = query.boosts;
        if (!expansion.empty()) {
            extra = extra.empty() ? expansion : Xapian::Query(Xapian::Query::OP_OR, extra, expansion);
        }
        Xapian::Query second = query.base.empty() ? query.query : query.base;
        if (extra.empty()) {
            // Nothing to re-rank with (one word, no feedback): the first pass is the answer.
            page = top;
            first_pass_is_answer = true;
        } else if (std::optional<Xapian::Query> article_set = article_set_filter(top, reranked_count)) {
            // Only the first pass's articles, which already stand for their copies: no
            // collapsing, and the copy counts come from the first pass. The second pass scores
            // the boosts and feedback terms only, and each article keeps its first-pass score
            // for the words (the same query over the same statistics: the same number, added
            // below), so the words' posting lists are not read twice (a tenth of a query's
            // block reads). The optional side is an OR that always has a second branch, every
            // article at weight 0: a phrase alone there was credited to an article without the
            // phrase over one database but not over shards (Xapian 1.4.22; tests/shards_test.py).
            // (The article set as that branch changed 11 of the 1000 benchmark queries' rankings;
            // every article at weight 0 reads no more blocks than no branch.)
            const Xapian::Query all_articles = every_article();
            enquire.set_query(Xapian::Query(Xapian::Query::OP_AND_MAYBE, *article_set,
                                            Xapian::Query(Xapian::Query::OP_OR, extra, all_articles)));
            enquire.set_collapse_key(Xapian::BAD_VALUENO);
            second_pass_adds_first = true;
            if (options.collapse) {
                first_pass_copies.emplace();
                for (auto it = top.begin(); it != top.end(); ++it) {
                    (*first_pass_copies)[*it] = it.get_collapse_count();
                }
            }
        } else {
            // Remote shards, which cannot run the article set: the query with the boosts, the
            // optional side's second branch the query itself at weight 0 (the phrase above),
            // restricted to the first pass's articles (all their copies, so collapsing still
            // counts duplicates).
            extra = Xapian::Query(Xapian::Query::OP_OR, extra, Xapian::Query(0.0, second));
            second = Xapian::Query(Xapian::Query::OP_AND_MAYBE, second, extra);
            std::vector<Xapian::Query> keys;
            if (options.collapse && !collapse_on_copies_) {
                // The collapse key is the duplicate key, already in the MSet: no document
                // fetches (one round trip each from a remote shard).
                for (Xapian::doccount i = 0; i < reranked_count; ++i)
                    keys.emplace_back(schema::duplicate_term(top[i].get_collapse_key()));
            } else {
                // All the documents in one request from a remote shard. (MSet::fetch()
                // without arguments crashed in Xapian 1.4.22 for an MSet with an offset.)
                top.fetch(top.begin(), reranked_count < top.size() ? top[reranked_count] : top.end());
                for (Xapian::doccount i = 0; i < reranked_count; ++i) {
                    keys.emplace_back(
                        schema::duplicate_term(top[i].get_document().get_value(schema::kSlotDuplicateKey)));
                }
            }
            if (keys.empty()) keys.emplace_back(std::string(schema::kIdPrefix) + "\x01none");
            remote_window = Xapian::Query(Xapian::Query::OP_OR, keys.begin(), keys.end());
            enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, second, *remote_window));
        }
    }

    // The lead and coverage boosts re-order every re-ranked article, and a page past them
    // continues with the first pass's: either way the second pass returns all it re-ranked.
    const bool presence =
        options.sort == SortOrder::Relevance && (r.lead_boost > 0 || r.coverage_boost > 0) && !query.lead_words.empty();
    const std::size_t page_end = static_cast<std::size_t>(options.offset) + options.limit;
    if (first_pass_top && !page && (presence || page_end > reranked_count || second_pass_adds_first))
        page = enquire.get_mset(0, reranked_count, 100);
    Xapian::MSet mset = page ? *page : enquire.get_mset(options.offset, options.limit, check_at_least);
    if (options.sort == SortOrder::Date) estimated = count_of(mset);
    result.estimated = estimated;
    std::size_t rank = options.offset;
    ScoredHits ranked;
    // A whole window: the re-ranked articles (when the first pass is the answer, its first ones).
    const std::size_t reranked =
        page && first_pass_top ? std::min<std::size_t>(reranked_count, mset.size()) : mset.size();
    for (auto it = mset.begin(); it != mset.end() && ranked.size() < reranked; ++it)
        ranked.emplace_back(it, it.get_weight());
    // The re-ranked articles' first-pass scores: the second pass adds to them, --explain shows them.
    std::unordered_map<Xapian::docid, double> first_pass_score;
    if (first_pass_top && (second_pass_adds_first || options.explain)) {
        for (Xapian::doccount i = 0; i < reranked_count; ++i)
            first_pass_score[*(*first_pass_top)[i]] = (*first_pass_top)[i].get_weight();
    }
    // --explain: each article's score by stage, taken where each stage sets it.
    std::unordered_map<Xapian::docid, ScoreParts> parts;
    if (options.explain) {
        for (const auto& [it, score] : ranked) {
            ScoreParts& p = parts[*it];
            if (!first_pass_top || first_pass_is_answer) {
                p.words = score;  // one pass: sorted by date, or nothing to re-rank with
            } else if (second_pass_adds_first) {
                p.words = first_pass_score[*it];
                p.boosts_feedback = score;
            } else {
                // Remote shards: the second pass scored the words again beside the boosts.
                p.words = first_pass_score[*it];
                p.boosts_feedback = score - p.words;
            }
        }
    }
    if (second_pass_adds_first) {
        for (auto& [it, score] : ranked) score = first_pass_score[*it] + score;
        // Xapian's order: the better score first, then the lower docid.
        std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
            return a.second > b.second || (a.second == b.second && *a.first < *b.first);
        });
    }
    if (presence) {
        // The words' frequencies from the first pass, which had them all; the best score of the
        // whole match, which a second pass returned whole.
        const double best_score = ranked.empty()           ? 0.0
                                  : second_pass_adds_first ? ranked.front().second
                                                           : mset.get_max_attained();
        std::unordered_map<Xapian::docid, double> coverage_gains;
        ranked = presence_ranked(db_, first_pass_top ? *first_pass_top : mset, best_score, std::move(ranked),
                                 query.lead_words, r, page_end, lead_slot_, remote_window,
                                 options.explain ? &coverage_gains : nullptr);
        for (const auto& [it, score] : ranked) {
            if (auto p = parts.find(*it); p != parts.end()) {
                p->second.coverage = coverage_gains[*it];
                p->second.lead = score - (p->second.words + p->second.boosts_feedback + p->second.coverage);
            }
        }
    }
    if (page && first_pass_top) {
        // Then the first pass's articles past them, in its order, each scored below the one
        // before it: a TREC run is read in score order.
        double floor = ranked.empty() ? HUGE_VAL : ranked.back().second;
        for (Xapian::doccount i = reranked_count; i < first_pass_top->size(); ++i) {
            const Xapian::MSetIterator it = (*first_pass_top)[i];
            const double score = std::min(it.get_weight(), std::nextafter(floor, 0.0));
            ranked.emplace_back(it, score);
            if (options.explain) {
                ScoreParts& p = parts[*it];
                p.words = it.get_weight();
                p.order_cap = score - it.get_weight();
            }
            floor = score;
        }
    }
    // A page cut from a whole window starts at the offset within it.
    std::size_t first = 0, last = ranked.size();
    if (page) {
        first = std::min<std::size_t>(options.offset, ranked.size());
        last = std::min<std::size_t>(page_end, ranked.size());
    }
    if (has_remote_ && first != last) {
        // The hits' documents in one request from a remote shard.
        // (A whole window's page may come from anywhere in it: all of it.)
        if (page) {
            mset.fetch(mset.begin(), mset.end());
            if (first_pass_top && reranked_count < first_pass_top->size())
                first_pass_top->fetch((*first_pass_top)[reranked_count], first_pass_top->end());
        } else {
            mset.fetch(ranked[first].first, last < ranked.size() ? ranked[last].first : mset.end());
        }
    }
    for (std::size_t i = first; i < last; ++i) {
        const Xapian::MSetIterator& it = ranked[i].first;
        Hit hit;
        hit.docid = *it;
        hit.rank = ++rank;
        hit.score = ranked[i].second;
        if (options.collapse) hit.duplicates = first_pass_copies ? (*first_pass_copies)[*it] : it.get_collapse_count();
        Xapian::Document doc = it.get_document();
        // Without snippets the article's text is not kept (it is most of the record), nor read
        // when the index has the record without it in a slot: Xapian inflates a record whole
        // (measured: get_data was 7% of a query without snippets, most of it zlib).
        StoredFields stored;
        const bool fields_only = !options.snippets && hit_fields_slot_;
        if (read_stored_fields(fields_only ? doc.get_value(schema::kSlotHitFields) : doc.get_data(), options.snippets,
                               stored)) {
            hit.id = std::move(stored.id);
            hit.title = std::move(stored.title);
            hit.date = std::move(stored.date);
            hit.lang = std::move(stored.lang);
            hit.credit = std::move(stored.credit);
            hit.url = std::move(stored.url);
            hit.text = std::move(stored.text);
        }
        if (options.snippets) {
            hit.snippet = make_snippet(hit.text.empty() ? hit.title : hit.text, language_from_code(hit.lang),
                                       query.highlight, *analyzer_);
        }
        if (options.explain) {
            if (auto p = parts.find(hit.docid); p != parts.end()) hit.parts = p->second;
            // Each term's own BM25 weight for this document: the same scheme, one term at a
            // time, filtered to this document by its id term.
            Xapian::Enquire single(db_);
            single.set_weighting_scheme(Xapian::BM25Weight(r.bm25_k1, 0, 1, r.bm25_b, r.bm25_min_normlen));
            const std::string id_term = schema::id_term(hit.id);
            for (auto t = query.query.get_unique_terms_begin(); t != query.query.get_unique_terms_end(); ++t) {
                single.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(*t), Xapian::Query(id_term)));
                Xapian::MSet one = single.get_mset(0, 1);
                if (!one.empty() && one.begin().get_weight() > 0) {
                    hit.explanation.push_back({*t, one.begin().get_weight()});
                }
            }
        }
        result.hits.push_back(std::move(hit));
    }
    return result;
}

}  // namespace izdeu::query
