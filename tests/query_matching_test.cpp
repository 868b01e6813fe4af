// Query -> which documents match, over a small document set built with the real indexing code.
// Each row is one normalization or grammar rule seen from the user's side.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "query_builder.h"
#include "query_parser.h"
#include "searcher.h"
#include "snippet.h"
#include "test_support.h"

using namespace izdeu;
using namespace izdeu::query;

namespace {

const std::vector<testing::SimpleArticle> kDocuments = {
    {"curly", "Tokayev’s visit to Turkistan", "The President’s delegation arrived on Monday.", "", "2023-08-29"},
    {"straight", "President Tokayev's speech", "He addressed the Mazhilis deputies.", "", "2023-09-01"},
    {"yolki", "Новогодние ёлки в парках", "В парках Алматы установили ёлки и гирлянды.", "", "2023-12-20"},
    {"elka", "Главная елка страны", "На площади зажгли елку, объемы освещения выросли.", "", "2023-12-25"},
    {"muller", "German expert visits Astana", "Thomas Müller spoke about water policy.", "", "2024-01-10"},
    {"kassym", "Decree signed", "Kassym-Jomart Tokayev signed the e-government decree on COVID-19 for 2022-2023.", "",
     "2024-02-02"},
    {"usa", "Delegations meet", "Talks with the U.S. and U.S.A. delegations continued.", "", "2024-03-03"},
    {"numbers", "Volunteers", "About 5,000 people and 12 500 volunteers gathered on 29.08.2023 in the square.", "",
     "2023-08-30"},
    {"court_ru", "Решение Конституционного суда", "Судьи Конституционного суда рассмотрели обращение граждан.", "",
     "2024-04-04"},
    {"court_en", "Constitutional Court rules", "The Constitutional Court reviewed the appeal of the citizens.", "",
     "2024-04-05"},
    {"apart_en", "Reform and the district court",
     "A constitutional amendment was discussed while the district court was closed.", "", "2024-04-06"},
    {"kk", "Қазақстанның Конституциялық соты",
     "Қазақстан азаматтары Конституциялық сотқа өтініш берді. Мектептерімізде сабақ басталды.", "", "2024-05-05"},
    {"hidden_chars", "Invisible characters",
     "The gov\u00ADernment and inter\u200Bnational part\u200Bners met; control\x01"
     "char too.",
     "", "2024-06-06"},
    {"email", "Digital services", "The egovernment portal and the e-government services are popular.", "",
     "2024-06-07"},
};

struct MatchCase {
    const char* query;
    const char* expected;  // ids that must match, comma-separated, in any order ("" = none)
};

// What the user types, and what must come back.
const MatchCase kCases[] = {
    // apostrophes: one character, and the possessive is found by the bare name
    {"Tokayev", "curly,straight,kassym"},
    {"Tokayev’s", "curly,straight,kassym"},
    {"Tokayev's", "curly,straight,kassym"},
    {"Tokayev`s", "curly,straight,kassym"},
    {"title:Tokayev", "curly,straight"},
    // ё and е in both directions
    {"ёлки", "yolki,elka"},
    {"елки", "yolki,elka"},
    {"ёлка", "yolki,elka"},
    {"елка", "yolki,elka"},
    {"объёмы", "elka"},
    // Latin diacritics
    {"Müller", "muller"},
    {"Muller", "muller"},
    {"MULLER", "muller"},
    // hyphenated words: whole form, parts as a phrase, joined
    {"Kassym-Jomart", "kassym"},
    {"\"Kassym Jomart\"", "kassym"},
    {"kassymjomart", "kassym"},
    {"Jomart", "kassym"},
    // A bag of words matches each part of a hyphenated word (as it matches each word); the
    // articles with the whole word rank first (tests/cli_e2e_test.py RankingTest).
    {"e-government", "hidden_chars,kassym,email"},
    {"\"e-government\"", "kassym,email"},
    {"egovernment", "kassym,email"},
    {"\"e government\"", "kassym,email"},
    {"COVID-19", "kassym"},
    {"covid19", "kassym"},
    {"covid", "kassym"},
    {"2022-2023", "kassym"},
    {"\"2022 2023\"", "kassym"},
    // acronyms and numbers
    {"US", "usa"},
    {"USA", "usa"},
    {"U.S.", "usa"},
    {"5000", "numbers"},
    {"5,000", "numbers"},
    {"12500", "numbers"},
    {"29.08.2023", "numbers"},
    // invisible characters never split or pollute a word
    {"government", "hidden_chars,kassym,email"},
    {"international", "hidden_chars"},
    {"partners", "hidden_chars"},
    {"controlchar", "hidden_chars"},
    // stemming at query time, whatever the capitalisation
    {"courts", "court_en,apart_en"},
    {"COURTS", "court_en,apart_en"},
    {"citizen", "court_en"},
    {"суд", "court_ru"},
    {"Суда", "court_ru"},
    {"конституционный", "court_ru"},
    // phrases match inflected forms; exact phrases only surface forms
    {"\"constitutional courts\"", "court_en"},
    {"\"Constitutional Court\"", "court_en"},
    {"\"Конституционный суд\"", "court_ru"},
    {"=\"Конституционный суд\"", ""},
    {"=\"Конституционного суда\"", "court_ru"},
    {"=\"constitutional courts\"", ""},
    {"\"court constitutional\"", ""},
    // Kazakh: exact forms, never damaged by the Russian stemmer
    {"Қазақстан", "kk"},
    {"қазақстанның", "kk"},
    {"Конституциялық", "kk"},
    // Kazakh typed on a Russian keyboard
    {"казакстан", "kk"},
    {"Казакстанның", "kk"},
    {"мектептеримизде", "kk"},
    // ... wherever a typed word works: in the title, exact phrases (surface forms only, as
    // typed on a Russian keyboard) and wildcards, through the index's Kazakh spellings
    {"title:конституциялык", "kk"},
    {"title:казакстанның", "kk"},
    {"title:\"казакстанның конституциялык\"", "kk"},
    {"title:(конституциялык NEAR/2 соты)", "kk"},
    {"title:мектептеримизде", ""},
    {"=\"Конституциялык сотка\"", "kk"},
    {"=\"Конституциялык сот\"", ""},
    {"=казакстан", "kk"},
    {"казакст*", "kk"},
    {"title:казакст*", "kk"},
    {"мектептерим*", "kk"},
    // boolean operators, fields, NEAR, wildcards, dates
    {"Tokayev AND decree", "kassym"},
    {"Tokayev NOT decree", "curly,straight"},
    {"Tokayev -decree", "curly,straight"},
    {"+Tokayev +speech", "straight"},
    {"(ёлки OR Müller) AND парк*", "yolki"},
    {"constitutional NEAR/2 court", "court_en"},
    {"constitutional NEAR/12 court", "court_en,apart_en"},
    {"deleg*", "curly,usa"},
    {"lang:ru", "yolki,elka,court_ru"},
    {"lang:kk", "kk"},
    {"lang:KK", "kk"},
    {"court date:2024-04-05", "court_en"},
    {"court date:2024-04-06..", "apart_en"},
    {"Tokayev date:..2023-08", "curly"},
    {"Tokayev date:2023", "curly,straight"},
    {"id:muller", "muller"},
    {"Telegram", ""},
    {"zzzq*", ""},
    {"deleg* OR zzzq*", "curly,usa"},
};

// Ids in a canonical order, comma-separated, so expected and found sets compare as strings.
std::string sorted_csv(std::vector<std::string> ids) {
    std::sort(ids.begin(), ids.end());
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
    return out;
}

std::string ids_of(const SearchResult& r) {
    std::vector<std::string> ids;
    for (const Hit& h : r.hits) ids.push_back(h.id);
    return sorted_csv(std::move(ids));
}

std::string sorted_ids(const std::string& csv) {
    std::vector<std::string> ids;
    for (size_t start = 0; start < csv.size();) {
        size_t comma = std::min(csv.find(',', start), csv.size());
        ids.push_back(csv.substr(start, comma - start));
        start = comma + 1;
    }
    return sorted_csv(std::move(ids));
}

/// Each case's query, over a database of `documents`, finds exactly its expected articles.
template <std::size_t N>
void check_matches(const std::vector<testing::SimpleArticle>& documents, const MatchCase (&cases)[N]) {
    testing::TempDir dir;
    testing::build_database(dir.str("db"), documents);
    Searcher searcher({dir.str("db")}, "");
    QueryBuilder builder(searcher.analyzer(), RankingOptions{}, &searcher.database());
    ParseOptions parse_options{2024, 6, 30};
    SearchOptions options;
    options.limit = 50;
    options.collapse = false;
    for (const MatchCase& c : cases) {
        INFO("query: " << c.query);
        BuiltQuery built = builder.build(parse_query(c.query, parse_options));
        INFO("xapian: " << built.query.get_description());
        CHECK(ids_of(searcher.search(built, options)) == sorted_ids(c.expected));
    }
}

}  // namespace

TEST_CASE("Queries match the documents a reader expects", "[matching]") {
    check_matches(kDocuments, kCases);
}

TEST_CASE("A wildcard that matches too many words is refused with a clear message", "[matching]") {
    testing::TempDir dir;
    testing::build_database(dir.str("db"), kDocuments);
    Searcher searcher({dir.str("db")}, "");
    BuildLimits limits;
    limits.max_wildcard_expansion = 3;
    QueryBuilder builder(searcher.analyzer(), RankingOptions{}, &searcher.database(), limits);
    ParseOptions parse_options{2024, 6, 30};
    CHECK_THROWS_WITH(builder.build(parse_query("t*", parse_options)), Catch::Contains("matches more than 3 words"));
    CHECK_NOTHROW(builder.build(parse_query("tokay*", parse_options)));
}

TEST_CASE("A query of stop words or punctuation says so", "[matching]") {
    testing::TempDir dir;
    testing::build_database(dir.str("db"), kDocuments);
    Searcher searcher({dir.str("db")}, "");
    QueryBuilder builder(searcher.analyzer(), RankingOptions{});
    ParseOptions parse_options{2024, 6, 30};
    CHECK_THROWS_WITH(builder.build(parse_query("!!! ,,, —", parse_options)),
                      Catch::Contains("only stop words or punctuation"));
    CHECK_THROWS_WITH(builder.build_plain("... ?"), Catch::Contains("only stop words or punctuation"));
    // Stop words alone are searched rather than refused.
    CHECK_NOTHROW(builder.build_plain("the of"));
    // Bytes that are not UTF-8 (a terminal in Latin-1 or CP1251) are no letters: said as such.
    CHECK_THROWS_WITH(builder.build_plain("\xE0\xE9\xE8"), Catch::Contains("not UTF-8"));
    CHECK_THROWS_WITH(builder.build(parse_query("\xF1\xE5\xED\xE0\xF2", parse_options)), Catch::Contains("not UTF-8"));
    // A word beside them is searched, as typed.
    CHECK_NOTHROW(builder.build_plain("court \xE9"));
}

TEST_CASE("A function word typed in capitals is an acronym, not a stop word", "[matching]") {
    testing::TempDir dir;
    testing::build_database(dir.str("db"), kDocuments);
    Searcher searcher({dir.str("db")}, "");
    QueryBuilder builder(searcher.analyzer(), RankingOptions{});
    auto words_of = [&](const char* text) {
        const Xapian::Query q = builder.build_plain(text).query;
        return std::vector<std::string>(q.get_unique_terms_begin(), q.get_unique_terms_end());
    };
    auto has = [](const std::vector<std::string>& terms, const char* term) {
        return std::find(terms.begin(), terms.end(), term) != terms.end();
    };
    CHECK(has(words_of("Talks with US delegations"), "us"));
    CHECK(has(words_of("Fed warns of IT spending"), "it"));
    CHECK_FALSE(has(words_of("Talks with us and delegations"), "us"));
    CHECK_FALSE(has(words_of("Talks with Us"), "us"));
    // A query typed all in capitals shouts: its function words stay function words.
    CHECK_FALSE(has(words_of("TALKS WITH US"), "us"));
    CHECK(has(words_of("TALKS WITH US"), "talks"));
    // And the acronym matches its dotted spelling.
    SearchOptions options;
    SearchResult r = searcher.search(builder.build_plain("US delegations"), options);
    REQUIRE_FALSE(r.hits.empty());
    CHECK(r.hits[0].id == "usa");
}

TEST_CASE("Unquoted Constitutional Court ranks the court article above words apart", "[matching][ranking]") {
    testing::TempDir dir;
    testing::build_database(dir.str("db"), kDocuments);
    Searcher searcher({dir.str("db")}, "");
    QueryBuilder builder(searcher.analyzer(), RankingOptions{});
    SearchOptions options;
    SearchResult r = searcher.search(builder.build_plain("Constitutional Court"), options);
    REQUIRE(r.hits.size() >= 2);
    CHECK(r.hits[0].id == "court_en");
    CHECK(r.hits[1].id == "apart_en");
}

TEST_CASE("A hyphenated word ranks the articles that have it whole above those with one part", "[matching][ranking]") {
    testing::TempDir dir;
    testing::build_database(dir.str("db"), kDocuments);
    Searcher searcher({dir.str("db")}, "");
    QueryBuilder builder(searcher.analyzer(), RankingOptions{}, &searcher.database());
    SearchOptions options;
    options.collapse = false;
    SearchResult r = searcher.search(builder.build_plain("e-government"), options);
    REQUIRE(r.hits.size() == 3);
    CHECK(r.hits[2].id == "hidden_chars");
}

namespace {

const std::vector<testing::SimpleArticle> kPlaces = {
    {"china", "Trade", "Exports from China rose in March.", "", "2024-03-01"},
    {"chinese", "Trade", "Chinese exports rose in March.", "", "2024-03-02"},
    {"bird", "Dinner", "The farm sold a turkey for the holiday.", "", "2024-03-03"},
    {"ankara", "Summit", "Officials said that Turkey will host the summit.", "", "2024-03-04"},
    {"polish", "Cars", "Workers polish the new cars by hand.", "", "2024-03-05"},
    {"warsaw", "Summit", "Officials said that Poland will host the summit.", "", "2024-03-06"},
    {"rossii", "Экспорт", "Экспорт России вырос в марте.", "", "2024-03-07"},
    {"nemtsy", "Выборы", "Немецкие избиратели пришли на участки.", "", "2024-03-08"},
    {"moskva", "Выставка", "В Москве открылась выставка.", "", "2024-03-09"},
    {"vena", "Медицина", "Врачи осмотрели вену пациента.", "", "2024-03-10"},
    {"qytay", "Экспорт", "Қытай экспорты наурызда өсті.", "", "2024-03-11"},
    {"almaty", "Көлік", "Алматылық жүргізушілер жаңа жолды сынады.", "", "2024-03-12"},
};

// Which articles a place's word and the words derived from it find (common/derived_names.h).
const MatchCase kPlaceCases[] = {
    {"Chinese", "china,chinese"},
    {"chinese", "china,chinese"},  // not an ambiguous word: any case
    {"China", "china,chinese"},
    {"=Chinese", "chinese"},  // an exact word never expands
    {"=\"Chinese exports\"", "chinese"},
    {"\"Chinese exports\"", "chinese"},  // nor does a phrase: its words in a row, as typed
    {"exports", "china,chinese"},        // an unrelated word finds only itself
    // turkey the bird, polish the verb: a place only when typed capitalised, and found as the
    // place's word only where an article writes it capitalised inside a sentence
    {"turkey", "bird,ankara"},
    {"Turkish", "ankara"},
    {"polish", "polish"},
    {"Polish", "polish,warsaw"},
    {"Poland", "warsaw"},
    // Russian: every case of the adjective and the country
    {"российский", "rossii"},
    {"российские", "rossii"},
    {"Россия", "rossii"},
    {"Германия", "nemtsy"},
    {"Германии", "nemtsy"},
    {"московский", "moskva"},
    {"москвичи", "moskva"},
    {"венский", ""},  // вена is also the vein: only a capitalised Вена in a sentence
    {"вена", "vena"},
    // Kazakh
    {"қытайлық", "qytay"},
    {"Алматы", "almaty"},
};

}  // namespace

TEST_CASE("A place's name and the words derived from it find each other", "[matching]") {
    check_matches(kPlaces, kPlaceCases);
}

TEST_CASE("A place's derived word ranks the article with the word itself first", "[matching][ranking]") {
    testing::TempDir dir;
    testing::build_database(dir.str("db"), kPlaces);
    Searcher searcher({dir.str("db")}, "");
    QueryBuilder builder(searcher.analyzer(), RankingOptions{}, &searcher.database());
    SearchOptions options;
    for (const auto& [query, first, second] :
         {std::tuple{"Chinese", "chinese", "china"}, std::tuple{"China", "china", "chinese"}}) {
        INFO(query);
        SearchResult r = searcher.search(builder.build_plain(query), options);
        REQUIRE(r.hits.size() == 2);
        CHECK(r.hits[0].id == first);
        CHECK(r.hits[1].id == second);
    }
}

TEST_CASE("A place's word that is also a common word is highlighted only capitalised", "[matching][snippet]") {
    testing::TempDir dir;
    testing::build_database(dir.str("db"), kPlaces);
    Searcher searcher({dir.str("db")}, "");
    QueryBuilder builder(searcher.analyzer(), RankingOptions{}, &searcher.database());
    auto marked = [&](const char* text, const char* query) {
        return mark_snippet(
            make_snippet(text, Language::English, builder.build_plain(query).highlight, searcher.analyzer()), "[", "]");
    };
    const char* text = "A turkey was sold, and Turkey will host the summit.";
    // Turkish finds Turkey only where it is written capitalised (kPlaceCases); so it marks.
    CHECK(marked(text, "Turkish") == "A turkey was sold, and [Turkey] will host the summit.");
    // The word itself marks every form, as it finds them.
    CHECK(marked(text, "turkey") == "A [turkey] was sold, and [Turkey] will host the summit.");
    // China is no common word: every word of its family marks.
    CHECK(marked("Chinese exporters and China.", "China") == "[Chinese] exporters and [China].");
}
