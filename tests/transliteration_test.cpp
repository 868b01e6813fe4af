// Golden tables for the name key and the Cyrillic reading of Latin-script Kazakh (issue 22),
// and the check that ICU's transliterators spell the names of tests/data/names.tsv with the
// same keys as the Latin news spellings.
#include <catch2/catch.hpp>

#include <fstream>
#include <memory>
#include <sstream>

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include "analyzer.h"
#include "kazakh_stemmer.h"
#include "transliteration.h"

using namespace izdeu;

namespace {

// The normalized term of a one-word text, as the index would write it.
std::string term_of(Analyzer& analyzer, const std::string& word) {
    std::string term;
    analyzer.analyze(word, Language::Undetermined, 1, [&](const Token& t) {
        if (term.empty() && !t.alternative) term = std::string(t.term);
    });
    return term;
}

std::string key_of(Analyzer& analyzer, const std::string& word) {
    return name_key(term_of(analyzer, word));
}

std::string cyrillic(std::u16string_view word, KazakhLatinAlphabet alphabet) {
    std::string out;
    append_kazakh_cyrillic(word, alphabet, out);
    return out;
}

}  // namespace

TEST_CASE("Name keys forget the differences between romanizations", "[names]") {
    Analyzer analyzer;
    const std::vector<std::pair<std::vector<std::string>, std::string>> kSame = {
        {{"Tokayev", "Tokaev", "Toqaev", "Токаев", "Тоқаев"}, "tkv"},
        {{"Nazarbayev", "Nazarbaev", "Назарбаев"}, "nzrbv"},
        {{"Karaganda", "Караганда", "Қарағанды", "Qaraǵandy", "Qarağandy"}, "krgnd"},
        {{"Zhanaozen", "Janaozen", "Жанаозен", "Жаңаөзен", "Jańaózen"}, "jnzn"},
        {{"Kyzylorda", "Qyzylorda", "Кызылорда", "Қызылорда"}, "kzlrd"},
        {{"Shymkent", "Шымкент", "Şymkent"}, "smknt"},
        {{"Aktobe", "Aqtobe", "Актобе", "Ақтөбе", "Aqtóbe", "Aqtöbe"}, "aktb"},
        {{"Kazakhstan", "Qazaqstan", "Казахстан", "Қазақстан"}, "kzkstn"},
        {{"Mazhilis", "Majilis", "Мажилис", "Мәжіліс"}, "mjls"},
        {{"Semey", "Semei", "Семей"}, "sm"},
        {{"Kazakhtelecom", "Казахтелеком"}, "kzktlkm"},
        {{"Shchuchinsk", "Щучинск"}, "scnsk"},
    };
    for (const auto& [spellings, key] : kSame) {
        for (const std::string& s : spellings) {
            INFO(s);
            CHECK(key_of(analyzer, s) == key);
        }
    }
    // Too short to key safely: no key at all.
    for (const char* word : {"Mir", "мир", "Mira", "Мира", "Mr", "суд", "Abai"}) {
        INFO(word);
        CHECK(key_of(analyzer, word).empty());
    }
    CHECK(name_key("covid19").empty());  // digits: no key
}

TEST_CASE("Latin-script Kazakh is read in Cyrillic, per alphabet", "[names]") {
    using A = KazakhLatinAlphabet;
    CHECK(cyrillic(u"Qazaqstannyń", A::Y2018) == "қазақстанның");
    CHECK(cyrillic(u"Qazaqstannyñ", A::Y2021) == "қазақстанның");
    CHECK(cyrillic(u"Sýret", A::Y2018) == "сурет");
    CHECK(cyrillic(u"Suret", A::Y2021) == "сурет");
    CHECK(cyrillic(u"jumystary", A::Y2018) == "жұмыстары");  // 2018: u is ұ
    CHECK(cyrillic(u"jūmystary", A::Y2021) == "жұмыстары");  // 2021: ū is ұ
    CHECK(cyrillic(u"Úkimet", A::Y2018) == "үкімет");
    CHECK(cyrillic(u"Qostanaı", A::Y2018) == "қостанай");  // ı after a vowel: й
    CHECK(cyrillic(u"Azııa", A::Y2018) == "азия");         // ııa: ия
    CHECK(cyrillic(u"Syrdarııany", A::Y2018) == "сырдарияны");
    CHECK(cyrillic(u"materıal", A::Y2018) == "материал");  // a single ıa stays иа
    CHECK(cyrillic(u"Respýblıkasy", A::Y2018) == "республикасы");
    CHECK(cyrillic(u"basshysy", A::Y2018) == "басшысы");
    CHECK(cyrillic(u"Şymkent", A::Y2021) == "шымкент");
    CHECK(cyrillic(u"Jan\u0301a", A::Y2018) == "жаңа");  // decomposed accent
    CHECK(kazakh_latin_alphabet(u"Qazaqstannyñ jağdaı") == A::Y2021);
    CHECK(kazakh_latin_alphabet(u"Qazaqstannyń jaǵdaı") == A::Y2018);
}

TEST_CASE("Latin-script Kazakh is detected, stemmed as Kazakh and read in Cyrillic", "[names]") {
    CHECK(Analyzer::detect_language("Qazaqstannyń bolashaǵy bilimdi jastarda. Bul týraly ákimdik habarlady.") ==
          Language::Kazakh);
    CHECK(Analyzer::detect_language("Qazaqstannyñ barlyq öñirlerine eskertu joldady, jağdaı qauipti.") ==
          Language::Kazakh);
    CHECK(Analyzer::detect_language("Officials from Qatar and Iraq met Mr Müller in Astana on Monday to discuss "
                                    "the new transport corridor, which the ministers expect to open next year.") ==
          Language::English);
    Analyzer analyzer;
    std::vector<std::string> seen;
    analyzer.analyze("Qazaqstannyń mektepteri", Language::Kazakh, 1, [&](const Token& t) {
        seen.push_back(std::string(t.term) + "|" + std::string(t.cyrillic) + "|" + std::string(t.stem));
    });
    REQUIRE(seen.size() == 2);
    CHECK(seen[0] == "qazaqstannyn|қазақстанның|қазақстан");
    CHECK(seen[1] == "mektepteri|мектептері|мектеп");
    // An English text in a Cyrillic Kazakh article keeps its English reading.
    seen.clear();
    analyzer.analyze("Kazinform хабарлады: мектептер ашылды", Language::Kazakh, 1,
                     [&](const Token& t) { seen.push_back(std::string(t.cyrillic)); });
    CHECK(seen.front().empty());
}

TEST_CASE("A capital I of the 2018 alphabet reads as и unless the word list knows the word with і", "[names]") {
    const auto readings = [](Analyzer& analyzer, const std::string& text) {
        std::string out;
        analyzer.analyze(text, Language::Kazakh, 1,
                         [&](const Token& t) { out += (out.empty() ? "" : " ") + std::string(t.cyrillic); });
        return out;
    };
    // Names and loanwords are written with и in Cyrillic (Иманғали, Иран); a lower-case i is і.
    const std::string text = "Ishki ister mınıstri Imanǵalı Iranǵa bardy";
    Analyzer plain;
    CHECK(readings(plain, text) == "ишкі істер министрі иманғали иранға барды");
    // The word list knows ішкі: that capital keeps і, the others do not.
    AnalyzerOptions options;
    options.kazakh_lexicon = KazakhLexicon::from_words({"ішкі", "іс", "министр", "бар"});
    Analyzer listed(options);
    CHECK(readings(listed, text) == "ішкі істер министрі иманғали иранға барды");
    CHECK(plain.fingerprint().find("izdeu-analyzer 4;") == 0);
}

TEST_CASE("Name keys are written for capitalised words inside sentences only", "[names]") {
    Analyzer analyzer;
    auto keys = [&](std::string_view text, Language language) {
        std::string out;
        analyzer.analyze(text, language, 1, [&](const Token& t) {
            if (t.name_key.empty()) return;
            if (!out.empty()) out += ' ';
            out += std::string(t.term) + "=" + std::string(t.name_key);
        });
        return out;
    };
    CHECK(keys("Президент Токаев прибыл в Астану. Мир меняется.", Language::Russian) == "токаев=XNRtkv астану=XNRastn");
    CHECK(keys("Президент Тоқаев бүгін Қарағандыда жұмыс сапарымен болды.", Language::Kazakh) ==
          "тоқаев=XNKtkv қарағандыда=XNKkrgnd");
    CHECK(keys("The delegation arrived on Monday, and President Tokayev met «Kazakhtelecom» staff at the office.",
               Language::English) == "monday=XNLmnd president=XNLprsdnt tokayev=XNLtkv kazakhtelecom=XNLkzktlkm");
    CHECK(keys("Constitutional Court Marks First Year Of Work", Language::English).empty());  // Title Case
    CHECK(keys("Bul týraly Memleket basshysy Toqaev aıtty.", Language::Kazakh) == "memleket=XNKmlkt toqaev=XNKtkv");
}

TEST_CASE("ICU's romanizations of the golden names give the Latin spelling's key", "[names]") {
    Analyzer analyzer;
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> russian(
        icu::Transliterator::createInstance("Russian-Latin/BGN", UTRANS_FORWARD, status));
    std::unique_ptr<icu::Transliterator> kazakh(
        icu::Transliterator::createInstance("Kazakh-Latin/BGN", UTRANS_FORWARD, status));
    REQUIRE(U_SUCCESS(status));
    auto romanize = [](icu::Transliterator& t, const std::string& word) {
        icu::UnicodeString text = icu::UnicodeString::fromUTF8(word);
        t.transliterate(text);
        std::string out;
        text.toUTF8String(out);
        return out;
    };
    std::ifstream table(std::string(IZDEU_SOURCE_DIR) + "/tests/data/names.tsv");
    REQUIRE(table);
    std::string line;
    std::size_t checked = 0;
    while (std::getline(table, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> fields;
        std::stringstream in(line);
        for (std::string f; std::getline(in, f, '\t');) fields.push_back(f);
        REQUIRE(fields.size() >= 4);
        if (fields[1].find('-') != std::string::npos) continue;  // hyphenated: checked through the binaries
        const std::string key = key_of(analyzer, fields[1]);
        INFO(fields[1] << " " << fields[2] << " " << fields[3]);
        CHECK(!key.empty());
        CHECK(key_of(analyzer, romanize(*russian, fields[2])) == key);
        CHECK(key_of(analyzer, romanize(*kazakh, fields[3])) == key);
        ++checked;
    }
    CHECK(checked >= 40);
}
