#pragma once
// Helpers shared by the tests: temporary folders and small databases built through the real
// indexing code.

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <xapian.h>

#include "analyzer.h"
#include "article.h"
#include "document_builder.h"
#include "lead_terms.h"
#include "schema.h"

namespace izdeu::testing {

/// A temporary folder removed when the test ends.
class TempDir {
  public:
    TempDir() {
        std::random_device rd;
        path_ = std::filesystem::temp_directory_path() / ("izdeu-test-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string str(const std::string& sub = "") const { return (path_ / sub).string(); }

    void write(const std::string& relative, const std::string& content) const {
        auto p = path_ / relative;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream out(p, std::ios::binary);
        out << content;
    }

  private:
    std::filesystem::path path_;
};

struct SimpleArticle {
    std::string id, title, body, lang = "";
    std::string date = "";
    std::string credit = "";
};

/// Builds a database from articles with the real document builder, as the indexer would.
inline void build_database(const std::string& path, const std::vector<SimpleArticle>& articles,
                           AnalyzerOptions options = {}) {
    Analyzer analyzer(options);
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OVERWRITE);
    for (const SimpleArticle& s : articles) {
        Article a;
        a.id = s.id;
        a.title = s.title;
        a.body = s.body;
        a.language = s.lang;
        a.credit = s.credit;
        if (!s.date.empty()) a.published = parse_date(s.date);
        BuiltDocument built = build_document(a, "/test/" + s.id, analyzer);
        db.replace_document(built.id_term, built.document);
    }
    db.set_metadata(std::string(schema::kMetaSchemaVersion), std::to_string(schema::kSchemaVersion));
    db.set_metadata(std::string(schema::kMetaAnalyzer), analyzer.fingerprint());
    db.set_metadata(std::string(schema::kMetaLeadTerms), lead_slot_description());  // as a first build
    db.set_metadata(std::string(schema::kMetaHitFields), "1");
    db.commit();
}

// Articles whose query words fall before, at and after the lead's end, in three languages, with
// and without titles, and words of one family that the stemmers keep apart. `vocabulary`: the
// words queries can be made of.
inline std::vector<SimpleArticle> varied_articles(std::vector<std::string>& vocabulary) {
    vocabulary = {"economy",  "economic",  "germany",  "german",    "court",         "courts",     "flood",
                  "floods",   "minister",  "ministry", "election",  "elections",     "river",      "rivers",
                  "суд",      "суда",      "паводок",  "паводка",   "казахстан",     "казахстане", "министр",
                  "министра", "выборы",    "сот",      "сотқа",     "сайлау",        "сайлауда",   "су",
                  "тасқыны",  "экономика", "report",   "reporting", "international", "interview"};
    const std::vector<std::string> filler = {"the", "and", "was", "today", "people", "city",  "year",
                                             "new", "и",   "в",   "город", "люди",   "бүгін", "адамдар"};
    std::mt19937 random(20261130);
    auto pick = [&](const std::vector<std::string>& from) { return from[random() % from.size()]; };
    std::vector<SimpleArticle> articles;
    for (int i = 0; i < 120; ++i) {
        std::ostringstream body, title;
        const int title_words = static_cast<int>(random() % 6);  // no title for some
        for (int w = 0; w < title_words; ++w)
            title << (w ? " " : "") << (random() % 2 ? pick(vocabulary) : pick(filler));
        const int body_words = 10 + static_cast<int>(random() % 60);
        for (int w = 0; w < body_words; ++w) body << (w ? " " : "") << (random() % 4 ? pick(filler) : pick(vocabulary));
        body << '.';
        articles.push_back({"a" + std::to_string(i), title.str(), body.str()});
    }
    return articles;
}

/// `count` queries of min_words to max_words words drawn from `vocabulary`, the same for a seed.
inline std::vector<std::string> random_queries(const std::vector<std::string>& vocabulary, int count, int min_words,
                                               int max_words, unsigned seed) {
    std::mt19937 random(seed);
    std::vector<std::string> queries;
    for (int q = 0; q < count; ++q) {
        std::string query;
        for (int w = min_words + static_cast<int>(random() % static_cast<unsigned>(max_words - min_words + 1)); w > 0;
             --w)
            query += vocabulary[random() % vocabulary.size()] + " ";
        queries.push_back(query);
    }
    return queries;
}

}  // namespace izdeu::testing
