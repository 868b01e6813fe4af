// Relevance ranks in two passes (searcher.cpp): the first ranks every match by its words, the
// second scores the first's best articles by the boosts and adds the two. The sum must be the
// score that one query of the words and the boosts gives each article.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "query_builder.h"
#include "searcher.h"
#include "test_support.h"

using namespace izdeu;
using namespace izdeu::query;

TEST_CASE("The two passes score every article as one query of the words and boosts would", "[ranking]") {
    testing::TempDir dir;
    std::vector<std::string> vocabulary;
    std::vector<testing::SimpleArticle> articles = testing::varied_articles(vocabulary);
    // Articles with two words side by side, near each other and far apart: the phrase and near
    // boosts must credit only the ones that have them so.
    std::string filler;
    for (int i = 0; i < 12; ++i) filler += " the people of the city read it";
    articles.push_back({"side_by_side", "", "The river flood came in spring." + filler});
    articles.push_back({"near", "", "The river and its great flood came." + filler});
    articles.push_back({"apart", "", "The river was calm." + filler + " A flood came later."});
    // Enough articles with both words, near or apart, that their posting lists span several chunks.
    for (int i = 0; i < 3000; ++i) {
        articles.push_back({"many" + std::to_string(i), "",
                            "The river " + vocabulary[i % vocabulary.size()] + " report." +
                                filler.substr(0, (i % 7) * 30) + " flood " + vocabulary[(i * 7) % vocabulary.size()] +
                                "."});
    }
    testing::build_database(dir.str("db"), articles);

    std::vector<std::string> queries = {"river flood", "\"river flood\"", "flood river", "river flood court"};
    for (const std::string& query : testing::random_queries(vocabulary, 40, 2, 3, 11)) queries.push_back(query);
    RankingOptions r;
    r.feedback_terms = 0;       // its terms are the searcher's choice: checked by the evaluation harness
    r.lead_boost = 0;           // re-orders after the sum (lead_terms_test.cpp)
    r.coverage_boost = 0;       // likewise (below)
    r.rerank_documents = 5000;  // every match: past them, the first pass's order continues
    r.near_boost = 0.5;         // off by default; on here, so that its crediting is checked too
    Searcher searcher({dir.str("db")}, "");
    for (const std::string& text : queries) {
        INFO(text);
        QueryBuilder builder(searcher.analyzer(), r);
        const BuiltQuery built = builder.build_plain(text);
        SearchOptions options;
        options.ranking = r;
        options.limit = 5000;
        options.snippets = false;
        options.collapse = false;
        const SearchResult result = searcher.search(built, options);

        // One query: the words, and the boosts where an article has them.
        Xapian::Enquire one(searcher.database());
        one.set_weighting_scheme(Xapian::BM25Weight(r.bm25_k1, 0, 1, r.bm25_b, r.bm25_min_normlen));
        const Xapian::Query words = built.base.empty() ? built.query : built.base;
        one.set_query(built.boosts.empty() ? words
                                           : Xapian::Query(Xapian::Query::OP_AND_MAYBE, words,
                                                           Xapian::Query(Xapian::Query::OP_OR, built.boosts,
                                                                         Xapian::Query(0.0, words))));
        const Xapian::MSet expected = one.get_mset(0, 5000);
        std::map<Xapian::docid, double> expected_score;
        for (auto it = expected.begin(); it != expected.end(); ++it) expected_score[*it] = it.get_weight();

        REQUIRE(result.hits.size() == expected.size());
        for (const Hit& hit : result.hits) {
            INFO(hit.id);
            REQUIRE(expected_score.count(hit.docid) == 1);
            CHECK(hit.score == Approx(expected_score[hit.docid]).epsilon(1e-12));
        }
        // And in the same order: the better score first, then the lower docid (Xapian's).
        for (Xapian::doccount i = 0; i < expected.size(); ++i) CHECK(result.hits[i].docid == *expected[i]);
    }
    // The boosts do count: the same words rank side by side, then near, then apart.
    QueryBuilder builder(searcher.analyzer(), r);
    SearchOptions options;
    options.ranking = r;
    options.limit = 5000;
    options.snippets = false;
    std::map<std::string, double> score;
    for (const Hit& hit : searcher.search(builder.build_plain("river flood"), options).hits) score[hit.id] = hit.score;
    CHECK(score.at("side_by_side") > score.at("near"));
    CHECK(score.at("near") > score.at("apart"));
}

TEST_CASE("Feedback's term frequencies are the database's, as the table grows and when it is full", "[ranking]") {
    testing::TempDir dir;
    std::vector<std::string> vocabulary;
    testing::build_database(dir.str("db"), testing::varied_articles(vocabulary));
    Xapian::Database db(dir.str("db"));
    std::vector<std::string> terms;
    for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) terms.push_back(*t);
    for (int i = 0; i < 3000; ++i) terms.push_back("absent" + std::to_string(i));  // frequency 0, and growth
    REQUIRE(terms.size() > 3000);
    TermFrequencies frequencies(2000);  // full before the end: forgets everything, then fills again
    std::size_t most = 0;
    for (int round = 0; round < 2; ++round) {
        for (const std::string& term : terms) {
            INFO(term);
            REQUIRE(frequencies.of(db, term, term_hash(term)) == db.get_termfreq(term));
            most = std::max(most, frequencies.size());
        }
    }
    CHECK(most == 2000);
    frequencies.clear();
    CHECK(frequencies.size() == 0);
    CHECK(frequencies.of(db, "court", term_hash("court")) == db.get_termfreq("court"));
}

TEST_CASE("Feedback reads only articles the query's words weigh, not ones found by a weightless form", "[ranking]") {
    // A name's key (d-m-n for Damon) finds the other scripts' spellings at weight 0, and with
    // them words that only share the consonants (Доменных). Had those entered the feedback set,
    // their shared words would have lifted them all: the query `deamon` on the benchmark corpus
    // ranked three articles on Доменных above the three that have the word.
    testing::TempDir dir;
    std::vector<testing::SimpleArticle> articles = {
        {"damon1", "", "The ssh daemon written by Damon reads its configuration file when it starts and logs it."},
        {"damon2", "", "A user space tool that Damon wrote can write to this directory with root permission."},
        {"domain", "", "The registry said that Domain names are sold by many companies around the world."},
        {"deamon", "", "The ssh deamon reads its configuration file when it starts and logs each session."},
    };
    for (int i = 0; i < 12; ++i) {
        articles.push_back({"ru" + std::to_string(i), "",
                            "Раздел " + std::to_string(i) +
                                " описывает, как Система Доменных Имен Серверов связывает имена узлов с "
                                "адресами, и как администратор настраивает сервер имен для сети."});
    }
    testing::build_database(dir.str("db"), articles);
    Searcher searcher({dir.str("db")}, "");
    RankingOptions r;  // the defaults, feedback included
    const Xapian::Database database = searcher.database();
    QueryBuilder builder(searcher.analyzer(), r, &database);  // as the CLI builds: it reads the key's counts
    SearchOptions options;
    options.ranking = r;
    options.limit = 20;
    options.snippets = false;
    options.explain = true;
    SECTION("a name finds the other scripts' spellings, and only its own articles choose the feedback") {
        const SearchResult result = searcher.search(builder.build_plain("Damon"), options);
        REQUIRE(result.hits.size() == 14);  // found through the key: the two, then the twelve
        const std::set<std::string> first_two = {result.hits[0].id, result.hits[1].id};
        CHECK(first_two == std::set<std::string>{"damon1", "damon2"});
        CHECK(result.hits[1].score > 2 * result.hits[2].score);
        for (const std::string& term : result.feedback_terms) {
            INFO(term);
            CHECK(term.find("систем") == std::string::npos);
            CHECK(term.find("имен") == std::string::npos);
        }
    }
    SECTION("a word typed in lower case is a name only where the index writes it capitalised") {
        // deamon is never capitalised; its key is here only as Domain's and Damon's.
        const SearchResult result = searcher.search(builder.build_plain("deamon"), options);
        REQUIRE(result.hits.size() == 1);
        CHECK(result.hits[0].id == "deamon");
        // damon is written capitalised in both its articles: a name, found in the other scripts.
        CHECK(searcher.search(builder.build_plain("damon"), options).hits.size() == 14);
    }
}

TEST_CASE("Coverage: each re-ranked article gains by the square of the query's idf share it holds", "[ranking]") {
    // The graded form of the all-words boost: an article one word short keeps most of the gain
    // when the missing word is common, little when it is rare (EVALUATION.md, news, twelfth step).
    testing::TempDir dir;
    std::string filler;
    for (int i = 0; i < 6; ++i) filler += " the people of the city read it again";
    std::vector<testing::SimpleArticle> articles = {
        {"all", "", "A kayak, a zebra and a quartz stone." + filler},
        {"no_quartz", "", "A kayak and a zebra on the river." + filler},
        {"no_zebra", "", "A kayak and a quartz stone on the river." + filler},
        {"kayak_only", "", "A kayak on the river, and another kayak." + filler},
    };
    // zebra is common, kayak less, quartz rare (only in `all` and `no_zebra`).
    for (int i = 0; i < 30; ++i) articles.push_back({"zebra" + std::to_string(i), "", "A zebra ran." + filler});
    for (int i = 0; i < 5; ++i) articles.push_back({"kayak" + std::to_string(i), "", "A kayak sank." + filler});
    for (int i = 0; i < 20; ++i) articles.push_back({"other" + std::to_string(i), "", "Nothing here." + filler});
    testing::build_database(dir.str("db"), articles);
    Searcher searcher({dir.str("db")}, "");
    const Xapian::Database& db = searcher.database();

    RankingOptions r;
    r.feedback_terms = 0;
    r.phrase_boost = 0;
    r.lead_boost = 0;  // the coverage alone, against the words alone
    auto search = [&](const RankingOptions& with, bool explain) {
        SearchOptions options;
        options.ranking = with;
        options.limit = 100;
        options.snippets = false;
        options.collapse = false;
        options.explain = explain;
        QueryBuilder builder(searcher.analyzer(), with);
        return searcher.search(builder.build_plain("kayak zebra quartz"), options);
    };
    auto scores = [&](double coverage) {
        RankingOptions with = r;
        with.coverage_boost = coverage;
        std::map<std::string, double> by_id;
        for (const Hit& hit : search(with, false).hits) by_id[hit.id] = hit.score;
        return by_id;
    };
    const std::map<std::string, double> words = scores(0), covered = scores(0.1);
    REQUIRE(words.size() == covered.size());
    REQUIRE(words.size() == 4 + 30 + 5);
    double best = 0;
    for (const auto& [id, score] : words) best = std::max(best, score);
    // The words never inflect here: each word's one form, its idf as the searcher counts it.
    const double n = db.get_doccount();
    auto idf = [&](const char* term) { return std::log(n / (db.get_termfreq(term) + 0.5) + 1); };
    const double kayak = idf("kayak"), zebra = idf("zebra"), quartz = idf("quartz");
    const double total = kayak + zebra + quartz;
    REQUIRE(quartz > kayak);
    REQUIRE(kayak > zebra);
    auto gain = [&](double held) { return 0.1 * best * (held / total) * (held / total); };
    const std::map<std::string, double> expected_gain = {
        {"all", gain(total)},
        {"no_quartz", gain(kayak + zebra)},
        {"no_zebra", gain(kayak + quartz)},
        {"kayak_only", gain(kayak)},
        {"zebra0", gain(zebra)},
        {"kayak0", gain(kayak)},
    };
    for (const auto& [id, expected] : expected_gain) {
        INFO(id);
        CHECK(covered.at(id) - words.at(id) == Approx(expected).epsilon(1e-9));
    }
    // Missing the common word costs less than missing the rare one, and much less than two.
    CHECK(expected_gain.at("no_zebra") > expected_gain.at("no_quartz"));
    CHECK(expected_gain.at("no_quartz") > 2 * expected_gain.at("kayak_only"));
    CHECK(covered.at("all") > covered.at("no_zebra"));

    SECTION("explained as a part of its own, the parts adding up to the score") {
        RankingOptions with = r;
        with.lead_boost = 0.5;
        const SearchResult result = search(with, true);
        REQUIRE_FALSE(result.hits.empty());
        for (const Hit& hit : result.hits) {
            INFO(hit.id);
            REQUIRE(hit.parts);
            const ScoreParts& p = *hit.parts;
            CHECK(p.words + p.boosts_feedback + p.lead + p.coverage + p.order_cap == Approx(hit.score).epsilon(1e-12));
            CHECK(p.coverage > 0);
        }
    }
}
