#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "russian_stemmer.h"
#include "snippet.h"
#include "text_encoding.h"

using namespace izdeu;

namespace {

HighlightSet wanted(std::initializer_list<const char*> terms, std::initializer_list<const char*> stems) {
    HighlightSet h;
    for (const char* t : terms) h.terms.insert(t);
    for (const char* s : stems) h.stems.insert(s);
    return h;
}

// A snippet cut inside a UTF-8 character would not be valid UTF-8.
bool valid_utf8_boundaries(const std::string& s) { return is_valid_utf8(s); }

}  // namespace

TEST_CASE("Snippets highlight stemmed matches", "[snippet]") {
    Analyzer analyzer;
    struct Case {
        const char* text;
        Language language;
        HighlightSet want;
        const char* marked;
    };
    const Case cases[] = {
        {"The courts ruled. The Constitutional Court agreed.", Language::English,
         wanted({"court"}, {"court"}), "The [courts] ruled. The Constitutional [Court] agreed."},
        {"Судьи Конституционного суда рассмотрели дело судом.", Language::Russian,
         wanted({"суд"}, {"суд"}), "[Судьи] Конституционного [суда] рассмотрели дело [судом]."},
        {"Kassym-Jomart Tokayev met them.", Language::English, wanted({"kassymjomart"}, {}),
         "[Kassym-Jomart] Tokayev met them."},
        {"Tokayev’s speech", Language::English, wanted({"tokayev"}, {"tokayev"}), "[Tokayev’s] speech"},
        {"Қазақстан азаматтары сотқа барды.", Language::Kazakh, wanted({"қазақстан"}, {}),
         "[Қазақстан] азаматтары сотқа барды."},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        Snippet s = make_snippet(c.text, c.language, c.want, analyzer);
        CHECK(mark_snippet(s, "[", "]") == c.marked);
    }
}

TEST_CASE("Snippets pick the passage with the matches and cut at word boundaries", "[snippet]") {
    Analyzer analyzer;
    std::string text;
    for (int i = 0; i < 40; ++i) text += "Неважный текст про погоду и дороги. ";
    text += "Здесь Конституционный суд принял решение о жалобе граждан. ";
    for (int i = 0; i < 40; ++i) text += "Ещё немного слов про спорт и музыку. ";
    Snippet s = make_snippet(text, Language::Russian, wanted({"суд", "конституционный"}, {"суд"}), analyzer);
    std::string marked = mark_snippet(s, "<", ">");
    INFO(marked);
    CHECK(marked.find("<Конституционный> <суд>") != std::string::npos);
    CHECK(s.text.rfind("…", 0) == 0);                       // cut at the front
    CHECK(s.text.size() >= 3);
    CHECK(s.text.compare(s.text.size() - 3, 3, "…") == 0);  // and at the back
    CHECK(valid_utf8_boundaries(s.text));
    // Roughly 200 characters, never a torn word: every character count stays near the target.
    std::size_t chars = 0;
    for (unsigned char c : s.text) chars += (c & 0xC0) != 0x80;
    CHECK(chars <= 230);
    CHECK(chars >= 120);
}

TEST_CASE("A text without matches gives its beginning", "[snippet]") {
    Analyzer analyzer;
    Snippet s = make_snippet("Short text only.", Language::English, wanted({"absent"}, {}), analyzer);
    CHECK(s.text == "Short text only.");
    CHECK(s.highlights.empty());
}

TEST_CASE("Long texts: the first passage with every word, across the analysis pieces", "[snippet]") {
    Analyzer analyzer;
    const HighlightSet want = wanted({"ombudsman", "pension"}, {"ombudsman", "pension"});
    auto filler = [](int sentences) {
        std::string s;
        for (int i = 0; i < sentences; ++i) s += "Weather and roads were discussed at length today. ";
        return s;
    };
    SECTION("one word early, both together only far later (past many pieces)") {
        const std::string text = "The ombudsman spoke. " + filler(300) + "The ombudsman criticised pension delays. " +
                                 filler(300) + "Another ombudsman and pension story. " + filler(10);
        const std::string marked = mark_snippet(make_snippet(text, Language::English, want, analyzer), "[", "]");
        INFO(marked);
        CHECK(marked.find("[ombudsman] criticised [pension] delays") != std::string::npos);
    }
    SECTION("the two words straddle a piece boundary") {
        // Pieces are about 1 KB (cut at white space): every offset around the first boundaries.
        for (int shift = 0; shift < 3200; shift += 7) {
            std::string text = filler(80).substr(0, 900 + static_cast<std::size_t>(shift));
            text += " ombudsman and the pension fund. " + filler(200);
            const Snippet s = make_snippet(text, Language::English, want, analyzer);
            const std::string marked = mark_snippet(s, "[", "]");
            INFO(shift << ": " << marked);
            CHECK(marked.find("[ombudsman] and the [pension] fund.") != std::string::npos);
            CHECK(valid_utf8_boundaries(s.text));
            // The text after the passage's words was analyzed as far as the passage reaches.
            CHECK(s.text.size() >= 180);
        }
    }
    SECTION("the first passage with every word, not a later one that repeats them") {
        const std::string text = "The ombudsman spoke about pension plans. " + filler(40) +
                                 "Ombudsman, pension, ombudsman, pension, ombudsman.";
        const std::string marked = mark_snippet(make_snippet(text, Language::English, want, analyzer), "[", "]");
        INFO(marked);
        CHECK(marked.rfind("The [ombudsman] spoke about [pension] plans.", 0) == 0);
    }
    SECTION("the first passage with every word, also when one with more repeats follows closely") {
        // The first at the end of the first 1 KB piece, the repeats early in the next one.
        const std::string text = filler(18) + "The ombudsman spoke about pension plans. " + filler(4) +
                                 "Ombudsman, pension, ombudsman, pension, ombudsman. " + filler(40);
        const std::string marked = mark_snippet(make_snippet(text, Language::English, want, analyzer), "[", "]");
        INFO(marked);
        CHECK(marked.find("The [ombudsman] spoke about [pension] plans.") != std::string::npos);
        CHECK(marked.find("[Ombudsman], [pension], [ombudsman]") == std::string::npos);
    }
    SECTION("a match in the last piece only") {
        const std::string text = filler(400) + "Finally the pension reform passed.";
        const std::string marked = mark_snippet(make_snippet(text, Language::English, want, analyzer), "[", "]");
        INFO(marked);
        CHECK(marked.find("[pension] reform passed.") != std::string::npos);
    }
}

TEST_CASE("Phrases and NEAR highlight their words only where they match together", "[snippet]") {
    Analyzer analyzer;
    auto word = [](const char* term, const char* stem) {
        HighlightWord w;
        w.terms.insert(term);
        w.stems.insert(stem);
        return w;
    };
    const HighlightWord constitutional = word("constitutional", "constitut");
    const HighlightWord court = word("court", "court");
    const std::string text =
        "The Constitution says courts decide. The Constitutional Court ruled, and later the court "
        "of appeal agreed with the constitutional courts.";
    struct Case {
        const char* name;
        HighlightSet want;
        const char* marked;
    };
    HighlightSet phrase;
    phrase.groups.push_back({{constitutional, court}, 0});
    HighlightSet phrase_and_court = phrase;
    phrase_and_court.terms.insert("court");
    phrase_and_court.stems.insert("court");
    HighlightSet near;
    HighlightWord decide, constitution;  // surface forms only: the stem would take Constitutional too
    decide.terms.insert("decide");
    constitution.terms.insert("constitution");
    near.groups.push_back({{decide, constitution}, 4});  // positions 2 and 5: within a window of 4
    const Case cases[] = {
        // "Constitution says courts": the words, but not one after the other.
        {"a phrase", phrase,
         "The Constitution says courts decide. The [Constitutional Court] ruled, and later the court of appeal "
         "agreed with the [constitutional courts]."},
        {"a phrase and one of its words alone", phrase_and_court,
         "The Constitution says [courts] decide. The [Constitutional Court] ruled, and later the [court] of appeal "
         "agreed with the [constitutional courts]."},
        {"NEAR, window 4", near,
         "The [Constitution] says courts [decide]. The Constitutional Court ruled, and later the court of appeal "
         "agreed with the constitutional courts."},
    };
    for (const Case& c : cases) {
        INFO(c.name);
        CHECK(mark_snippet(make_snippet(text, Language::English, c.want, analyzer), "[", "]") == c.marked);
    }
}

TEST_CASE("A phrase split by an analysis piece boundary is still highlighted", "[snippet]") {
    Analyzer analyzer;
    HighlightSet want;
    HighlightWord pension, reform;
    pension.terms.insert("pension");
    reform.terms.insert("reform");
    want.groups.push_back({{pension, reform}, 0});
    for (std::size_t shift = 0; shift < 40; shift += 3) {
        std::string text(4080 + shift, 'x');
        for (std::size_t i = 5; i < text.size(); i += 6) text[i] = ' ';
        text += " pension reform passed.";
        const std::string marked = mark_snippet(make_snippet(text, Language::English, want, analyzer), "[", "]");
        INFO(shift);
        CHECK(marked.find("[pension reform] passed.") != std::string::npos);
    }
}

TEST_CASE("A snippet for a query without Cyrillic words leaves the Russian dictionary unread", "[snippet]") {
    // The dictionary is read on the first Russian word stemmed (25 ms in a new process). Its
    // files removed after the snippet, a stem taken then shows whether the snippet read it.
    const auto dir = std::filesystem::temp_directory_path() / ("izdeu-snippet-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "ru.dic") << "1\nастана/N\n";
    std::ofstream(dir / "ru.aff") << "SET UTF-8\nSFX N Y 1\nSFX N а е а\n";
    auto analyzer_with_dictionary = [&] {
        AnalyzerOptions options;
        options.russian_dictionary = RussianDictionary::open((dir / "ru.dic").string());
        REQUIRE(options.russian_dictionary != nullptr);
        return std::make_unique<Analyzer>(options);
    };
    auto reference = analyzer_with_dictionary();
    REQUIRE(reference->tokens("астане", Language::Russian).at(0).stem == "астана");  // the files work

    auto analyzer = analyzer_with_dictionary();
    const std::string text = "В Астане открыли новый server. Астана ждёт.";
    CHECK(mark_snippet(make_snippet(text, Language::Russian, wanted({"server"}, {"server"}), *analyzer), "[", "]") ==
          "В Астане открыли новый [server]. Астана ждёт.");
    // A Russian query's snippet still stems: another form of the word is highlighted.
    auto other = analyzer_with_dictionary();
    CHECK(mark_snippet(make_snippet(text, Language::Russian, wanted({"астана"}, {"астана"}), *other), "[", "]") ==
          "В [Астане] открыли новый server. [Астана] ждёт.");
    std::filesystem::remove_all(dir);
    CHECK(analyzer->tokens("астане", Language::Russian).at(0).stem != "астана");
}

TEST_CASE("Snippets of an English query stem only the words that can match", "[snippet]") {
    // Each stemmed form of the query is still found when other words go unstemmed, and a word of
    // another initial with the same stem as a query word cannot exist.
    Analyzer analyzer;
    const Snippet s = make_snippet("Judges ruled. The courts were running late; rulings and runs followed.",
                                   Language::English, wanted({"court", "run"}, {"court", "run"}), analyzer);
    CHECK(mark_snippet(s, "[", "]") == "Judges ruled. The [courts] were [running] late; rulings and [runs] followed.");
    // The analyzer stems every word again afterwards (indexing must never skip a stem).
    std::vector<std::string> stems;
    analyzer.analyze("judges ruled", Language::English, 1, [&](const Token& t) { stems.emplace_back(t.stem); });
    CHECK(stems == std::vector<std::string>{"judg", "rule"});
}
