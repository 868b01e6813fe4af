#include "facets.h"

#include <algorithm>
#include <map>

#include "schema.h"
#include "stored_fields.h"
#include "transliteration.h"

namespace izdeu::query {

namespace {

/// A credit is the set of its words (the XC terms): each word adds its own hash, so the order
/// the words are met in does not matter.
std::uint64_t word_hash(const std::string& term) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : term) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    // Mixed once more so that sums of two words rarely meet another word's hash.
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h | 1;
}

/// Hands each match's docid to a function (local, single-database matches only).
template <typename Count>
class FacetSpy : public Xapian::MatchSpy {
  public:
    explicit FacetSpy(Count& count) : count_(count) {}
    void operator()(const Xapian::Document& doc, double) override { count_(doc.get_docid()); }

  private:
    Count& count_;
};

}  // namespace

FacetColumns::FacetColumns(const Xapian::Database& db) : doccount_(db.get_doccount()), lastdocid_(db.get_lastdocid()) {
    const std::size_t size = static_cast<std::size_t>(lastdocid_) + 1;
    language_of_.assign(size, 0);
    credit_of_.assign(size, 0);
    month_of_.assign(size, 0);
    const std::string language_prefix(schema::kLanguagePrefix);
    for (auto t = db.allterms_begin(language_prefix); t != db.allterms_end(language_prefix); ++t) {
        if (languages_.size() >= 255) break;
        languages_.push_back((*t).substr(language_prefix.size()));
        const auto index = static_cast<std::uint8_t>(languages_.size());
        for (auto p = db.postlist_begin(*t); p != db.postlist_end(*t); ++p) {
            if (*p < size) language_of_[*p] = index;
        }
    }
    // A credit counts under its words' name keys, so that one agency written in three scripts
    // (Akorda, Акорда, Ақорда) is one line; it is shown as most of the matches write it.
    const std::string credit_prefix(schema::kCreditPrefix);
    std::vector<std::uint64_t> group_of(size, 0);
    for (auto t = db.allterms_begin(credit_prefix); t != db.allterms_end(credit_prefix); ++t) {
        const std::string key = name_key(std::string_view(*t).substr(credit_prefix.size()));
        const std::uint64_t group = word_hash(key.empty() ? *t : "\x01" + key), written = word_hash(*t);
        for (auto p = db.postlist_begin(*t); p != db.postlist_end(*t); ++p) {
            if (*p >= size) continue;
            group_of[*p] += group;
            credit_of_[*p] += written;
        }
    }
    // The same words give the same group: one entry per credit as written, not per article.
    for (std::size_t did = 1; did < size; ++did) {
        if (credit_of_[did] != 0) credit_group_of_.emplace(credit_of_[did], group_of[did]);
    }
    for (auto v = db.valuestream_begin(schema::kSlotDate); v != db.valuestream_end(schema::kSlotDate); ++v) {
        const std::string date = *v;  // YYYYMMDDHHMM
        if (v.get_docid() >= size || date.size() < 6) continue;
        const int year = std::atoi(date.substr(0, 4).c_str());
        const int month = std::atoi(date.substr(4, 2).c_str());
        if (year < 1 || year > 5000 || month < 1 || month > 12) continue;
        month_of_[v.get_docid()] = static_cast<std::uint16_t>(year * 12 + month - 1);
    }
}

bool FacetColumns::matches(const Xapian::Database& db) const {
    return db.get_doccount() == doccount_ && db.get_lastdocid() == lastdocid_;
}

Facets count_facets(const Xapian::Database& db, FacetColumns& columns, const Xapian::Query& matching,
                    std::size_t top_credits, double time_limit_seconds) {
    Facets facets;
    std::vector<Xapian::doccount> by_language(columns.languages_.size() + 1, 0);
    struct Spelling {
        Xapian::doccount count = 0;
        Xapian::docid first = 0;
    };
    std::unordered_map<std::uint64_t, Spelling> spellings;  // by credit as written
    std::map<std::uint16_t, Xapian::doccount> by_month;
    const auto count_match = [&](Xapian::docid did) {
        ++facets.counted;
        // An article added after the columns were read counts as unknown until they are read
        // again.
        if (did >= columns.language_of_.size()) return;
        ++by_language[columns.language_of_[did]];
        if (const std::uint64_t credit = columns.credit_of_[did]) {
            Spelling& spelling = spellings[credit];
            if (spelling.count++ == 0 || did < spelling.first) spelling.first = did;
        }
        if (const std::uint16_t month = columns.month_of_[did]) {
            ++by_month[month];
        } else {
            ++facets.undated;
        }
    };
    // Every match, without scores.
    Xapian::Enquire enquire(db);
    enquire.set_query(matching);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    if (time_limit_seconds > 0) enquire.set_time_limit(time_limit_seconds);
    if (db.size() == 1) {
        // One database: a MatchSpy meets every match (check_at_least covers them all) with the
        // docids the columns use, and no MSet of every match is built and sorted (+3% requests
        // a second with facets, BENCHMARKS.md). Over shards the spy is handed each shard's own docid, and a
        // remote shard would have to know the spy: the MSet of every match, in docid order.
        FacetSpy spy(count_match);
        enquire.add_matchspy(&spy);
        enquire.get_mset(0, 0, db.get_doccount());
    } else {
        const Xapian::MSet all = enquire.get_mset(0, db.get_doccount());
        for (auto it = all.begin(); it != all.end(); ++it) count_match(*it);
    }
    for (std::size_t i = 1; i < by_language.size(); ++i) {
        if (by_language[i] > 0) facets.languages.push_back({columns.languages_[i - 1], by_language[i]});
    }
    const auto most_first = [](const FacetCount& a, const FacetCount& b) {
        return a.count > b.count || (a.count == b.count && a.value < b.value);
    };
    std::sort(facets.languages.begin(), facets.languages.end(), most_first);

    // Spellings of one credit (its group) counted together, shown as most of the matches write it
    // (the first of them on a tie).
    struct Credit {
        Xapian::doccount count = 0;
        std::uint64_t written = 0;
        const Spelling* shown = nullptr;
    };
    std::unordered_map<std::uint64_t, Credit> by_credit;
    for (const auto& [written, spelling] : spellings) {
        Credit& c = by_credit[columns.credit_group_of_.at(written)];
        c.count += spelling.count;
        if (c.shown == nullptr || spelling.count > c.shown->count ||
            (spelling.count == c.shown->count && spelling.first < c.shown->first)) {
            c.shown = &spelling;
            c.written = written;
        }
    }
    std::vector<std::pair<Xapian::doccount, std::uint64_t>> credits;
    for (const auto& [group, credit] : by_credit) credits.emplace_back(credit.count, group);
    std::sort(credits.begin(), credits.end(), [](const auto& a, const auto& b) {
        return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    for (std::size_t i = 0; i < credits.size() && facets.credits.size() < top_credits; ++i) {
        // Read once per spelling from an article that has it.
        const Credit& credit = by_credit[credits[i].second];
        const std::uint64_t written = credit.written;
        const Spelling* shown = credit.shown;
        auto name = columns.credit_names_.find(written);
        if (name == columns.credit_names_.end()) {
            StoredFields stored;
            read_stored_fields(db.get_document(shown->first).get_data(), false, stored);
            name = columns.credit_names_.emplace(written, std::move(stored.credit)).first;
        }
        if (!name->second.empty()) facets.credits.push_back({name->second, credits[i].first});
    }
    std::sort(facets.credits.begin(), facets.credits.end(), most_first);

    for (const auto& [month, count] : by_month) {
        char text[16];
        std::snprintf(text, sizeof text, "%04d-%02d", month / 12, month % 12 + 1);
        facets.months.push_back({text, count});
    }
    return facets;
}

}  // namespace izdeu::query
