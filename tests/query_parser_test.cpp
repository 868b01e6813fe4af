#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "query_parser.h"

using izdeu::query::Node;
using izdeu::query::NodeKind;
using izdeu::query::parse_query;
using izdeu::query::ParseError;
using izdeu::query::ParseOptions;
using izdeu::query::to_string;

namespace {

// A leap day, so relative months and years land on month ends.
ParseOptions test_options() {
    ParseOptions options;
    options.today_year = 2024;
    options.today_month = 2;
    options.today_day = 29;
    return options;
}

/// The rendered tree, or "error: ..." so a failing golden row shows what happened.
std::string parsed(std::string_view query, const ParseOptions& options = test_options()) {
    try {
        return to_string(parse_query(query, options));
    } catch (const ParseError& error) {
        return std::string("error: ") + error.what();
    }
}

std::optional<ParseError> error_of(std::string_view query,
                                   const ParseOptions& options = test_options()) {
    try {
        parse_query(query, options);
    } catch (const ParseError& error) {
        return error;
    }
    return std::nullopt;
}

std::string repeated(std::string_view piece, std::size_t times) {
    std::string out;
    out.reserve(piece.size() * times);
    for (std::size_t i = 0; i < times; ++i) {
        out += piece;
    }
    return out;
}

struct GoldenCase {
    std::string_view query;
    std::string_view expected;
};

struct ErrorCase {
    std::string_view query;
    std::string_view message;
    std::size_t column;
};

}  // namespace

TEST_CASE("Query parser builds the expected tree", "[query-parser]") {
    const std::vector<GoldenCase> cases = {
        // Words, whitespace, word-internal punctuation.
        {"court", "(WORD court)"},
        {"  court\t", "(WORD court)"},
        {"constitutional court", "(OR (WORD constitutional) (WORD court))"},
        {"a\u00A0b\u3000c\nd", "(OR (WORD a) (WORD b) (WORD c) (WORD d))"},
        {"Kassym-Jomart Tokayev’s", "(OR (WORD Kassym-Jomart) (WORD Tokayev’s))"},
        {"U.S. 5,000 29.08.2023 COVID-19",
         "(OR (WORD U.S.) (WORD 5,000) (WORD 29.08.2023) (WORD COVID-19))"},
        {"Конституционный суд", "(OR (WORD Конституционный) (WORD суд))"},
        {"Қазақстан Республикасының", "(OR (WORD Қазақстан) (WORD Республикасының))"},
        {", !!! — court", "(OR (WORD ,) (WORD !!!) (WORD —) (WORD court))"},
        {"foo:bar 16:29 https://example.kz/a?b=c",
         "(OR (WORD foo:bar) (WORD 16:29) (WORD https://example.kz/a?b=c))"},
        {"court and senate or not",
         "(OR (WORD court) (WORD and) (WORD senate) (WORD or) (WORD not))"},
        {"NEARBY near/5 Near", "(OR (WORD NEARBY) (WORD near/5) (WORD Near))"},
        // Phrases.
        {R"("human rights")", R"((PHRASE "human rights"))"},
        {R"(="human rights")", R"((PHRASE= "human rights"))"},
        {R"("права человека" омбудсмен)", R"((OR (PHRASE "права человека") (WORD омбудсмен)))"},
        {R"("a (b" c)", R"((OR (PHRASE "a (b") (WORD c)))"},
        {R"(court"human rights"x)", R"((OR (WORD court) (PHRASE "human rights") (WORD x)))"},
        {R"(" !!! ")", R"((PHRASE " !!! "))"},
        // Wildcards.
        {"const*", "(WILDCARD const)"},
        {"конститу* суд", "(OR (WILDCARD конститу) (WORD суд))"},
        // + and -.
        {"+court", "(WORD court)"},
        {"-court", "(AND-NOT (ALL) (WORD court))"},
        {"+court senate", "(AND-MAYBE (WORD court) (WORD senate))"},
        {"+court +senate budget tax",
         "(AND-MAYBE (AND (WORD court) (WORD senate)) (OR (WORD budget) (WORD tax)))"},
        {"court -senate", "(AND-NOT (WORD court) (WORD senate))"},
        {"court budget -senate -mazhilis",
         "(AND-NOT (OR (WORD court) (WORD budget)) (WORD senate) (WORD mazhilis))"},
        {"+court -senate tax", "(AND-NOT (AND-MAYBE (WORD court) (WORD tax)) (WORD senate))"},
        {"-court -senate", "(AND-NOT (ALL) (WORD court) (WORD senate))"},
        {R"(court -"human rights")", R"((AND-NOT (WORD court) (PHRASE "human rights")))"},
        {"+(court OR senate) budget", "(AND-MAYBE (OR (WORD court) (WORD senate)) (WORD budget))"},
        {"court - senate +", "(OR (WORD court) (WORD senate))"},
        {"Kassym-Jomart -Tokayev", "(AND-NOT (WORD Kassym-Jomart) (WORD Tokayev))"},
        {"--court -- +-", "(OR (WORD --court) (WORD --) (WORD +-))"},
        {"-AND", "(AND-NOT (ALL) (WORD AND))"},
        // Boolean operators and precedence: OR < AND/NOT < implicit sequence < NEAR.
        {"court AND senate", "(AND (WORD court) (WORD senate))"},
        {"court OR senate", "(OR (WORD court) (WORD senate))"},
        {"a AND b AND c", "(AND (WORD a) (WORD b) (WORD c))"},
        {"a OR b OR c", "(OR (WORD a) (WORD b) (WORD c))"},
        {"a OR b AND c", "(OR (WORD a) (AND (WORD b) (WORD c)))"},
        {"a AND b OR c", "(OR (AND (WORD a) (WORD b)) (WORD c))"},
        {"a b OR c", "(OR (OR (WORD a) (WORD b)) (WORD c))"},
        {"a b AND c d", "(AND (OR (WORD a) (WORD b)) (OR (WORD c) (WORD d)))"},
        {"court NOT senate", "(AND-NOT (WORD court) (WORD senate))"},
        {"court AND NOT senate", "(AND-NOT (WORD court) (WORD senate))"},
        {"NOT senate", "(AND-NOT (ALL) (WORD senate))"},
        {"a NOT b NOT c", "(AND-NOT (WORD a) (WORD b) (WORD c))"},
        {"a NOT b AND c", "(AND (AND-NOT (WORD a) (WORD b)) (WORD c))"},
        {"a AND b NOT c", "(AND-NOT (AND (WORD a) (WORD b)) (WORD c))"},
        {"a OR NOT b", "(OR (WORD a) (AND-NOT (ALL) (WORD b)))"},
        {"a OR b NOT c", "(OR (WORD a) (AND-NOT (WORD b) (WORD c)))"},
        {"a b NOT c d", "(AND-NOT (OR (WORD a) (WORD b)) (OR (WORD c) (WORD d)))"},
        {"(a OR b) AND c", "(AND (OR (WORD a) (WORD b)) (WORD c))"},
        {"((court))", "(WORD court)"},
        {"(a (b OR c)) d", "(OR (OR (WORD a) (OR (WORD b) (WORD c))) (WORD d))"},
        {"(NOT a)b", "(OR (AND-NOT (ALL) (WORD a)) (WORD b))"},
        // NEAR.
        {"court NEAR/5 ombudsman", "(NEAR/5 (WORD court) (WORD ombudsman))"},
        {"court NEAR ombudsman", "(NEAR/10 (WORD court) (WORD ombudsman))"},
        {R"("human rights" NEAR/3 ombudsman)",
         R"((NEAR/3 (PHRASE "human rights") (WORD ombudsman)))"},
        {"a NEAR/3 b NEAR/7 c", "(NEAR/7 (WORD a) (WORD b) (WORD c))"},
        {"a NEAR/3 b NEAR c", "(NEAR/10 (WORD a) (WORD b) (WORD c))"},
        {"суд NEAR/2 омбудсмен OR court", "(OR (NEAR/2 (WORD суд) (WORD омбудсмен)) (WORD court))"},
        {"x -a NEAR/2 b", "(AND-NOT (WORD x) (NEAR/2 (WORD a) (WORD b)))"},
        {"a NEAR/1000 b", "(NEAR/1000 (WORD a) (WORD b))"},
        // Fields.
        {"title:court", "(FIELD title (WORD court))"},
        {R"(TITLE:"human rights")", R"((FIELD title (PHRASE "human rights")))"},
        {R"(credit:"Senate press service")", R"((FIELD credit (PHRASE "Senate press service")))"},
        {R"(title:="exact words")", R"((FIELD title (PHRASE= "exact words")))"},
        {"title:const*", "(FIELD title (WILDCARD const))"},
        {"title:(court OR senate)", "(FIELD title (OR (WORD court) (WORD senate)))"},
        {"title:AND title:-x", "(OR (FIELD title (WORD AND)) (FIELD title (WORD -x)))"},
        {"title:court AND credit:kazinform",
         "(AND (FIELD title (WORD court)) (FIELD credit (WORD kazinform)))"},
        {"id:abc-123", "(FIELD id (WORD abc-123))"},
        {"titles:court", "(WORD titles:court)"},
        // Filters restrict the sequence; same-field filters are OR-ed.
        {"lang:ru", "(FIELD lang (WORD ru))"},
        {"суд сенат lang:ru", "(AND (OR (WORD суд) (WORD сенат)) (FIELD lang (WORD ru)))"},
        {"lang:ru lang:kk сот",
         "(AND (WORD сот) (OR (FIELD lang (WORD ru)) (FIELD lang (WORD kk))))"},
        {"+court lang:en senate",
         "(AND-MAYBE (AND (WORD court) (FIELD lang (WORD en))) (WORD senate))"},
        {"court -lang:en", "(AND-NOT (WORD court) (FIELD lang (WORD en)))"},
        {"court OR lang:kk", "(OR (WORD court) (FIELD lang (WORD kk)))"},
        // Dates (today is 2024-02-29).
        {"date:2023-08-29", "(DATE 20230829..20230829)"},
        {"date:2023-08", "(DATE 20230801..20230831)"},
        {"date:2023-02", "(DATE 20230201..20230228)"},
        {"date:2024-02", "(DATE 20240201..20240229)"},
        {"date:2000-02-29", "(DATE 20000229..20000229)"},
        {"date:2023", "(DATE 20230101..20231231)"},
        {"date:2023-8-5", "(DATE 20230805..20230805)"},
        {"DATE:29.08.2023", "(DATE 20230829..20230829)"},
        {"date:2023-08..2023-09", "(DATE 20230801..20230930)"},
        {"date:2023..2023", "(DATE 20230101..20231231)"},
        {"date:..2023", "(DATE ..20231231)"},
        {"date:2023-08..", "(DATE 20230801..)"},
        {"date:7d", "(DATE 20240222..20240229)"},
        {"date:0d", "(DATE 20240229..20240229)"},
        {"date:7d..", "(DATE 20240222..)"},
        {"date:..7d", "(DATE ..20240222)"},
        {"date:2w..", "(DATE 20240215..)"},
        {"date:1m", "(DATE 20240129..20240229)"},
        {"date:1y", "(DATE 20230228..20240229)"},
        {"date:4Y..1w", "(DATE 20200229..20240222)"},
        {"date:2023..1m", "(DATE 20230101..20240129)"},
        {"court date:2023", "(AND (WORD court) (DATE 20230101..20231231))"},
        {"court senate date:2023 lang:kk",
         "(AND (OR (WORD court) (WORD senate)) (DATE 20230101..20231231) (FIELD lang (WORD kk)))"},
        {"date:2022 date:2023 court",
         "(AND (WORD court) (OR (DATE 20220101..20221231) (DATE 20230101..20231231)))"},
        {"court -date:2023", "(AND-NOT (WORD court) (DATE 20230101..20231231))"},
        {"(court date:2023) OR senate",
         "(OR (AND (WORD court) (DATE 20230101..20231231)) (WORD senate))"},
        // Invalid UTF-8 is kept byte for byte.
        {"\xFF court", "(OR (WORD \xFF) (WORD court))"},
        {"\xE2\x80 \"a\xC3\"", "(OR (WORD \xE2\x80) (PHRASE \"a\xC3\"))"},
    };
    REQUIRE(cases.size() >= 60);
    for (const GoldenCase& c : cases) {
        INFO("query: " << c.query);
        CHECK(parsed(c.query) == c.expected);
    }
}

TEST_CASE("Query parser rejects malformed queries with the column of the fault", "[query-parser]") {
    const std::vector<ErrorCase> cases = {
        // Quotes (columns count code points, not bytes).
        {R"("human rights)", "unbalanced quote", 1},
        {R"(court "human rights)", "unbalanced quote", 7},
        {R"(суд "права)", "unbalanced quote", 5},
        {R"(Қазақстан ="сот)", "unbalanced quote", 12},
        {R"("a" "b" ")", "unbalanced quote", 9},
        {R"("")", "empty phrase", 1},
        {R"(court " 	")", "empty phrase", 7},
        {R"(title:"")", "empty phrase", 7},
        // Operators without operands.
        {"court AND", "AND needs a term on both sides", 7},
        {"OR court", "OR needs a term on both sides", 1},
        {"AND", "AND needs a term on both sides", 1},
        {"court AND OR senate", "AND needs a term on both sides", 7},
        {"court OR OR senate", "OR needs a term on both sides", 7},
        {"(court OR) senate", "OR needs a term on both sides", 8},
        {"court NOT", "NOT needs a term after it", 7},
        {"суд AND NOT", "NOT needs a term after it", 9},
        {"NOT", "NOT needs a term after it", 1},
        // Parentheses.
        {"(court", "unbalanced '('", 1},
        {"a (b (c)", "unbalanced '('", 3},
        {"court)", "unbalanced ')'", 6},
        {"сот) (a", "unbalanced ')'", 4},
        {"()", "empty parentheses", 1},
        {"a ( - )", "empty parentheses", 3},
        {"title:(court", "unbalanced '('", 7},
        // Wildcards.
        {"*", "at least one character before '*'", 1},
        {"court *abc", "at least one character before '*'", 7},
        {"ab*c", "'*' is allowed only at the end", 3},
        {"судья су*д*", "'*' is allowed only at the end", 9},
        {"-*", "at least one character before '*'", 2},
        // NEAR.
        {"court NEAR/0 senate", "NEAR/n needs a whole number n from 2 (side by side) to 1000", 7},
        {"court NEAR/1 senate", "from 2 (side by side) to 1000", 7},
        {"court NEAR/1001 senate", "to 1000", 7},
        {"court NEAR/x senate", "to 1000", 7},
        {"court NEAR/ senate", "to 1000", 7},
        {"NEAR court", "NEAR needs a word or phrase on both sides", 1},
        {"court NEAR", "NEAR needs a word or phrase on both sides", 7},
        {"court NEAR AND senate", "NEAR needs a word or phrase on both sides", 7},
        {"court* NEAR senate", "NEAR takes only words and phrases", 1},
        {"court NEAR (senate)", "NEAR takes only words and phrases", 12},
        {"court NEAR title:x", "NEAR takes only words and phrases", 12},
        {"court NEAR -senate", "NEAR takes only words and phrases", 12},
        {"title:court NEAR senate", "NEAR takes only words and phrases", 1},
        // Fields.
        {"title:", "title: needs a word, phrase or group right after the colon", 1},
        {"суд Credit: x", "credit: needs a word, phrase or group", 5},
        {"title:(lang:ru)", "a field cannot be used inside another field", 8},
        {"Қазақстан title:(сот date:2023)", "a field cannot be used inside another field", 22},
        {"date:", "date: needs a date or range right after the colon", 1},
        // Dates.
        {"date:2023-13-01", "invalid date", 6},
        {"date:2023-02-30", "invalid date", 6},
        {"date:2023-02-29", "invalid date", 6},
        {"date:1900-02-29", "invalid date", 6},
        {"date:30.02.2024", "invalid date", 6},
        {"date:garbage", "invalid date", 6},
        {"date:(2023)", "invalid date", 6},
        {"date:23", "invalid date", 6},
        {"date:0000", "invalid date", 6},
        {"date:2023..20x", "invalid date", 12},
        {"date:..", "a date range needs at least one bound", 6},
        {"date:2023-09..2023-08", "date range starts after it ends", 6},
        {"date:7d..30d", "date range starts after it ends", 6},
        {"date:99999y", "date is out of range", 6},
        {"date:999999d", "date is out of range", 6},
        // Empty queries.
        {"", "query is empty", 1},
        {" \t- + ", "query is empty", 1},
    };
    REQUIRE(cases.size() >= 20);
    for (const ErrorCase& c : cases) {
        INFO("query: " << c.query);
        const std::optional<ParseError> error = error_of(c.query);
        REQUIRE(error.has_value());
        const std::string message = error->what();
        INFO("message: " << message);
        CHECK(message.find(c.message) != std::string::npos);
        CHECK(error->column == c.column);
        CHECK(message.find(" at column " + std::to_string(c.column)) != std::string::npos);
    }
}

TEST_CASE("Query parser reports node columns in code points", "[query-parser]") {
    const ParseOptions options = test_options();

    const Node root = parse_query(R"(суд title:"права человека" -Қазақ*)", options);
    REQUIRE(root.kind == NodeKind::AndNot);
    CHECK(root.column == 1);
    REQUIRE(root.children.size() == 2);
    const Node& optional = root.children[0];
    REQUIRE(optional.kind == NodeKind::Or);
    CHECK(optional.children[0].column == 1);
    const Node& field = optional.children[1];
    REQUIRE(field.kind == NodeKind::Field);
    CHECK(field.text == "title");
    CHECK(field.column == 5);
    REQUIRE(field.children.size() == 1);
    CHECK(field.children[0].kind == NodeKind::Phrase);
    CHECK(field.children[0].text == "права человека");
    CHECK(field.children[0].column == 11);
    CHECK(root.children[1].kind == NodeKind::Wildcard);
    CHECK(root.children[1].text == "Қазақ");
    CHECK(root.children[1].column == 29);

    const Node excluded = parse_query("  -court", options);
    REQUIRE(excluded.kind == NodeKind::AndNot);
    CHECK(excluded.children[0].kind == NodeKind::MatchAll);
    CHECK(excluded.children[0].column == 3);
    CHECK(excluded.children[1].column == 4);

    const Node negated = parse_query("сот NOT(сенат)", options);
    REQUIRE(negated.kind == NodeKind::AndNot);
    CHECK(negated.children[1].column == 9);

    const Node near = parse_query(R"(Қазақстан NEAR ="сот ісі" NEAR/4 заң)", options);
    REQUIRE(near.kind == NodeKind::Near);
    CHECK(near.window == 10);
    CHECK(near.column == 1);
    REQUIRE(near.children.size() == 3);
    CHECK(near.children[1].exact);
    CHECK(near.children[1].text == "сот ісі");
    CHECK(near.children[1].column == 16);
    CHECK(near.children[2].column == 34);

    const Node dated = parse_query("сот\u2003date:7d", options);
    REQUIRE(dated.kind == NodeKind::And);
    CHECK(dated.children[1].kind == NodeKind::DateRange);
    CHECK(dated.children[1].column == 5);
    CHECK(dated.children[1].from == "20240222");
    CHECK(dated.children[1].to == "20240229");

    // An invalid byte counts as one column.
    const std::optional<ParseError> error = error_of("\xFF\xFE \"abc");
    REQUIRE(error.has_value());
    CHECK(error->column == 4);
}

TEST_CASE("Relative dates count back from the injected today", "[query-parser]") {
    ParseOptions options;
    options.today_year = 2023;
    options.today_month = 3;
    options.today_day = 31;
    CHECK(parsed("date:1m", options) == "(DATE 20230228..20230331)");
    CHECK(parsed("date:13m..", options) == "(DATE 20220228..)");
    CHECK(parsed("date:1y", options) == "(DATE 20220331..20230331)");
    CHECK(parsed("date:31d", options) == "(DATE 20230228..20230331)");
    CHECK(parsed("date:1w..0d", options) == "(DATE 20230324..20230331)");

    options.today_year = 2024;
    options.today_month = 3;
    options.today_day = 1;
    CHECK(parsed("date:1d", options) == "(DATE 20240229..20240301)");
    CHECK(parsed("date:1y", options) == "(DATE 20230301..20240301)");

    // Absolute dates need no clock; relative ones refuse to guess it.
    const ParseOptions no_clock;
    CHECK(parsed("date:2024-02", no_clock) == "(DATE 20240201..20240229)");
    CHECK_THROWS_AS(parse_query("date:7d", no_clock), std::invalid_argument);
}

TEST_CASE("Query parser enforces its limits without deep recursion", "[query-parser]") {
    const ParseOptions options = test_options();

    SECTION("term limit") {
        CHECK(parse_query(repeated("w ", 1000), options).children.size() == 1000);
        const std::optional<ParseError> words = error_of(repeated("w ", 1001));
        REQUIRE(words.has_value());
        CHECK(std::string(words->what()).find("query has too many terms (limit 1000)") !=
              std::string::npos);
        CHECK(words->column == 2001);

        // Words inside phrases count too.
        const std::optional<ParseError> phrase = error_of("\"" + repeated("w ", 1001) + "\"");
        REQUIRE(phrase.has_value());
        CHECK(phrase->column == 1);

        ParseOptions small = options;
        small.max_terms = 3;
        CHECK(parsed(R"(a "b c")", small) == R"((OR (WORD a) (PHRASE "b c")))");
        CHECK(parsed("a AND b date:2023", small) ==
              "(AND (WORD a) (AND (WORD b) (DATE 20230101..20231231)))");
        const std::optional<ParseError> fourth = error_of(R"(a "b c" d)", small);
        REQUIRE(fourth.has_value());
        CHECK(fourth->column == 9);
    }

    SECTION("byte limit") {
        const std::string huge = repeated("w ", (1u << 19) + 1);  // 1 MiB + 2 bytes
        const std::optional<ParseError> error = error_of(huge);
        REQUIRE(error.has_value());
        CHECK(std::string(error->what()).find("query is too long (limit 1048576 bytes)") !=
              std::string::npos);
        CHECK(error->column == (1u << 20) + 1);

        ParseOptions small = options;
        small.max_bytes = 10;
        const std::optional<ParseError> cyrillic = error_of("ааааааа", small);  // 14 bytes
        REQUIRE(cyrillic.has_value());
        CHECK(cyrillic->column == 6);
    }

    SECTION("a megabyte of words stops at the term limit") {
        const std::optional<ParseError> error = error_of(repeated("суд ", 1u << 17));  // 896 KiB
        REQUIRE(error.has_value());
        CHECK(error->column == 4001);
    }

    SECTION("parsing is linear in the query length") {
        ParseOptions unlimited = options;
        unlimited.max_terms = 10'000'000;
        const auto start = std::chrono::steady_clock::now();
        const Node words = parse_query(repeated("w ", (1u << 19) - 1), unlimited);
        const Node phrase = parse_query("\"" + repeated("w ", (1u << 19) - 2) + "\"", unlimited);
        const Node chain = parse_query("w" + repeated(" NEAR w", 100'000), unlimited);
        const Node ands = parse_query("w" + repeated(" AND w", 100'000), unlimited);
        const Node mixed = parse_query(repeated("+a -b lang:ru c ", 50'000), unlimited);
        const auto elapsed = std::chrono::steady_clock::now() - start;
        CHECK(words.children.size() == (1u << 19) - 1);
        CHECK(phrase.kind == NodeKind::Phrase);
        CHECK(chain.children.size() == 100'001);
        CHECK(ands.children.size() == 100'001);
        REQUIRE(mixed.kind == NodeKind::AndNot);
        CHECK(mixed.children.size() == 50'001);
        // Generous: a quadratic parser would take hours here, a linear one well under a second.
        CHECK(elapsed < std::chrono::seconds(20));
    }

    SECTION("nesting depth") {
        CHECK(parsed(repeated("(", 64) + "a" + repeated(")", 64)) == "(WORD a)");
        const std::optional<ParseError> deep = error_of(repeated("(", 100'000));
        REQUIRE(deep.has_value());
        CHECK(std::string(deep->what()).find("query nested too deeply (limit 64)") !=
              std::string::npos);
        CHECK(deep->column == 65);

        const std::optional<ParseError> balanced =
            error_of(repeated("(", 100'000) + "a" + repeated(")", 100'000));
        REQUIRE(balanced.has_value());
        CHECK(balanced->column == 65);

        const std::optional<ParseError> fields = error_of(repeated("(", 64) + "title:(a)");
        REQUIRE(fields.has_value());
        CHECK(fields->column == 71);

        const std::optional<ParseError> closing = error_of(repeated(")", 100'000));
        REQUIRE(closing.has_value());
        CHECK(closing->column == 1);

        const std::optional<ParseError> quotes = error_of(repeated("\"", 100'000));
        REQUIRE(quotes.has_value());
        CHECK(std::string(quotes->what()).find("empty phrase") != std::string::npos);

        ParseOptions flat = options;
        flat.max_depth = 0;
        CHECK(parsed("a b", flat) == "(OR (WORD a) (WORD b))");
        CHECK(error_of("(a)", flat).has_value());
    }
}

TEST_CASE("Query parser survives arbitrary bytes", "[query-parser]") {
    // Deterministic pseudo-random queries over bytes that matter to the grammar, broken UTF-8
    // included: every outcome must be a tree or a ParseError, never a crash.
    // clang-format off
    const std::string_view alphabet[] = {
        "(", ")", "\"", "=", "*", "+", "-", ":", " ", "\t", "a", "z", "AND", "OR", "NOT",
        "NEAR", "NEAR/3", "title:", "date:", "lang:", "..", "2023", "-08", "7d", "\xFF", "\xC3",
        "\xA9", "\xE2\x80", "\xF0\x9F", "\u00A0", "қ", "ж", "/", "0", std::string_view("\0", 1)};
    // clang-format on
    const std::size_t letters = sizeof(alphabet) / sizeof(alphabet[0]);
    std::uint64_t state = 0x9E3779B97F4A7C15u;
    const auto next_random = [&state] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    std::size_t trees = 0, errors = 0;
    for (int round = 0; round < 20'000; ++round) {
        std::string query;
        const std::size_t length = next_random() % 24;
        for (std::size_t i = 0; i < length; ++i) {
            query += alphabet[next_random() % letters];
        }
        try {
            const Node node = parse_query(query, test_options());
            CHECK_FALSE(to_string(node).empty());
            CHECK(node.column >= 1);
            ++trees;
        } catch (const ParseError& error) {
            CHECK(error.column >= 1);
            CHECK(error.column <= query.size() + 1);
            ++errors;
        }
    }
    CHECK(trees > 1000);
    CHECK(errors > 1000);
}
