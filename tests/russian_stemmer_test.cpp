#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <xapian.h>

#include "russian_stemmer.h"
#include "test_support.h"

using izdeu::RussianDictionary;
using izdeu::RussianStemmer;

namespace {

// A miniature of hunspell-ru's format: a noun set (declines, -ами), a verb set, a bare form.
constexpr const char* kAff =
    "SET UTF-8\n"
    "SFX N Y 4\n"
    "SFX N   0    а     [^аь]\n"
    "SFX N   0    ами   [^аь]\n"
    "SFX N   ок   ка    ок\n"
    "SFX N   ок   ками  ок\n"
    "SFX V Y 2\n"
    "SFX V   ть   л     ать\n"
    "SFX V   ть   ла    ать\n";
constexpr const char* kDic = "5\nсуд/N\nпаводок/N\nсказать/V\nСмирнова\nвчера\n";

/// The lemmas of a form as "lemma/n/p/b" (noun, proper, bare), space-separated.
std::string lemmas_text(const RussianDictionary& dictionary, const char* form) {
    std::string out;
    for (const auto& lemma : dictionary.lemmas(form)) {
        out += (out.empty() ? "" : " ") + lemma.word + (lemma.noun ? "/n" : "") + (lemma.proper ? "/p" : "") +
               (lemma.bare ? "/b" : "");
    }
    return out;
}

}  // namespace

TEST_CASE("Russian dictionary reads forms back to their lemmas", "[russian]") {
    const auto dictionary = RussianDictionary::from_text(kAff, kDic);
    REQUIRE(dictionary != nullptr);
    CHECK(dictionary->word_count() == 5);
    CHECK(dictionary->rule_count() == 6);
    auto words = [&](const char* form) { return lemmas_text(*dictionary, form); };
    CHECK(words("суда") == "суд/n");
    CHECK(words("судами") == "суд/n");
    CHECK(words("паводка") == "паводок/n");  // strip ок, add ка: the vowel drops
    CHECK(words("сказала") == "сказать");    // a verb set: not a noun
    CHECK(words("смирнова") == "смирнова/p/b");
    CHECK(words("суду") == "");  // no rule makes it
    CHECK(words("") == "");
}

TEST_CASE("Russian dictionary: folded spellings, words listed twice, fields after the word", "[russian]") {
    // A byte-order mark, capitals and ё folded as the analyzer folds them, a word listed as a
    // noun and as a name (one entry, with the flags of both), CRLF and a morphological field.
    const auto dictionary = RussianDictionary::from_text(kAff,
                                                         "\xEF\xBB\xBF"
                                                         "5\nЁж/N\nмир/N\nМир\nВОЛК/N\r\nдом/N\tst:дом\n");
    REQUIRE(dictionary != nullptr);
    CHECK(dictionary->word_count() == 4);
    auto words = [&](const char* form) { return lemmas_text(*dictionary, form); };
    CHECK(words("ежа") == "еж/n/p");
    CHECK(words("мира") == "мир/n");
    CHECK(words("мир") == "мир/n");
    CHECK(words("волка") == "волк/n/p");
    CHECK(words("дома") == "дом/n");
    CHECK(words("ёжа") == "");  // the analyzer gives ё as е: forms are looked up folded
}

TEST_CASE("Russian dictionary: missing files mean rules only", "[russian]") {
    CHECK(RussianDictionary::open("/nonexistent/izdeu/ru_RU.dic") == nullptr);
    CHECK(RussianDictionary::open(std::filesystem::temp_directory_path().string()) == nullptr);
    CHECK(RussianDictionary::from_text(kAff, "0\n") == nullptr);
}

TEST_CASE("Russian stemmer without a dictionary is Snowball's", "[russian]") {
    RussianStemmer stemmer;
    Xapian::Stem snowball("russian");
    for (const char* word : {"казахстане", "астана", "паводка", "конституционного", "решения"}) {
        INFO(word);
        CHECK(stemmer(word) == snowball(word));
    }
    CHECK(stemmer.get_description() == "russian-izdeu-10");
}

// The real hunspell-ru dictionary, as izdeu-index uses it by default (scripts/install-deps
// installs it; a missing one fails here rather than silently testing the rules alone).
TEST_CASE("Russian stemmer with hunspell-ru: golden table", "[russian]") {
    const auto dictionary = RussianDictionary::open(RussianDictionary::kDefaultPath);
    REQUIRE(dictionary != nullptr);
    RussianStemmer stemmer(dictionary);
    CHECK(stemmer.get_description().rfind("russian-izdeu-10+hunspell-", 0) == 0);
    const std::pair<const char*, const char*> golden[] = {
        // Names the dictionary knows: the lemma, whatever the case.
        {"астана", "астана"},
        {"астане", "астана"},
        {"астану", "астана"},
        {"казахстан", "казахстан"},
        {"казахстане", "казахстан"},
        {"москве", "москва"},
        {"караганде", "караганда"},
        {"россии", "россия"},
        // A country in -ия, not the element in -ий that shares its forms.
        {"германию", "германия"},
        {"германии", "германия"},
        {"германией", "германия"},
        {"франции", "франция"},
        {"францию", "франция"},
        {"индии", "индия"},
        {"германий", "германий"},
        // The neuter nouns in -мя: every form to the nominative.
        {"время", "время"},
        {"времени", "время"},
        {"временем", "время"},
        {"времена", "время"},
        {"времен", "время"},
        {"имени", "имя"},
        {"имен", "имя"},
        {"семена", "семя"},
        {"семен", "семен"},
        // A form a numeral shares with a noun is the noun's.
        {"семью", "семья"},
        {"семьи", "семья"},
        // A vowel that drops, and forms the dictionary lists bare or lacks.
        {"паводок", "паводок"},
        {"паводка", "паводок"},
        {"паводки", "паводок"},
        {"рынке", "рынок"},
        {"звонка", "звонок"},
        {"поселка", "поселок"},
        {"владельцев", "владелец"},
        {"владельцем", "владелец"},
        {"земель", "земля"},
        {"ветер", "ветр"},
        {"ветра", "ветр"},
        {"ветры", "ветр"},
        {"заем", "займ"},
        {"займа", "займ"},
        {"займы", "займ"},
        {"займов", "займ"},
        {"ветрами", "ветр"},
        {"уголь", "угл"},
        {"угля", "угл"},
        // Plurals listed as entries: a neuter's (окна, колёса) meets the neuter; a plural-only
        // noun keeps its stem's vowel (похороны, not похорн); a genitive plural without
        // ending, listed bare, is read back to its noun (окон, колёс, стёкол, писем, озёр).
        {"колеса", "колесо"},
        {"колесам", "колесо"},
        {"колес", "колесо"},
        {"стекла", "стекло"},
        {"стеклами", "стекло"},
        {"стекол", "стекло"},
        {"окон", "окно"},
        {"писем", "письмо"},
        {"озер", "озеро"},
        {"похороны", "похорон"},
        {"похорон", "похорон"},
        {"похоронам", "похорон"},
        {"переговоров", "переговор"},
        {"переговорами", "переговор"},
        // The plural entry over the singular whose plural it is (деньги: not деньга).
        {"деньги", "деньг"},
        {"деньгами", "деньг"},
        // Several lemmas: nouns first, then Snowball's agreement, then the shorter.
        {"суда", "суд"},
        {"судно", "судно"},
        {"мира", "мир"},
        {"миро", "миро"},
        {"стали", "сталь"},
        {"банка", "банк"},
        // Surnames: the dictionary's common noun, else the -ов/-ев stem shared by all forms.
        {"попов", "поп"},
        {"попова", "поп"},
        {"кузнецова", "кузнец"},
        {"кузнецовым", "кузнец"},
        {"назарбаев", "назарба"},
        {"назарбаевой", "назарба"},
        {"токаеву", "тока"},
        {"смирнов", "смирн"},
        {"смирнова", "смирн"},
        {"лавров", "лавр"},
        {"лаврова", "лавр"},
        {"путин", "путин"},
        {"путина", "путин"},
        {"акимов", "аким"},
        {"основы", "основа"},
        {"городов", "город"},
        {"острова", "остров"},
        // Words it does not know: noun and adjective endings, never verb ones.
        {"жанаозене", "жанаозн"},
        {"шымкента", "шымкент"},
        {"костанай", "костан"},
        {"костаная", "костан"},
        {"костанаем", "костан"},
        {"омбудсмена", "омбудсмн"},
        {"алматы", "алмат"},
        // A bare form that itself ends like a case ending loses it, and so do its other forms.
        {"росатом", "росат"},
        {"росатома", "росат"},
        {"росатомом", "росат"},
        {"росатоме", "росат"},
        {"казатомпром", "казатомпр"},
        {"казатомпрома", "казатомпр"},
        {"шымкентом", "шымкент"},
        // Other words: their dictionary lemma.
        {"конституционного", "конституционный"},
        {"решения", "решение"},
        // Verbs: the root both aspects share, marked apart from nouns.
        {"сказал", "сказ~"},
        {"вооружая", "вооруж~"},
        {"вооружить", "вооруж~"},
        {"вооружиться", "вооруж~"},
        {"выполняет", "выполн~"},
        {"выполнил", "выполн~"},
        {"показывает", "показ~"},
        {"показал", "показ~"},
        {"действовать", "действ~"},
        {"судит", "суд~"},
        // A noun whose entry's flags miss its dropped vowel, its real forms listed bare: one stem.
        {"посол", "посл"},
        {"посла", "посл"},
        {"послом", "посл"},
        {"послы", "посл"},
        {"угол", "угл"},
        {"угла", "угл"},
        // A plural entry in -ья takes its singular's stem, and so do its bare forms (izdeu-6).
        {"братья", "брат"},
        {"братьев", "брат"},
        {"братьям", "брат"},
        {"сыновья", "сын"},
        {"сыновей", "сын"},
        {"друзья", "друг"},
        {"деревья", "дерево"},
        // The instrumental in -ьми, listed bare: the noun it belongs to.
        {"дети", "дет"},
        {"детьми", "дет"},
        {"лошадьми", "лошадь"},
        // мать and дочь take -ер- in every other form.
        {"матери", "мать"},
        {"матерью", "мать"},
        {"дочерей", "дочь"},
        {"дочь", "дочь"},
        // A three-letter noun whose vowel drops to a soft sign (лёд, льда).
        {"лед", "льд"},
        {"льда", "льд"},
        // An instrumental in -жей/-шей/-чей/-щей/-цей listed as an entry: its noun's form.
        {"биржей", "биржа"},
        {"биржею", "биржа"},
        {"биржи", "биржа"},
        {"польшей", "польша"},
        {"польше", "польша"},
        {"добычей", "добыча"},
        {"безработицей", "безработица"},
        // A town in -ово/-ево/-ино: its nominative meets its forms, which are a surname's.
        {"кемерово", "кемер"},
        {"кемеровом", "кемер"},
        {"булаево", "була"},
        {"булаеве", "була"},
        {"бородино", "бородин"},
        {"бородином", "бородин"},
        // A noun whose dictionary form reads as another noun's form takes that noun's stem, so
        // its forms of its own meet those it shares (политикой, политика; героя, герой).
        {"политика", "политик"},
        {"политикой", "политик"},
        {"герой", "гера"},
        {"героя", "гера"},
        {"морем", "мор"},
        {"трассой", "трасс"},
        {"трассы", "трасс"},
        // An adjective in -овый/-евый: the stem its surname-shaped forms (торговой) take.
        {"торговой", "торг"},
        {"торговая", "торг"},
        {"торговый", "торг"},
        {"боевого", "бой"},
        {"боевой", "бой"},
    };
    for (const auto& [word, stem] : golden) {
        INFO(word);
        CHECK(stemmer(word) == stem);
    }
    // Pairs that must stay apart.
    const std::pair<const char*, const char*> apart[] = {
        {"мира", "миро"},
        {"путин", "путь"},
        {"токаев", "ток"},
        {"казахстан", "казах"},
        {"мирный", "мир"},
        {"судит", "суд"},
        {"дать", "дуть"},
        {"семью", "семь"},
        {"германию", "германий"},
        {"семен", "семя"},
        {"темен", "темя"},
        // A feminine beside a neuter (вина "guilt", вино "wine"): its forms in -у are its own.
        {"вину", "вино"},
        // бубна is бубен's: бубон (its flags right) keeps its own stem.
        {"бубон", "бубен"},
        // A feminine singular in -ья is no plural (судья is not суд), and материя is not мать.
        {"судья", "суд"},
        {"судьи", "суда"},
        {"материи", "матери"},
        {"семей", "семья"},
        {"друза", "друг"},
        // After other letters -ей is no instrumental of a noun in -а: музей is not муза.
        {"музей", "муза"},
        {"иудей", "иуда"},
    };
    for (const auto& [a, b] : apart) {
        INFO(a << " / " << b);
        CHECK(stemmer(a) != stemmer(b));
    }
}

// The word list as read, kept in a cache folder: a later process reads it instead of the .dic,
// and a cache that is damaged or made from other files is never trusted.
TEST_CASE("Russian dictionary cache: read back the same, damaged or stale ones ignored", "[russian]") {
    izdeu::testing::TempDir dir;
    const std::string dic = dir.str("ru.dic"), cache = dir.str("cache");
    auto write = [](const std::string& path, const std::string& text) {
        std::ofstream out(path, std::ios::binary);
        out << text;
    };
    // A word listed twice and one whose folding changes its length, so that the cache holds
    // words and flags from outside the .dic's text too.
    write(dic, std::string(kDic) + "суд/V\nѐлка/N\n");
    write(dir.str("ru.aff"), kAff);
    const auto reference = RussianDictionary::from_text(kAff, std::string(kDic) + "суд/V\nѐлка/N\n");
    REQUIRE(reference != nullptr);
    const char* forms[] = {"суда",  "судами", "паводка", "сказала", "смирнова",
                           "вчера", "суд",    "елка",    "елками",  "суду"};
    auto same_as_reference = [&](const RussianDictionary& d) {
        for (const char* form : forms) {
            INFO(form);
            CHECK(lemmas_text(d, form) == lemmas_text(*reference, form));
        }
        CHECK(d.word_count() == reference->word_count());
    };
    auto cache_files = [&] {
        std::vector<std::string> names;
        for (const auto& e : std::filesystem::directory_iterator(cache)) names.push_back(e.path().string());
        return names;
    };

    const auto first = RussianDictionary::open(dic, cache);
    REQUIRE(first != nullptr);
    same_as_reference(*first);
    CHECK_FALSE(first->read_from_cache());
    REQUIRE(cache_files().size() == 1);  // written, under its final name only

    const auto second = RussianDictionary::open(dic, cache);
    same_as_reference(*second);
    CHECK(second->read_from_cache());

    SECTION("a damaged cache is read from the .dic again") {
        const std::string file = cache_files().front();
        for (const std::size_t keep : {std::size_t{10}, std::filesystem::file_size(file) - 7}) {
            std::filesystem::resize_file(file, keep);
            const auto third = RussianDictionary::open(dic, cache);
            same_as_reference(*third);
            CHECK_FALSE(third->read_from_cache());
        }
        // Group starts that do not add up to the entries (the file's last bytes).
        std::string bytes;
        {
            std::ifstream in(file, std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        std::fill(bytes.end() - 200, bytes.end(), '\xFF');
        write(file, bytes);
        const auto fourth = RussianDictionary::open(dic, cache);
        same_as_reference(*fourth);
        CHECK_FALSE(fourth->read_from_cache());
    }
    SECTION("an edited .dic gets a cache of its own, which replaces the stale one") {
        // Another dictionary's cache in the same folder stays.
        const std::string other = dir.str("other.dic");
        write(other, kDic);
        std::filesystem::copy_file(dir.str("ru.aff"), dir.str("other.aff"));
        const auto other_dictionary = RussianDictionary::open(other, cache);
        CHECK(lemmas_text(*other_dictionary, "суда") == lemmas_text(*reference, "суда"));
        REQUIRE(cache_files().size() == 2);
        write(cache + "/russian-dictionary-3473191-71236-1-2.bin", "named the older way");
        write(dic, std::string(kDic) + "суд/V\nѐлка/N\nрынок/N\n");
        const auto edited = RussianDictionary::open(dic, cache);
        CHECK(lemmas_text(*edited, "рынка") == "рынок/n");
        CHECK_FALSE(edited->read_from_cache());
        CHECK(cache_files().size() == 2);  // the edited dictionary's and the other one's, nothing else
        for (const std::string& path : {other, dic}) {
            const auto again = RussianDictionary::open(path, cache);
            CHECK_FALSE(again->lemmas("суда").empty());
            CHECK(again->read_from_cache());
        }
    }
    SECTION("no cache folder, or one that cannot be written: the .dic as before") {
        const auto none = RussianDictionary::open(dic);
        same_as_reference(*none);
        CHECK_FALSE(none->read_from_cache());
        write(dir.str("a-file"), "x");
        const auto unwritable = RussianDictionary::open(dic, dir.str("a-file") + "/cache");
        same_as_reference(*unwritable);
        CHECK_FALSE(unwritable->read_from_cache());
    }
}

// The real dictionary read back from its cache finds the same lemmas for every listed word.
TEST_CASE("Russian dictionary cache of hunspell-ru: the same lemmas", "[russian]") {
    izdeu::testing::TempDir dir;
    const auto parsed = RussianDictionary::open(RussianDictionary::kDefaultPath);
    const auto writes = RussianDictionary::open(RussianDictionary::kDefaultPath, dir.str("cache"));
    const auto reads = RussianDictionary::open(RussianDictionary::kDefaultPath, dir.str("cache"));
    REQUIRE(parsed != nullptr);
    REQUIRE(writes->word_count() == parsed->word_count());
    REQUIRE(reads->read_from_cache());
    CHECK(reads->word_count() == parsed->word_count());
    std::ifstream in(RussianDictionary::kDefaultPath);
    std::string line;
    std::size_t compared = 0;
    for (std::size_t n = 0; std::getline(in, line); ++n) {
        if (n % 37 != 1) continue;  // every 37th entry, and forms made from it
        const std::string word = line.substr(0, line.find('/'));
        for (const std::string& form : {word, word + "а", word + "ами", word + "ов"}) {
            if (lemmas_text(*reads, form.c_str()) != lemmas_text(*parsed, form.c_str())) FAIL_CHECK(form);
            ++compared;
        }
    }
    CHECK(compared > 10000);
}

// izdeu-serve's searchers start together on a machine with no cache yet: each thread reads the
// .dic and writes the cache, and no thread may read a half-written one.
TEST_CASE("Russian dictionary cache written by several threads at once", "[russian]") {
    izdeu::testing::TempDir dir;
    const std::string cache = dir.str("cache");
    std::vector<std::string> seen(6);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < seen.size(); ++i) {
        threads.emplace_back([&, i] {
            const auto d = RussianDictionary::open(RussianDictionary::kDefaultPath, cache);
            seen[i] = lemmas_text(*d, "паводка") + "|" + lemmas_text(*d, "астане");
        });
    }
    for (auto& t : threads) t.join();
    for (const std::string& s : seen) CHECK(s == seen.front());
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(cache)) names.push_back(e.path().filename().string());
    REQUIRE(names.size() == 1);  // the cache, and no temporary file left behind
    const auto again = RussianDictionary::open(RussianDictionary::kDefaultPath, cache);
    CHECK(again->read_from_cache());
    CHECK(lemmas_text(*again, "паводка") + "|" + lemmas_text(*again, "астане") == seen.front());
}
