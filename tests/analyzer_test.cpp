// Golden tables for the analyzer: text -> "term[pos]" lists, as Xapian's TermGenerator tests
// are written. "term[pos]/stem" shows a stem that differs from the word (written as Z+stem);
// "+term[pos]" is a joined form (egovernment) at the position of its first part.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analyzer.h"
#include "article_parser.h"
#include "derived_names.h"
#include "schema.h"
#include "text_encoding.h"
#include "word_segmenter.h"

using namespace izdeu;

namespace {

std::string render(Analyzer& analyzer, std::string_view text, Language language) {
    std::string out;
    analyzer.analyze(text, language, 1, [&](const Token& t) {
        if (!out.empty()) out += ' ';
        if (t.alternative) out += '+';
        out += std::string(t.term) + "[" + std::to_string(t.position) + "]";
        if (t.stem != t.term) out += "/" + std::string(t.stem);
    });
    return out;
}

/// Every string `expand` gives for the tokens of a query word (its stems, its other readings).
template <typename Expand>
std::set<std::string> expanded(Analyzer& analyzer, const char* word, Expand expand) {
    std::set<std::string> got;
    analyzer.analyze(word, Language::Undetermined, 1, [&](const Token& t) {
        for (const std::string& s : expand(t)) got.insert(s);
    });
    return got;
}

/// A query word and what it must expand to.
struct ExpansionCase {
    const char* word;
    std::set<std::string> expected;
};

struct GoldenCase {
    Language language;
    const char* text;
    const char* terms;
};

const GoldenCase kGolden[] = {
    {Language::English, "Head of State Tokayev meets with ombudsmen",
     "head[1] of[2] state[3] tokayev[4] meets[5]/meet with[6] ombudsmen[7]"},
    {Language::English, "Tokayev’s visit", "tokayev[1] visit[2]"},
    {Language::English, "Tokayev's visit", "tokayev[1] visit[2]"},
    {Language::English, "Tokayevʼs visit", "tokayev[1] visit[2]"},
    {Language::English, "Tokayev‘s visit", "tokayev[1] visit[2]"},
    {Language::English, "Tokayev`s visit", "tokayev[1] visit[2]"},
    {Language::English, "citizens’ appeals doubled", "citizens[1]/citizen appeals[2]/appeal doubled[3]/doubl"},
    {Language::English, "Müller and Muller met", "muller[1] and[2] muller[3] met[4]"},
    {Language::English, "MÜLLER", "muller[1]"},
    {Language::English, "Zürich, São Paulo and Łódź", "zurich[1] sao[2] paulo[3] and[4] łodz[5]"},
    {Language::English, "café naïve résumé", "cafe[1] naive[2]/naiv resume[3]/resum"},
    {Language::English, "Kassym-Jomart Tokayev", "kassym[1] jomart[2] +kassymjomart[1] tokayev[3]"},
    {Language::English, "e-government services",
     "e[1] government[2]/govern +egovernment[1]/egovern services[3]/servic"},
    {Language::English, "COVID-19 vaccination", "covid[1] 19[2] +covid19[1] vaccination[3]/vaccin"},
    {Language::English, "the 2022-2023 academic year",
     "the[1] 2022[2] 2023[3] +20222023[2] academic[4]/academ year[5]"},
    {Language::English, "state-of-the-art", "state[1] of[2] the[3] art[4] +stateoftheart[1]"},
    {Language::English, "U.S. officials", "us[1] officials[2]/offici"},
    {Language::English, "the U.S.A. delegation", "the[1] usa[2] delegation[3]/deleg"},
    {Language::English, "5,000 people", "5000[1] people[2]/peopl"},
    {Language::English, "12,500 volunteers", "12500[1] volunteers[2]/volunt"},
    {Language::English, "5 000 tenge", "5000[1] tenge[2]/teng"},
    {Language::English, "12 500 000 tenge", "12500000[1] tenge[2]/teng"},
    {Language::English, "1,5 percent", "1,5[1] percent[2]"},
    {Language::English, "in 2023 500 people", "in[1] 2023[2] 500[3] people[4]/peopl"},
    {Language::English, "on 29.08.2023 at 16:29", "on[1] 29.08.2023[2] at[3] 16[4] 29[5]"},
    {Language::English, "version 3.14 released", "version[1] 3.14[2] released[3]/releas"},
    {Language::English, "El.kz cites Akorda", "el.kz[1] cites[2]/cite akorda[3]"},
    {Language::English, "gov\u00ADernment", "government[1]/govern"},
    {Language::English, "inter\u200Bnational", "international[1]/intern"},
    {Language::English, "part\u200Cners", "partners[1]/partner"},
    {Language::English, "word\u2060joiner", "wordjoiner[1]/wordjoin"},
    {Language::English,
     "control\x01"
     "char",
     "controlchar[1]"},
    {Language::English, "tab\tseparated\twords", "tab[1] separated[2]/separ words[3]/word"},
    {Language::English, "THE CONSTITUTIONAL COURT", "the[1] constitutional[2]/constitut court[3]"},
    {Language::English, "The Constitutional Court ruled", "the[1] constitutional[2]/constitut court[3] ruled[4]/rule"},
    {Language::English, "courts ruling rulings ruled", "courts[1]/court ruling[2]/rule rulings[3]/rule ruled[4]/rule"},
    {Language::English, "running runner runs", "running[1]/run runner[2] runs[3]/run"},
    {Language::English, "«In today’s circumstances»", "in[1] today[2] circumstances[3]/circumst"},
    {Language::English, "“Quoted” text", "quoted[1]/quot text[2]"},
    {Language::English, "Hello, world! How are you?", "hello[1] world[2] how[3] are[4] you[5]"},
    {Language::English, "don't won't can't", "don't[1] won't[2] can't[3]"},
    {Language::English, "rock 'n' roll", "rock[1] n[2] roll[3]"},
    {Language::English, "O'Brien", "o'brien[1]"},
    {Language::English, "x", "x[1]"},
    {Language::English, "a1b2 c3", "a1b2[1] c3[2]"},
    {Language::English, "#hashtag @mention", "hashtag[1] @mention[2]"},
    {Language::English, "email@example.com", "email@example.com[1]"},
    {Language::English, "https://akorda.kz/en/news", "https[1] akorda.kz[2] en[3] news[4]"},
    {Language::English, "50% growth", "50[1] growth[2]"},
    {Language::English, "$100 million", "100[1] million[2]"},
    {Language::English, "3rd place", "3rd[1] place[2]"},
    {Language::English, "Ⅻ century ﬁnance ｆｕｌｌｗｉｄｔｈ",
     "xii[1] century[2]/centuri finance[3]/financ fullwidth[4]"},
    {Language::English, "ß straße", "ss[1] strasse[2]/strass"},
    {Language::English, "İstanbul", "istanbul[1]"},
    {Language::English, "naïve coöperation", "naive[1]/naiv cooperation[2]/cooper"},
    {Language::English, "Ä Ö Ü", "a[1] o[2] u[3]"},
    {Language::Russian, "Конституционный суд", "конституционный[1]/конституцион суд[2]"},
    {Language::Russian, "Конституционного суда", "конституционного[1]/конституцион суда[2]/суд"},
    {Language::Russian, "Конституционным судом", "конституционным[1]/конституцион судом[2]/суд"},
    {Language::Russian, "Конституционном суде", "конституционном[1]/конституцион суде[2]/суд"},
    {Language::Russian, "ёлка и ёлки", "елка[1]/елк и[2] елки[3]/елк"},
    {Language::Russian, "елка и елки", "елка[1]/елк и[2] елки[3]/елк"},
    {Language::Russian, "Её объёмы всё ещё растут", "ее[1]/е объемы[2]/объем все[3] еще[4]/ещ растут[5]"},
    {Language::Russian, "ЁЛКА", "елка[1]/елк"},
    {Language::Russian, "Йошкар-Ола", "йошкар[1] ола[2]/ол +йошкарола[1]/йошкарол"},
    {Language::Russian, "йогурт и йод", "йогурт[1] и[2] йод[3]"},
    {Language::Russian, "Казахстан и Россия", "казахстан[1]/казахста и[2] россия[3]/росс"},
    {Language::Russian, "«Ак Жол» партиясы", "ак[1] жол[2] партиясы[3]/партияс"},
    {Language::Russian, "президент Касым-Жомарт Токаев",
     "президент[1] касым[2]/кас жомарт[3] +касымжомарт[2] токаев[4]/тока"},
    {Language::Russian, "COVID-19 в Алматы", "covid[1] 19[2] +covid19[1] в[3] алматы[4]/алмат"},
    {Language::Russian, "5 000 человек", "5000[1] человек[2]"},
    {Language::Russian, "29.08.2023 в 16:29", "29.08.2023[1] в[2] 16[3] 29[4]"},
    {Language::Russian, "Р.Ф. и С.Ш.А.", "рф[1] и[2] сша[3]"},
    {Language::Russian, "рос\u00ADсийский", "российский[1]/российск"},
    {Language::Russian, "бюджет на 2024–2026 годы", "бюджет[1] на[2] 2024[3] 2026[4] годы[5]/год"},
    {Language::Russian, "Ещё одна новость", "еще[1]/ещ одна[2]/одн новость[3]/новост"},
    {Language::Russian, "ПОДПИСЫВАЙТЕСЬ", "подписывайтесь[1]/подписыва"},
    {Language::Russian, "граждане и гражданам", "граждане[1]/граждан и[2] гражданам[3]/граждан"},
    {Language::Russian, "решения и решение", "решения[1]/решен и[2] решение[3]/решен"},
    {Language::Russian, "Қазақстан туралы", "қазақстан[1] туралы[2]/турал"},
    {Language::Russian, "компания Apple и iPhone", "компания[1]/компан apple[2]/appl и[3] iphone[4]/iphon"},
    {Language::Russian, "Ал-Фараби", "ал[1] фараби[2]/фараб +алфараби[1]/алфараб"},
    {Language::Kazakh, "Қазақстан", "қазақстан[1]"},
    {Language::Kazakh, "Қазақстанның", "қазақстанның[1]/қазақстан"},
    {Language::Kazakh, "Қазақстанда", "қазақстанда[1]/қазақстан"},
    {Language::Kazakh, "Конституциялық сот", "конституциялық[1] сот[2]"},
    {Language::Kazakh, "Конституциялық соттың", "конституциялық[1] соттың[2]/сот"},
    {Language::Kazakh, "Конституциялық сотқа", "конституциялық[1] сотқа[2]/сот"},
    {Language::Kazakh, "Конституциялық сотта", "конституциялық[1] сотта[2]/сот"},
    {Language::Kazakh, "Конституциялық соттан", "конституциялық[1] соттан[2]/сот"},
    {Language::Kazakh, "мектептерімізде", "мектептерімізде[1]/мектеп"},
    {Language::Kazakh, "кітабы мен кітаптар", "кітабы[1]/кітап мен[2] кітаптар[3]/кітап"},
    {Language::Kazakh, "әкім өкілі", "әкім[1] өкілі[2]/өкіл"},
    {Language::Kazakh, "ғылым және білім", "ғылым[1]/ғыл және[2] білім[3]/біл"},
    {Language::Kazakh, "құқық қорғау", "құқық[1] қорғау[2]"},
    {Language::Kazakh, "Ұлттық құрылтай", "ұлттық[1] құрылтай[2]"},
    {Language::Kazakh, "үкімет шешімі", "үкімет[1] шешімі[2]/шеш"},
    {Language::Kazakh, "һәм", "һәм[1]"},
    {Language::Kazakh, "Іле Алатауы", "іле[1] алатауы[2]/алатау"},
    {Language::Kazakh, "ҚАЗАҚСТАН", "қазақстан[1]"},
    {Language::Kazakh, "2024 жылғы 5 000 теңге", "2024[1] жылғы[2]/жыл 5000[3] теңге[4]/тең"},
    {Language::Kazakh, "COVID-19 пандемиясы", "covid[1] 19[2] +covid19[1] пандемиясы[3]/пандемия"},
    {Language::Kazakh, "Қасым-Жомарт Тоқаев", "қасым[1]/қас жомарт[2] +қасымжомарт[1] тоқаев[3]"},
    {Language::Kazakh, "Президенттің жарлығы", "президенттің[1]/президент жарлығы[2]/жарлық"},
    {Language::Kazakh, "азаматтардың құқықтары", "азаматтардың[1]/азамат құқықтары[2]/құқық"},
    {Language::Kazakh, "балалар мен жастар", "балалар[1]/бала мен[2] жастар[3]/жас"},
    {Language::Kazakh, "жаңа заң қабылданды", "жаңа[1] заң[2] қабылданды[3]/қабыл"},
    {Language::Undetermined, "12345", "12345[1]"},
    {Language::Undetermined, "!!! ... ???", ""},
    {Language::Undetermined, "", ""},
    {Language::Undetermined, "   ", ""},
    {Language::Undetermined, "—", ""},
    {Language::Undetermined, "日本語のテキスト", "日本語[1] の[2] テキスト[3]"},
    {Language::Undetermined, "😀 emoji 👍🏽", "emoji[1]"},
    {Language::Undetermined,
     "\xff"
     "\xfe"
     " invalid",
     "invalid[1]"},
    {Language::Undetermined,
     "abc\xc3"
     " def",
     "abc[1] def[2]"},
};

}  // namespace

TEST_CASE("Analyzer golden table: English, Russian and Kazakh news text", "[analyzer]") {
    Analyzer analyzer;
    for (const GoldenCase& c : kGolden) {
        INFO("text: " << c.text);
        CHECK(render(analyzer, c.text, c.language) == c.terms);
    }
}

TEST_CASE("Analyzer never runs Kazakh words through the Russian stemmer", "[analyzer]") {
    Analyzer analyzer;
    for (Language language : {Language::Russian, Language::Kazakh, Language::Undetermined}) {
        auto tokens = analyzer.tokens("Қазақстан", language);
        REQUIRE(tokens.size() == 1);
        CHECK(tokens[0].stem == "қазақстан");
    }
}

TEST_CASE("Analyzer expands a query word through every stemmer that could apply", "[analyzer]") {
    Analyzer analyzer;
    const ExpansionCase cases[] = {
        {"courts", {"court"}},
        {"COURTS", {"court"}},
        {"суда", {"суд", "су"}},  // Russian stem, and the Kazakh stemmer's view (су+да)
        {"соттың", {"сот"}},      // Kazakh letters: Kazakh stemmer only
        {"2023", {}},             // numbers are not stemmed
    };
    for (const ExpansionCase& c : cases) {
        INFO(c.word);
        CHECK(expanded(analyzer, c.word, [&](const Token& t) { return analyzer.query_stems(t); }) == c.expected);
    }
}

TEST_CASE("Analyzer gives a Kazakh possessive in -ны/-ні and its noun in -н each other's reading", "[analyzer]") {
    Analyzer analyzer;
    const ExpansionCase cases[] = {
        {"ауданы", {"аудан"}},  // read as ауда + ны: its noun in -н too
        {"аудан", {"ауда"}},    // and the noun finds what its possessive is cut to
        {"өзені", {"өзен"}},
        {"өзен", {"өзе"}},
        {"ауданда", {"ауда"}},  // every form whose stem keeps the н
        {"ауданының", {"ауда"}},
        {"сотта", {}},   // a stem in another consonant: nothing to add
        {"қала", {}},    // no н, no -ны
        {"зауыты", {}},  // a possessive in -ы after another consonant is read right
        {"су", {}},      // short roots stay as they are
        {"courts", {}},  // Latin words: none
    };
    for (const ExpansionCase& c : cases) {
        INFO(c.word);
        CHECK(expanded(analyzer, c.word, [&](const Token& t) { return analyzer.kazakh_possessive_readings(t); }) ==
              c.expected);
    }
}

TEST_CASE("Analyzer finds the other words of a place's family by their stems", "[analyzer]") {
    Analyzer analyzer;
    auto words = [&](const Token& t) {
        std::vector<std::string> out;
        for (const Analyzer::DerivedName& name : analyzer.derived_names(t)) out.push_back(name.word);
        return out;
    };
    const ExpansionCase cases[] = {
        {"Chinese", {"china"}},
        {"chinese", {"china"}},
        {"China's", {"chinese"}},
        {"Germans", {"germany"}},
        {"European", {"europe"}},
        {"Scots", {"scotland", "scottish"}},
        {"turkey", {}},  // the bird: a place only when typed capitalised
        {"Turkey", {"turkish", "turk"}},
        {"Turkish", {"turkey", "turk"}},
        {"polish", {}},
        {"exports", {}},  // unrelated words: nothing
        {"российские", {"россия", "рф", "россиянин", "россияне"}},
        {"России", {"рф", "российский", "россиянин", "россияне"}},
        {"Германии", {"фрг", "немецкий", "немец", "немцы", "германский"}},
        {"американский", {"сша", "америка", "американец", "американцы"}},
        {"москвичи", {"москва", "московский"}},
        {"вена", {}},   // the vein
        {"казах", {}},  // the people, not the state: the Russian family has only казахстанский
        {"суда", {}},
        {"қытайлық", {"қытай", "қхр"}},
        {"Ресей", {"рф", "ресейлік"}},
    };
    for (const ExpansionCase& c : cases) {
        INFO(c.word);
        CHECK(expanded(analyzer, c.word, words) == c.expected);
    }
}

TEST_CASE("Every word of the place table finds the stems of its whole family", "[analyzer]") {
    // The table is stemmed lazily, by the first letters of a query word's stem: a family that a
    // word of it cannot reach would show here as a stem of its family that the word misses.
    Analyzer analyzer;
    auto stems_found = [&](const Token& t) {
        std::vector<std::string> out;
        for (const Analyzer::DerivedName& name : analyzer.derived_names(t)) out.push_back(name.stem);
        return out;
    };
    auto own_stem = [&](const std::string& word, Language language) {
        std::string stem;
        analyzer.analyze(word, language, 1, [&](const Token& t) { stem = t.stem; });
        return stem;
    };
    std::size_t families = 0;
    for (const std::string_view line : derived_name_families()) {
        std::istringstream in{std::string(line)};
        std::string code, word;
        in >> code;
        const Language language = language_from_code(code);
        std::vector<std::pair<std::string, bool>> family;  // word, ambiguous
        while (in >> word) {
            if (word == ":") continue;
            const bool ambiguous = word.back() == '*';
            if (ambiguous) word.pop_back();
            family.emplace_back(word, ambiguous);
        }
        ++families;
        for (const auto& [a, a_ambiguous] : family) {
            if (a_ambiguous) continue;  // expands only capitalised
            const std::set<std::string> found = expanded(analyzer, a.c_str(), stems_found);
            const std::string a_stem = own_stem(a, language);
            for (const auto& [b, b_ambiguous] : family) {
                const std::string b_stem = own_stem(b, language);
                if (b_stem == a_stem) continue;
                INFO(a << " -> " << b << " (" << b_stem << ")");
                CHECK(found.count(b_stem) == 1);
            }
        }
    }
    CHECK(families > 300);
}

TEST_CASE("Analyzer detects the language from the letters", "[analyzer]") {
    const std::pair<const char*, Language> cases[] = {
        {"The Constitutional Court ruled on Monday.", Language::English},
        {"Конституционный суд рассмотрел обращение.", Language::Russian},
        {"Конституциялық сот өтінішті қарады.", Language::Kazakh},
        {"Президент посетил Қазақстан и встретился с министрами, обсудив бюджет и планы на будущий год.",
         Language::Russian},
        {"12345 !!!", Language::Undetermined},
        {"", Language::Undetermined},
    };
    for (const auto& [text, language] : cases) {
        INFO(text);
        CHECK(Analyzer::detect_language(text) == language);
    }
}

TEST_CASE("Keyboard folding maps Kazakh letters to their Russian-keyboard look-alikes", "[analyzer]") {
    CHECK(Analyzer::keyboard_fold("қазақстан") == "казакстан");
    CHECK(Analyzer::keyboard_fold("әңгіме") == "ангиме");
    CHECK(Analyzer::keyboard_fold("өзгеріс") == "озгерис");
    CHECK(Analyzer::keyboard_fold("ұлттық") == "улттык");
    CHECK(Analyzer::keyboard_fold("үкімет") == "укимет");
    CHECK(Analyzer::keyboard_fold("ғылым") == "гылым");
    CHECK(Analyzer::keyboard_fold("һәм") == "хам");
    CHECK(Analyzer::keyboard_fold("court") == "court");
}

TEST_CASE("Analyzer counts invalid UTF-8 and drops over-long tokens", "[analyzer]") {
    Analyzer analyzer;
    AnalysisStats stats = analyzer.analyze("ok \xff\xfe bad \xc3", Language::English, 1, [](const Token&) {});
    CHECK(stats.invalid_utf8 == 3);
    std::string longest(300, 'a');
    std::vector<std::string> terms;
    stats = analyzer.analyze("short " + longest + " end", Language::English, 1,
                             [&](const Token& t) { terms.emplace_back(t.term); });
    CHECK(stats.dropped_long == 1);
    CHECK(terms == std::vector<std::string>{"short", "end"});
    // A long Cyrillic word is dropped whole, never cut inside a character.
    std::string cyrillic;
    for (int i = 0; i < 130; ++i) cyrillic += "ж";
    terms.clear();
    analyzer.analyze(cyrillic, Language::Russian, 1, [&](const Token& t) { terms.emplace_back(t.term); });
    CHECK(terms.empty());
}

TEST_CASE("Analyzer drops NUL bytes inside a word", "[analyzer]") {
    Analyzer analyzer;
    CHECK(render(analyzer, std::string("gov\0ernment", 11), Language::English) == "government[1]/govern");
}

TEST_CASE("Analyzer fingerprint names the versions that decide the terms", "[analyzer]") {
    Analyzer analyzer;
    const std::string f = analyzer.fingerprint();
    CHECK(f.find("icu ") != std::string::npos);
    CHECK(f.find("xapian ") != std::string::npos);
    CHECK(f.find("kazakh") != std::string::npos);
    AnalyzerOptions unstemmed;
    unstemmed.stemming = false;
    CHECK(Analyzer(unstemmed).fingerprint() != f);
    CHECK(Analyzer().fingerprint() == f);
}

TEST_CASE("Analyzer properties hold over the whole sample corpus", "[analyzer][property]") {
    Analyzer analyzer;
    Analyzer second;
    std::size_t files = 0, tokens = 0;
    const auto corpus = std::filesystem::path(IZDEU_SOURCE_DIR) / "corpus";
    for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus)) {
        if (entry.path().extension() != ".txt") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream buffer;
        buffer << in.rdbuf();
        const std::string text = buffer.str();
        INFO(entry.path().string());
        ++files;
        std::vector<Analyzer::OwnedToken> first = analyzer.tokens(text, Language::Undetermined);
        std::uint32_t last_position = 0;
        for (const auto& t : first) {
            ++tokens;
            // Offsets fall on character boundaries and cover the token's text.
            REQUIRE(t.start < t.end);
            REQUIRE(t.end <= text.size());
            const std::string covered = text.substr(t.start, t.end - t.start);
            CHECK(is_valid_utf8(covered));
            if (!t.alternative) {
                std::vector<Analyzer::OwnedToken> again = second.tokens(covered, Language::Undetermined);
                CHECK(!again.empty());
                if (!again.empty() && again.size() == 1) CHECK(again[0].term == t.term);
                // Positions increase; a joined form shares its first part's position.
                CHECK(t.position > last_position);
                last_position = t.position;
            } else {
                CHECK(t.position <= last_position);
            }
        }
        // The same text analyzed twice gives the same tokens.
        std::vector<Analyzer::OwnedToken> repeat = second.tokens(text, Language::Undetermined);
        REQUIRE(repeat.size() == first.size());
        for (std::size_t i = 0; i < first.size(); ++i) {
            CHECK(repeat[i].term == first[i].term);
            CHECK(repeat[i].stem == first[i].stem);
            CHECK(repeat[i].start == first[i].start);
            CHECK(repeat[i].position == first[i].position);
        }
    }
    CHECK(files >= 40);
    CHECK(tokens > 5000);
}

TEST_CASE("Spelling keys: Russian and Kazakh letters one byte each, the rest as written", "[schema]") {
    using izdeu::schema::spelling_key;
    using izdeu::schema::word_of_spelling_key;
    // а is the first key byte, я the 32nd; ё and the Kazakh letters follow.
    CHECK(spelling_key("а") == "\x80");
    CHECK(spelling_key("я") == "\x9F");
    CHECK(spelling_key("суд") == "\x91\x93\x84");
    CHECK(spelling_key("қазақ") == "\xA3\x80\x87\x80\xA3");
    for (const char* word : {"правительство", "қазақстан", "өңір", "ұлттық", "үкімет", "һәм", "ёлка", "court", "e-gov",
                             "mixедword", "їжак", "", "ʻokina"}) {
        INFO(word);
        const std::string key = spelling_key(word);
        CHECK(word_of_spelling_key(key) == word);
        // A key never holds a byte that starts a UTF-8 character unless the word stayed as it was.
        const bool kept = key == word;
        for (const char b : key) {
            if (!kept) CHECK(static_cast<unsigned char>(b) < 0xC0);
        }
    }
    // Letters outside the table keep the whole word as written.
    CHECK(spelling_key("їжак") == "їжак");
    CHECK(spelling_key("ʻokina") == "ʻokina");
    // One byte a letter: as long as the word in letters.
    CHECK(spelling_key("правительство").size() == 13);
}

TEST_CASE("With stem initials, only words with a wanted first letter are stemmed", "[analyzer]") {
    // What snippets ask for: a word whose first letter no query form has can only match as typed.
    Analyzer analyzer;
    auto stems = [&](std::string_view text, Language language) {
        std::vector<std::string> out;
        analyzer.analyze(text, language, 1, [&](const Token& t) { out.emplace_back(t.stem); });
        return out;
    };
    CHECK(stems("running walking судом", Language::Undetermined) == std::vector<std::string>{"run", "walk", "суд"});
    analyzer.set_stem_initials({"r"});
    CHECK(stems("running walking", Language::English) == std::vector<std::string>{"run", "walking"});
    // A Cyrillic initial leaves every a-z word unstemmed, and a Cyrillic word is stemmed by its
    // letter or that letter keyboard-folded.
    analyzer.set_stem_initials({"с"});
    CHECK(stems("running судом дома", Language::Russian) == std::vector<std::string>{"running", "суд", "дома"});
    // With a name key wanted, a capitalised word is stemmed whatever its letter (its stem's key
    // is the name's), a word in lower case still only by its letter.
    analyzer.set_stem_initials({"с"}, true);
    CHECK(stems("судом дома Дома Running running", Language::Undetermined) ==
          std::vector<std::string>{"суд", "дома", "дом", "run", "running"});
    analyzer.set_stem_initials({});
    CHECK(stems("running walking", Language::English) == std::vector<std::string>{"run", "walk"});
}

TEST_CASE("Word segments found without ICU for ASCII are ICU's, on random texts", "[analyzer]") {
    // The fast path must never split a text differently from ICU: the index and every query
    // depend on the same words. Random texts over the characters the rules treat apart, with
    // some that are not ASCII (to mix both paths), compared segment by segment.
    WordSegmenter segmenter;
    // Every ASCII character, the ones the rules treat apart more often, and some that are not
    // ASCII next to them (a soft hyphen and a combining accent attach to what precedes them).
    const std::u16string special[] = {u"a", u"Z",  u"0", u"7", u".", u",",    u";", u":",
                                      u"'", u"\"", u"_", u"@", u" ", u"\r\n", u"\t"};
    const std::u16string other[] = {u"é",      u"’",      u"£",      u"\u00a0", u"д",          u"ә",    u"\u0301",
                                    u"\u200d", u"\u2009", u"—",      u"\u00ad", u"\U0001F600", u"日本", u"ก",
                                    u"\u00b7", u"\u05d0", u"\u30a2", u"\ufe55", u"\uff0e"};
    std::uint64_t seed = 0x9E3779B97F4A7C15ull;
    auto next = [&] {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        return seed;
    };
    std::vector<WordSegment> fast, icu;
    std::size_t compared = 0, with_words = 0;
    for (int round = 0; round < 200000; ++round) {
        std::u16string text;
        const std::size_t length = 1 + next() % 32;
        const bool mixed = next() % 5 == 0;  // a fifth of the texts mix in characters above ASCII
        for (std::size_t i = 0; i < length; ++i) {
            const std::uint64_t pick = next() % 10;
            if (pick < 5) {
                text += special[next() % std::size(special)];
            } else if (pick < 9 || !mixed) {
                text += static_cast<char16_t>(1 + next() % 127);
            } else {
                text += other[next() % std::size(other)];
            }
        }
        segmenter.segment(text, fast);
        segmenter.segment_with_icu(text, icu);
        bool same = fast.size() == icu.size();
        for (std::size_t i = 0; same && i < fast.size(); ++i)
            same = fast[i].begin == icu[i].begin && fast[i].end == icu[i].end;
        if (!same) {
            std::string shown;
            for (char16_t u : text)
                shown += u > 0x20 && u < 0x7f ? std::string(1, static_cast<char>(u)) : "<" + std::to_string(u) + ">";
            auto list = [](const std::vector<WordSegment>& v) {
                std::string out;
                for (const WordSegment& w : v) out += std::to_string(w.begin) + "-" + std::to_string(w.end) + " ";
                return out;
            };
            INFO("text: [" << shown << "] fast " << list(fast) << "ICU " << list(icu));
            CHECK(same);
            break;
        }
        ++compared;
        if (!icu.empty()) ++with_words;
    }
    CHECK(compared == 200000);
    CHECK(with_words > 100000);  // the comparison is about words, not only about punctuation
}
