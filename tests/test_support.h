#pragma once
// Helpers shared by the tests: temporary folders and small databases built through the real
// indexing code.

#include <filesystem>
#include <fstream>
#include <random>
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
    db.commit();
}

}  // namespace izdeu::testing
