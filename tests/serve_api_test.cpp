// izdeu-serve's library without HTTP: facets, filters from parameters, whole-text highlights, and
// the API's answers (status, parameter, column) called directly.

#include <algorithm>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "document_builder.h"
#include "errors.h"
#include "facets.h"
#include "query_builder.h"
#include "query_filters.h"
#include "query_parser.h"
#include "search_api.h"
#include "searcher.h"
#include "snippet.h"
#include "test_support.h"

using namespace izdeu;
using izdeu::testing::TempDir;

namespace {

struct Row {
    std::string id, title, body, lang, credit, date;
};

// Rows as the tables below write them (credit before date), built by the shared test builder.
void build(const std::string& path, const std::vector<Row>& rows) {
    std::vector<izdeu::testing::SimpleArticle> articles;
    for (const Row& r : rows) articles.push_back({r.id, r.title, r.body, r.lang, r.date, r.credit});
    izdeu::testing::build_database(path, articles);
}

const std::vector<Row> kRows = {
    {"a", "Court rules", "The court ruled on pensions.", "en", "Akorda", "2023-08-01"},
    {"b", "Court again", "Another court hearing on budgets.", "en", "Senate press service", "2023-08-20"},
    {"c", "Суд решил", "Суд рассмотрел дело о пенсиях.", "ru", "Akorda", "2023-09-02"},
    {"d", "Сот шешті", "Сот зейнетақы туралы іс қарады.", "kk", "Senate press service", ""},
    {"e", "Budget news", "The budget grew; no court here.", "en", "", "2024-01-15"},
};

std::string facet_line(const std::vector<query::FacetCount>& counts) {
    std::string out;
    for (const auto& c : counts) out += (out.empty() ? "" : " ") + c.value + "=" + std::to_string(c.count);
    return out;
}

}  // namespace

TEST_CASE("Facets count the languages, credits and months of a query's matches", "[serve][facets]") {
    TempDir dir;
    build(dir.str("db"), kRows);
    query::Searcher searcher({dir.str("db")}, "");
    query::FacetColumns columns(searcher.database());
    query::QueryBuilder builder(searcher.analyzer(), query::RankingOptions(), &searcher.database());
    struct Case {
        std::string query, languages, credits, months;
        Xapian::doccount undated;
    };
    const std::vector<Case> cases = {
        {"court OR суд OR сот", "en=3 kk=1 ru=1", "Akorda=2 Senate press service=2", "2023-08=2 2023-09=1 2024-01=1",
         1},
        {"court", "en=3", "Akorda=1 Senate press service=1", "2023-08=2 2024-01=1", 0},
        {"budget lang:en", "en=2", "Senate press service=1", "2023-08=1 2024-01=1", 0},
        {"zzzz", "", "", "", 0},
    };
    for (const Case& c : cases) {
        CAPTURE(c.query);
        query::BuiltQuery built = builder.build(query::parse_query(c.query, {}));
        const query::Facets f =
            query::count_facets(searcher.database(), columns, built.base.empty() ? built.query : built.base);
        CHECK(facet_line(f.languages) == c.languages);
        CHECK(facet_line(f.credits) == c.credits);
        CHECK(facet_line(f.months) == c.months);
        CHECK(f.undated == c.undated);
    }
    CHECK(columns.matches(searcher.database()));
}

TEST_CASE("One credit written in three scripts is one facet line and one filter", "[serve][facets][names]") {
    TempDir dir;
    build(dir.str("db"), {
                             {"a", "Court rules", "The court ruled on pensions.", "en", "Akorda", "2023-08-01"},
                             {"c", "Суд решил", "Суд рассмотрел дело о пенсиях.", "ru", "Акорда", "2023-09-02"},
                             {"f", "Сот шешті", "Сот зейнетақы туралы іс қарады.", "kk", "Ақорда", "2023-09-03"},
                             {"g", "Суд снова", "Суд рассмотрел жалобу.", "ru", "Акорда", "2023-09-04"},
                             {"k", "Court news", "The court heard the case.", "en", "Kazinform", "2023-09-05"},
                             {"t", "Суд и дело", "Суд отложил дело.", "ru", "Tengrinews", "2023-09-06"},
                         });
    query::Searcher searcher({dir.str("db")}, "");
    query::FacetColumns columns(searcher.database());
    const auto ids = [&](const std::string& text, bool translit) {
        query::RankingOptions ranking;
        ranking.translit = translit;
        query::QueryBuilder builder(searcher.analyzer(), ranking, &searcher.database());
        query::SearchOptions options;
        options.limit = 10;
        std::vector<std::string> found;
        for (const query::Hit& h : searcher.search(builder.build(query::parse_query(text, {})), options).hits) {
            found.push_back(h.id);
        }
        std::sort(found.begin(), found.end());
        return found;
    };
    query::QueryBuilder builder(searcher.analyzer(), query::RankingOptions(), &searcher.database());
    const auto credits = [&](const std::string& text) {
        const query::BuiltQuery built = builder.build(query::parse_query(text, {}));
        return facet_line(
            query::count_facets(searcher.database(), columns, built.base.empty() ? built.query : built.base).credits);
    };
    // Shown as most of the matches write it (the first of them on a tie); other credits keep
    // their own lines.
    CHECK(credits("court OR суд OR сот") == "Акорда=4 Kazinform=1 Tengrinews=1");
    CHECK(credits("суд") == "Акорда=2 Tengrinews=1");
    CHECK(credits("court OR сот") == "Akorda=2 Kazinform=1");
    const std::vector<std::string> akorda = {"a", "c", "f", "g"};
    for (const std::string spelling : {"Akorda", "Акорда", "Ақорда", "akorda"}) {
        CAPTURE(spelling);
        CHECK(ids("credit:" + spelling, true) == akorda);
    }
    CHECK(ids("credit:Akorda", false) == std::vector<std::string>{"a"});
    CHECK(ids("credit:Kazinform", true) == std::vector<std::string>{"k"});
}

TEST_CASE("Filters from parameters mean what the same words typed in a query mean", "[serve][filters]") {
    const query::ParseOptions today{2024, 3, 15};
    CHECK(query::to_string(query::since_filter("2023-08..2023-08", today)) ==
          query::to_string(query::parse_query("date:2023-08..2023-08", today)));
    CHECK(query::to_string(query::since_filter("7d", today)) ==
          query::to_string(query::parse_query("date:7d..", today)));
    CHECK(query::to_string(query::language_filter("kk", today)) ==
          query::to_string(query::parse_query("lang:kk", today)));
    CHECK(query::to_string(query::credit_filter("Senate \"press\" service", today)) ==
          query::to_string(query::parse_query("credit:\"Senate  press  service\"", today)));
    for (const std::string bad : {"ru OR x", "", "r:u", "(kk)"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(query::language_filter(bad, today), UsageError);
    }
    CHECK_THROWS_AS(query::since_filter("yesterday", today), UsageError);
    CHECK_THROWS_AS(query::credit_filter("\"\"", today), UsageError);
}

TEST_CASE("A whole text is marked wherever a form of the query's words occurs", "[serve][snippet]") {
    Analyzer analyzer{AnalyzerOptions{}};
    HighlightSet wanted;
    wanted.terms = {"court"};
    wanted.stems = {"court"};
    const std::string text = "Courts and the court's ruling; a courtyard is not a court.";
    std::string marked;
    std::size_t at = 0;
    for (const auto& [s, e] : highlight_text(text, Language::English, wanted, analyzer)) {
        marked += text.substr(at, s - at) + "[" + text.substr(s, e - s) + "]";
        at = e;
    }
    marked += text.substr(at);
    CHECK(marked == "[Courts] and the [court's] ruling; a courtyard is not a [court].");
    CHECK(highlight_text(text, Language::English, HighlightSet{}, analyzer).empty());
}

TEST_CASE("The API answers a caller's mistakes with 400 and a missing database with 503", "[serve][api]") {
    TempDir dir;
    build(dir.str("db"), kRows);
    serve::SearcherPool pool({{dir.str("db")}, "", false, ""}, 2);
    serve::SearchApi api(pool, serve::ApiLimits(), [] { return serve::Today{2024, 3, 15}; });
    struct Case {
        serve::Params params;
        int status;
        std::string parameter;
        int column;
    };
    const std::vector<Case> cases = {
        {{{"q", "court"}}, 200, "", 0},
        {{{"q", "court \"x"}}, 400, "q", 7},
        {{{"q", "court"}, {"limit", "101"}}, 400, "limit", 0},
        {{{"q", "court"}, {"sort", "views"}}, 400, "sort", 0},
        {{{"q", "court"}, {"lang", "xx"}}, 400, "lang", 0},
        {{{"q", "court"}, {"nope", "1"}}, 400, "nope", 0},
        {{{"q", "court"}, {"q", "суд"}}, 400, "q", 0},
        {{}, 400, "q", 0},
    };
    for (const Case& c : cases) {
        const serve::ApiResponse r = api.search(c.params);
        CAPTURE(r.body);
        const auto body = nlohmann::json::parse(r.body);
        CHECK(r.status == c.status);
        if (c.status != 200) CHECK(body.value("parameter", "") == c.parameter);
        if (c.column) CHECK(body.value("column", 0) == c.column);
    }
    const auto ok = nlohmann::json::parse(api.search({{"q", "court"}, {"lang", "en"}}).body);
    CHECK(ok["total"] == 3);
    CHECK(ok["facets"]["lang"].size() == 1);

    serve::SearcherPool none({{dir.str("missing")}, "", false, ""}, 1);
    serve::SearchApi unavailable(none, serve::ApiLimits(), [] { return serve::Today{}; });
    CHECK(unavailable.search({{"q", "court"}}).status == 503);
    CHECK(unavailable.health().status == 503);
    CHECK(unavailable.search({{"q", "(court"}}).status == 400);
}
