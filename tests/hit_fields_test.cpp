// The hit fields slot (schema::kSlotHitFields): a hit shown without a snippet reads the record
// without its text from a value slot, and must show exactly what the whole record says.
#include <catch2/catch.hpp>

#include "query_builder.h"
#include "schema.h"
#include "searcher.h"
#include "test_support.h"

using namespace izdeu;
using namespace izdeu::query;

namespace {

/// Every shown field of each hit of `query`, snippets on or off.
std::vector<std::vector<std::string>> shown(const std::string& db, const std::string& query, bool snippets) {
    Searcher searcher({db}, "");
    QueryBuilder builder(searcher.analyzer(), RankingOptions{});
    SearchOptions options;
    options.snippets = snippets;
    std::vector<std::vector<std::string>> out;
    for (const Hit& hit : searcher.search(builder.build_plain(query), options).hits)
        out.push_back({hit.id, hit.title, hit.date, hit.lang, hit.credit, hit.url, hit.text});
    return out;
}

}  // namespace

TEST_CASE("Hits without snippets show from the slot what the whole record says", "[hits]") {
    testing::TempDir dir;
    const std::string db = dir.str("db");
    testing::build_database(db, {{"a/1", "River flood \"warning\"", "The river flood reached the town.", "en",
                                  "2024-05-01", "Анна Иванова"},
                                 {"b/2", "", "Flood water in the river valley, again.", "en"},
                                 {"c/3", "Паводок", "Паводок на реке: river flood.", "ru", "2023-01-02 10:30"}});
    {
        Xapian::Database check(db);
        const std::string fields = check.get_document(1).get_value(schema::kSlotHitFields);
        CHECK(fields.find("\"id\"") != std::string::npos);
        CHECK(fields.find("\"text\"") == std::string::npos);  // the point of the slot
    }
    const auto from_slot = shown(db, "river flood", false);
    const auto with_snippets = shown(db, "river flood", true);
    REQUIRE(from_slot.size() == 3);
    {
        Xapian::WritableDatabase w(db, Xapian::DB_OPEN);
        w.set_metadata(std::string(schema::kMetaHitFields), "");  // as an index made before the slot
        w.commit();
    }
    const auto from_record = shown(db, "river flood", false);
    CHECK(from_slot == from_record);
    for (std::size_t i = 0; i < from_slot.size(); ++i) {
        INFO(from_slot[i][0]);
        CHECK(from_slot[i][6].empty());  // no text without snippets
        std::vector<std::string> without_text = with_snippets[i];
        without_text[6].clear();
        CHECK(from_slot[i] == without_text);
    }
    CHECK(from_slot[0][4] == "Анна Иванова");
}

TEST_CASE("Hits read the slot only when the index says every article has it", "[hits]") {
    testing::TempDir dir;
    const std::string db = dir.str("db");
    testing::build_database(db, {{"a/1", "River", "The river flood.", "en"}});
    {
        // The slot emptied with the index still saying it is there: hits show what it says.
        Xapian::WritableDatabase w(db, Xapian::DB_OPEN);
        Xapian::Document doc = w.get_document(1);
        doc.add_value(schema::kSlotHitFields, R"({"id":"from the slot","lang":"en","title":"River"})");
        w.replace_document(1, doc);
        w.commit();
    }
    CHECK(shown(db, "river", false).at(0).at(0) == "from the slot");
    CHECK(shown(db, "river", true).at(0).at(0) == "a/1");  // snippets read the whole record
    {
        Xapian::WritableDatabase w(db, Xapian::DB_OPEN);
        w.set_metadata(std::string(schema::kMetaHitFields), "");
        w.commit();
    }
    CHECK(shown(db, "river", false).at(0).at(0) == "a/1");
}
