// The lead slot (common/lead_terms.h): its keys are stored in indexes, so they are golden; and the
// lead boost read from it must rank exactly as the lead read from positions.
#include <catch2/catch.hpp>


#include "lead_terms.h"
#include "query_builder.h"
#include "searcher.h"
#include "test_support.h"

using namespace izdeu;
using namespace izdeu::query;

TEST_CASE("Lead keys are the ones existing indexes hold", "[lead]") {
    // A change here makes every index's slot unreadable without anyone noticing: the keys are
    // part of the schema (bump it, or keep the old function, before changing them).
    CHECK(lead_term_key("court") == 0xc3342176b4ULL);
    CHECK(lead_term_key("Zeconomi") == 0x1f5a7840f6ULL);
    CHECK(lead_term_key("казахстан") == 0x13d7ca1cf3ULL);
    CHECK(lead_family_key("Zgerma") == 0x71ac750b83ULL);
    CHECK(lead_term_key("Zgerma") != lead_family_key("Zgerma"));  // a term and a family never meet
    CHECK(lead_slot_description() == "words 30 family 5");
}

TEST_CASE("A family is a word's first letters, counted as characters", "[lead]") {
    CHECK(first_letters("germany", 5) == "germa");
    CHECK(first_letters("germa", 5) == "germa");
    CHECK(first_letters("germ", 5).empty());
    CHECK(first_letters("казахстане", 5) == "казах");
    CHECK(first_letters("сотқа", 5) == "сотқа");
    CHECK(first_letters("ёлка", 5).empty());
    CHECK(first_letters("", 5).empty());
}

TEST_CASE("The slot holds the terms with a position in the lead, and their families", "[lead]") {
    LeadTermsWriter writer;
    writer.add("first", 1);                                      // a title word
    writer.add("edge", schema::kTitleBodyGap + kLeadSlotWords);  // the lead's last position
    writer.add("after", schema::kTitleBodyGap + kLeadSlotWords + 1);
    writer.add("first", 120);  // twice: one key
    writer.add_stem("Zeconomi", 1, 105);
    writer.add_stem("Zeco", 1, 106);      // too short for a family
    writer.add_stem("Zgermani", 1, 500);  // past the lead: nothing
    const std::string value = writer.value();
    CHECK(value.size() == 5 * 5);  // first, edge, Zeconomi, its family, Zeco
    const LeadTerms lead(value);
    CHECK(lead.contains(lead_term_key("first")));
    CHECK(lead.contains(lead_term_key("edge")));
    CHECK_FALSE(lead.contains(lead_term_key("after")));
    CHECK(lead.contains(lead_term_key("Zeconomi")));
    CHECK(lead.contains(lead_family_key("Zecono")));
    CHECK(lead.contains(lead_term_key("Zeco")));
    CHECK_FALSE(lead.contains(lead_family_key("Zeco")));
    CHECK_FALSE(lead.contains(lead_term_key("Zgermani")));
    CHECK_FALSE(lead.contains(lead_family_key("Zgerma")));
    CHECK_FALSE(LeadTerms("").contains(lead_term_key("first")));
}

namespace {

std::vector<std::pair<std::string, double>> ranking(Searcher& searcher, const std::string& query,
                                                    const RankingOptions& r) {
    QueryBuilder builder(searcher.analyzer(), r);
    SearchOptions options;
    options.ranking = r;
    options.limit = 50;
    options.snippets = false;
    std::vector<std::pair<std::string, double>> out;
    for (const Hit& hit : searcher.search(builder.build_plain(query), options).hits)
        out.emplace_back(hit.id, hit.score);
    return out;
}

}  // namespace

TEST_CASE("The lead read from the slot ranks exactly as the lead read from positions", "[lead][ranking]") {
    testing::TempDir dir;
    std::vector<std::string> vocabulary;
    testing::build_database(dir.str("db"), testing::varied_articles(vocabulary));
    const std::vector<std::string> queries = testing::random_queries(vocabulary, 60, 1, 3, 7);
    RankingOptions no_family;
    no_family.lead_prefix = 0;
    std::vector<std::vector<std::pair<std::string, double>>> from_slot, from_positions;
    {
        Searcher searcher({dir.str("db")}, "");
        for (const std::string& query : queries) {
            from_slot.push_back(ranking(searcher, query, RankingOptions{}));
            from_slot.push_back(ranking(searcher, query, no_family));
        }
    }
    {
        Xapian::WritableDatabase db(dir.str("db"), Xapian::DB_OPEN);
        db.set_metadata(std::string(schema::kMetaLeadTerms), "");  // as an index made before the slot
        db.commit();
    }
    Searcher searcher({dir.str("db")}, "");
    for (const std::string& query : queries) {
        from_positions.push_back(ranking(searcher, query, RankingOptions{}));
        from_positions.push_back(ranking(searcher, query, no_family));
    }
    for (std::size_t i = 0; i < from_slot.size(); ++i) {
        INFO(queries[i / 2] << (i % 2 ? " (no family)" : ""));
        REQUIRE(from_slot[i] == from_positions[i]);
    }
}

TEST_CASE("Searches read the lead from the slot when the index says every article has it", "[lead][ranking]") {
    testing::TempDir dir;
    const std::string filler = " The report was published and the people read it in the city today.";
    std::string later;
    for (int i = 0; i < 6; ++i) later += filler;
    // "opens" names the words first; "mentions" has them more often, after 60 other words.
    testing::build_database(dir.str("db"), {{"opens", "", "Glacier survey began." + later},
                                            {"mentions", "", later + " Glacier survey, glacier survey, glacier."}});
    auto first = [&]() {
        Searcher searcher({dir.str("db")}, "");
        return ranking(searcher, "glacier survey", RankingOptions{}).at(0).first;
    };
    REQUIRE(first() == "opens");
    // Emptied slots with the index still saying they are there: the lead is what the slot says.
    {
        Xapian::WritableDatabase db(dir.str("db"), Xapian::DB_OPEN);
        for (Xapian::docid id = 1; id <= db.get_lastdocid(); ++id) {
            Xapian::Document doc = db.get_document(id);
            doc.remove_value(schema::kSlotLeadTerms);
            db.replace_document(id, doc);
        }
        db.commit();
    }
    CHECK(first() == "mentions");
    {
        Xapian::WritableDatabase db(dir.str("db"), Xapian::DB_OPEN);
        db.set_metadata(std::string(schema::kMetaLeadTerms), "");
        db.commit();
    }
    CHECK(first() == "opens");  // positions again
}
