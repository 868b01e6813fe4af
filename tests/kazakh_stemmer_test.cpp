#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <xapian.h>

#include "kazakh_stemmer.h"

using izdeu::KazakhLexicon;
using izdeu::KazakhStemmer;

namespace {

struct GoldenCase {
    const char* word;
    const char* stem;
};

// Hand-checked word forms and their stems, without a lexicon. Only forms the rules get right
// are here; the known misses are listed at the top of kazakh_stemmer.cpp.
// clang-format off
const GoldenCase kGolden[] = {
    // The seven cases (атау, ілік, барыс, табыс, жатыс, шығыс, көмектес) after each kind of
    // final sound: voiceless, vowel, nasal, л, з, р, у; back and front.
    {"кітап", "кітап"}, {"кітаптың", "кітап"}, {"кітапқа", "кітап"}, {"кітапты", "кітап"},
    {"кітапта", "кітап"}, {"кітаптан", "кітап"}, {"кітаппен", "кітап"},
    {"мектеп", "мектеп"}, {"мектептің", "мектеп"}, {"мектепке", "мектеп"},
    {"мектепті", "мектеп"}, {"мектепте", "мектеп"}, {"мектептен", "мектеп"},
    {"мектеппен", "мектеп"},
    {"бала", "бала"}, {"баланың", "бала"}, {"балаға", "бала"}, {"баланы", "бала"},
    {"балада", "бала"}, {"баладан", "бала"}, {"баламен", "бала"},
    {"адам", "адам"}, {"адамның", "адам"}, {"адамға", "адам"}, {"адамды", "адам"},
    {"адамда", "адам"}, {"адамнан", "адам"}, {"адаммен", "адам"},
    {"жол", "жол"}, {"жолдың", "жол"}, {"жолға", "жол"}, {"жолды", "жол"},
    {"жолда", "жол"}, {"жолдан", "жол"}, {"жолмен", "жол"},
    {"қыз", "қыз"}, {"қыздың", "қыз"}, {"қызға", "қыз"}, {"қызды", "қыз"},
    {"қызда", "қыз"}, {"қыздан", "қыз"}, {"қызбен", "қыз"},
    {"жер", "жер"}, {"жердің", "жер"}, {"жерге", "жер"}, {"жерді", "жер"},
    {"жерде", "жер"}, {"жерден", "жер"}, {"жермен", "жер"},
    {"тау", "тау"}, {"таудың", "тау"}, {"тауға", "тау"}, {"тауды", "тау"},
    {"тауда", "тау"}, {"таудан", "тау"}, {"таумен", "тау"},
    {"сөздің", "сөз"}, {"сөзге", "сөз"}, {"сөзді", "сөз"}, {"сөзде", "сөз"},
    {"сөзден", "сөз"}, {"сөзбен", "сөз"},
    {"үкіметтің", "үкімет"}, {"үкіметке", "үкімет"}, {"үкіметті", "үкімет"},
    {"үкіметте", "үкімет"}, {"үкіметтен", "үкімет"}, {"үкіметпен", "үкімет"},
    {"үкіметпенен", "үкімет"},

    // Possessives: 1st, 2nd (plain and polite), 3rd person; singular and plural.
    {"кітабым", "кітап"}, {"кітабың", "кітап"}, {"кітабы", "кітап"}, {"кітабымыз", "кітап"},
    {"кітабыңыз", "кітап"}, {"баласы", "бала"}, {"балаңыз", "бала"}, {"баламыз", "бала"},
    {"мектебі", "мектеп"}, {"мектебім", "мектеп"}, {"мектебіміз", "мектеп"},

    // Plurals: лар/лер, дар/дер, тар/тер.
    {"кітаптар", "кітап"}, {"балалар", "бала"}, {"адамдар", "адам"}, {"жолдар", "жол"},
    {"қыздар", "қыз"}, {"жерлер", "жер"}, {"таулар", "тау"}, {"сөздер", "сөз"},
    {"мектептер", "мектеп"}, {"депутаттар", "депутат"}, {"министрлер", "министр"},
    {"мұғалімдер", "мұғалім"}, {"оқушылар", "оқушы"}, {"студенттер", "студент"},

    // Plural + possessive + case chains, possessive + case.
    {"мектептерімізде", "мектеп"}, {"мектебінде", "мектеп"},
    {"кітаптарымыздан", "кітап"}, {"кітаптарыңыз", "кітап"}, {"кітаптары", "кітап"},
    {"кітабына", "кітап"}, {"кітабынан", "кітап"}, {"кітабын", "кітап"}, {"кітабыма", "кітап"},
    {"балаларымыздың", "бала"}, {"балаларың", "бала"}, {"балалары", "бала"},
    {"баласының", "бала"}, {"баласына", "бала"}, {"баласын", "бала"}, {"баласында", "бала"},
    {"баласынан", "бала"}, {"баласымен", "бала"},
    {"қаласындағы", "қала"}, {"қалаларда", "қала"},
    {"мемлекеттердің", "мемлекет"}, {"мемлекеті", "мемлекет"}, {"мемлекетін", "мемлекет"},
    {"мемлекетіміз", "мемлекет"}, {"мемлекетімізде", "мемлекет"},
    {"азаматтарының", "азамат"}, {"депутаттардың", "депутат"}, {"соттарға", "сот"},
    {"соттары", "сот"}, {"президентінің", "президент"}, {"президенті", "президент"},
    {"мұғалімдердің", "мұғалім"}, {"оқушыларға", "оқушы"},

    // Consonant restoration: б/ғ/г before a vowel-initial ending go back to п/қ/к.
    {"құлағы", "құлақ"}, {"құлағым", "құлақ"}, {"жүрегі", "жүрек"},
    {"жүрегімізде", "жүрек"}, {"жауабы", "жауап"}, {"себебі", "себеп"}, {"талабы", "талап"},
    {"есебі", "есеп"}, {"тобы", "топ"}, {"сұрағы", "сұрақ"}, {"құқығы", "құқық"},
    {"құқықтары", "құқық"}, {"министрлігі", "министрлік"}, {"министрлігінің", "министрлік"},
    {"көбі", "көп"}, {"халқы", "халық"}, {"халқымыз", "халық"}, {"халықтың", "халық"},

    // News: Қазақстан, the Constitutional Court, the state and its institutions.
    {"қазақстан", "қазақстан"}, {"қазақстанның", "қазақстан"},
    {"қазақстанға", "қазақстан"}, {"қазақстанды", "қазақстан"},
    {"қазақстанда", "қазақстан"}, {"қазақстаннан", "қазақстан"},
    {"қазақстанмен", "қазақстан"}, {"қазақстандағы", "қазақстан"},
    {"қазақстандық", "қазақстандық"},
    {"сот", "сот"}, {"соттың", "сот"}, {"сотқа", "сот"}, {"сотты", "сот"}, {"сотта", "сот"},
    {"соттан", "сот"}, {"сотпен", "сот"}, {"соттар", "сот"},
    {"конституциялық", "конституциялық"}, {"конституция", "конституция"},
    {"конституцияның", "конституция"}, {"конституцияға", "конституция"},
    {"конституцияны", "конституция"}, {"конституцияда", "конституция"},
    {"конституциядан", "конституция"}, {"конституциямен", "конституция"},
    {"конституциясы", "конституция"},
    {"президент", "президент"}, {"президенттің", "президент"},
    {"президентке", "президент"}, {"президентті", "президент"},
    {"президентте", "президент"}, {"президенттен", "президент"},
    {"президентпен", "президент"},
    {"мемлекет", "мемлекет"}, {"мемлекеттің", "мемлекет"}, {"мемлекетке", "мемлекет"},
    {"мемлекетті", "мемлекет"}, {"мемлекетте", "мемлекет"}, {"мемлекеттен", "мемлекет"},
    {"мемлекетпен", "мемлекет"}, {"мемлекеттер", "мемлекет"},
    {"мемлекеттік", "мемлекеттік"},
    {"парламент", "парламент"}, {"парламенттің", "парламент"},
    {"парламентке", "парламент"},
    {"республикасы", "республика"}, {"республиканың", "республика"},
    {"республикамыздың", "республика"},
    {"мәжілісі", "мәжіліс"}, {"мәжілісінің", "мәжіліс"},
    {"жұмысы", "жұмыс"}, {"жұмысын", "жұмыс"}, {"жұмысында", "жұмыс"}, {"жұмыстан", "жұмыс"},
    {"байланысы", "байланыс"}, {"кеңесі", "кеңес"}, {"кеңесінде", "кеңес"},
    {"басшы", "басшы"}, {"басшысы", "басшы"}, {"басшылары", "басшы"},
    {"серіктесі", "серіктес"}, {"жүйесі", "жүйе"}, {"мәселесі", "мәселе"},
    {"мәселені", "мәселе"},
    {"облысы", "облыс"}, {"облысының", "облыс"}, {"облыстар", "облыс"}, {"облыста", "облыс"},
    {"ауданның", "аудан"}, {"ауданда", "аудан"}, {"аудандар", "аудан"},
    {"ауданында", "аудан"},
    {"заңның", "заң"}, {"заңға", "заң"}, {"заңда", "заң"}, {"заңдар", "заң"},
    {"сайлау", "сайлау"}, {"сайлауға", "сайлау"}, {"сайлауда", "сайлау"},
    {"даму", "даму"}, {"дамуда", "даму"},
    {"жылғы", "жыл"}, {"жылдың", "жыл"}, {"жылдары", "жыл"}, {"сыртқы", "сырт"},
    {"қазіргі", "қазір"},
    {"алматы", "алматы"}, {"алматыда", "алматы"}, {"алматыдағы", "алматы"},
    {"астанада", "астана"}, {"астанадан", "астана"}, {"елордада", "елорда"},
    {"маусымда", "маусым"}, {"шілдеде", "шілде"},
    {"ресейге", "ресей"}, {"ресейдің", "ресей"}, {"мәскеуде", "мәскеу"},
    {"қытайдың", "қытай"},
    {"банкке", "банк"}, {"банкі", "банк"}, {"институтқа", "институт"},
    {"институтта", "институт"}, {"университеті", "университет"},
    {"комитетінің", "комитет"},
    {"жобасы", "жоба"}, {"жобалар", "жоба"}, {"бағдарламасы", "бағдарлама"},
    {"бағдарламалар", "бағдарлама"}, {"экономикасы", "экономика"},
    {"жиыны", "жиын"}, {"жиынында", "жиын"},
    {"тәуелсіздік", "тәуелсіздік"}, {"қауіпсіздік", "қауіпсіздік"},
    {"қауіпсіз", "қауіпсіз"}, {"тәуелсіз", "тәуелсіз"},

    // Verbs: past, participle, present-future, intention, personal endings.
    {"болды", "бол"}, {"болған", "бол"}, {"болады", "бол"}, {"болғанда", "бол"},
    {"келді", "кел"}, {"келген", "кел"}, {"келеді", "кел"}, {"келдіңіз", "кел"},
    {"айтты", "айт"}, {"айтқан", "айт"}, {"айтады", "айт"},
    {"барды", "бар"}, {"бардым", "бар"}, {"барамын", "бар"}, {"бармақшы", "бар"},
    {"береді", "бер"}, {"берді", "бер"},
    {"хабарлады", "хабарла"}, {"хабарлаған", "хабарла"}, {"сайлады", "сайла"},
    {"жасаған", "жаса"},
    {"мұғаліммін", "мұғалім"}, {"студентпін", "студент"}, {"қазақпыз", "қазақ"},
    // "I am" after ы/і only after an agent noun: өнімін, үкімін are the possessive's
    // accusative (өнім+і+н), оқушымын is оқушы + "I am".
    {"өнімін", "өнім"}, {"өнімі", "өнім"}, {"үкімін", "үкім"}, {"ұйымын", "ұйым"},
    {"оқушымын", "оқушы"}, {"басшымыз", "басшы"},

    // A compound of орын drops its vowel as орын does, and every form meets.
    {"кәсіпорын", "кәсіпор"}, {"кәсіпорны", "кәсіпор"}, {"кәсіпорнының", "кәсіпор"},
    {"кәсіпорынның", "кәсіпор"}, {"кәсіпорындар", "кәсіпор"},
    {"орны", "орын"}, {"орнында", "орын"}, {"директорын", "директор"},
    // More nouns that drop a vowel (kazakh-light-5): the vowel comes back, then the word is cut
    // as its bare form is (мойын -> мой, every form alike).
    {"даусы", "дауыс"}, {"даусын", "дауыс"}, {"әрпі", "әріп"}, {"ғұрпы", "ғұрып"},
    {"мойны", "мой"}, {"мойнына", "мой"}, {"мойын", "мой"},
    // -жы/-жі nouns keep their vowel before the possessive -сы, as -шы/-қы ones do.
    {"қаржысы", "қарж"}, {"қаржы", "қарж"}, {"қаржыны", "қарж"},
    // kazakh-light-6. A stem in у takes the possessive -ы like a consonant, and the case after it.
    {"атауы", "атау"}, {"атауын", "атау"}, {"атауына", "атау"}, {"атауында", "атау"},
    {"дамуын", "даму"}, {"дамуына", "даму"}, {"сайлауын", "сайлау"},
    // A four-letter word in -сы/-ны is a short root's possessive (no two-letter stem takes them).
    {"жаны", "жан"}, {"жанын", "жан"}, {"жанының", "жан"}, {"тасы", "тас"}, {"тасының", "тас"},
    // A noun in -м + ы + н when ад + амын would leave two letters; дін + де, not ді + нде.
    {"әлемін", "әлем"}, {"әлемі", "әлем"}, {"сында", "сын"}, {"сынында", "сын"},
    {"мындаған", "мын"},
    // kazakh-light-7. A noun in -ас of the closed list keeps its с before the possessive -ы
    // (қатынас+ы, not қат + ынасы); a noun in -а + сы is still the common reading.
    {"қатынасы", "қатынас"}, {"қатынасының", "қатынас"}, {"жолдасы", "жолдас"}, {"жолдасына", "жолдас"},
    {"қандастар", "қандас"}, {"қаласы", "қала"}, {"ортасы", "орта"}, {"атасы", "ата"},
    // A loanword in -ум with the possessive's accusative: форум + ы + н, not фору + "I am".
    {"форумын", "форум"}, {"меморандумын", "меморандум"}, {"форумы", "форум"},
    // kazakh-light-8. A noun in -ыс on a verb in -қ keeps its с before the possessive
    // (соғыс+ы, ағыс+ы, not соғы+сы -> соқ "hit"); -ғы nouns after a consonant still take -сы.
    {"ағысы", "ағыс"}, {"ағысына", "ағыс"}, {"ағыстың", "ағыс"}, {"соғысының", "соғыс"},
    {"соңғысы", "соң"}, {"қаржысы", "қарж"},
    // A final б after a vowel is written п in every stem, so a loanword's forms meet.
    {"микроб", "микроп"}, {"микробы", "микроп"}, {"микробтар", "микроп"}, {"масштабта", "масштап"},
    // A noun in -нды/-нді takes -сы, and its cases are cut as its bare form is.
    {"үзінді", "үзі"}, {"үзіндісі", "үзі"}, {"үзіндінің", "үзі"}, {"ерітіндіге", "еріт"},
    {"ерітіндісі", "еріт"}, {"туындысы", "туынд"}, {"үрдісі", "үрдіс"},
    // A noun in consonant + -гі/-кі kept whole keeps its vowel under a case (not ешк, үлг).
    {"ешкі", "ешкі"}, {"ешкінің", "ешкі"}, {"ешкіні", "ешкі"}, {"үлгіге", "үлгі"}, {"үлгісі", "үлгі"},

    // Words that must not change: short roots, loanwords, words that only look inflected.
    {"ат", "ат"}, {"су", "су"}, {"ел", "ел"}, {"үй", "үй"}, {"ана", "ана"}, {"әке", "әке"},
    {"әлем", "әлем"}, {"қалам", "қалам"}, {"ұйым", "ұйым"}, {"жалақы", "жалақы"},
    {"ішкі", "ішкі"}, {"ақша", "ақша"}, {"тамыз", "тамыз"}, {"жаңа", "жаңа"},
    {"көмек", "көмек"}, {"тамақ", "тамақ"}, {"мұғалім", "мұғалім"}, {"тілші", "тілші"},
    {"ақпарат", "ақпарат"}, {"үкімет", "үкімет"}, {"орын", "орын"}, {"команда", "команда"},
    {"қазан", "қазан"}, {"желтоқсан", "желтоқсан"}, {"жауын", "жауын"}, {"жауынның", "жауын"},
    {"кісі", "кісі"}, {"кісінің", "кісі"}, {"туындаған", "туынд"}, {"туынды", "туынд"},
};
// clang-format on

// Letters, not bytes.
std::size_t letters(const std::string& s) {
    std::size_t n = 0;
    for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

bool has_vowel(const std::string& s) {
    static const char* const kVowels[] = {"а", "ә", "е", "ё", "и", "о", "ө", "у", "ұ", "ү", "ы", "і", "э", "ю", "я"};
    for (const char* v : kVowels) {
        if (s.find(v) != std::string::npos) return true;
    }
    return false;
}

// A file in the temp directory that is removed when the test ends.
class TempFile {
  public:
    explicit TempFile(const std::string& content) {
        std::random_device rd;
        path_ = std::filesystem::temp_directory_path() / ("izdeu-kk-lexicon-" + std::to_string(rd()) + ".dic");
        std::ofstream out(path_, std::ios::binary);
        out << content;
    }
    ~TempFile() {
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    std::string path() const { return path_.string(); }

  private:
    std::filesystem::path path_;
};

}  // namespace

TEST_CASE("Kazakh stemmer strips endings as the golden table says", "[kazakh]") {
    KazakhStemmer stemmer;
    REQUIRE(std::size(kGolden) >= 160);
    for (const GoldenCase& c : kGolden) {
        INFO(c.word << " -> expected " << c.stem);
        CHECK(stemmer(c.word) == c.stem);
    }
}

TEST_CASE("Kazakh stemming is idempotent", "[kazakh]") {
    KazakhStemmer stemmer;
    for (const GoldenCase& c : kGolden) {
        const std::string once = stemmer(c.word);
        INFO(c.word << " -> " << once);
        CHECK(stemmer(once) == once);
        CHECK(stemmer(c.stem) == c.stem);
    }
}

TEST_CASE("Kazakh stems keep three letters and a vowel, or are a known short root", "[kazakh]") {
    KazakhStemmer stemmer;
    const std::set<std::string> short_roots = {"су", "ел", "үй", "іс", "ұл", "ән", "өз",
                                               "ай", "ой", "ту", "шу", "ем", "от"};
    for (const GoldenCase& c : kGolden) {
        const std::string word = c.word;
        const std::string stem = stemmer(word);
        INFO(word << " -> " << stem);
        if (stem == word || short_roots.count(stem) != 0) continue;
        CHECK(letters(stem) >= 3);
        CHECK(has_vowel(stem));
    }
    // The common short roots lose their endings (issue 15), never a letter of the root.
    const std::pair<const char*, const char*> short_cases[] = {
        {"елде", "ел"},   {"үйге", "үй"},     {"суға", "су"},    {"судың", "су"},  {"суды", "су"},  {"елдің", "ел"},
        {"үйдің", "үй"},  {"сулар", "су"},    {"елдер", "ел"},   {"істі", "іс"},   {"ұлы", "ұл"},   {"әнді", "ән"},
        {"өзінің", "өз"}, {"елдердің", "ел"}, {"үйлерге", "үй"}, {"айында", "ай"}, {"ойлар", "ой"}, {"ойынның", "ойын"},
    };
    for (const auto& [word, stem] : short_cases) {
        INFO(word);
        CHECK(stemmer(word) == stem);
    }
    // Other two-letter stems stay out: the root would be cut (Айдар is not ай + дар), or a verb
    // would join a noun (етті "did" is not ет "meat", асты "under" is not ас "food"), or the
    // root would become too common a term (атқа: ат "name" in kazqad's titles).
    for (const char* word : {"етті", "асты", "атқа", "айдар", "елші", "сурет"}) {
        INFO(word);
        CHECK(stemmer(word) == word);
    }
    // ту and шу are nouns: their cases, plural and possessive come off, no verb form does
    // (туған "native", туады "arises" are not the flag's); руда is ore, not ру + да.
    for (const char* word : {"тудың", "туға", "туды", "тулар", "туы", "туының"}) {
        INFO(word);
        CHECK(stemmer(word) == "ту");
    }
    for (const char* word : {"шудың", "шуда", "шумен", "шуына"}) {
        INFO(word);
        CHECK(stemmer(word) == "шу");
    }
    for (const char* word : {"туған", "туады", "руда", "будан"}) {
        INFO(word);
        CHECK(stemmer(word) == word);
    }
    // ем "cure" and от "fire" are such nouns too (kazakh-light-7); the verb емеді ("sucks") and
    // the noun отын ("firewood") stay apart.
    for (const char* word : {"емі", "емнің", "емге", "емдер", "емінде"}) {
        INFO(word);
        CHECK(stemmer(word) == "ем");
    }
    for (const char* word : {"оты", "отқа", "оттың", "отпен"}) {
        INFO(word);
        CHECK(stemmer(word) == "от");
    }
    for (const char* word : {"емеді", "емес", "отын", "отыр", "отан", "емен"}) {
        INFO(word);
        CHECK(stemmer(word) == word);
    }
    CHECK(stemmer("отыны") == "отын");
}

TEST_CASE("Kazakh paradigms from the consistency check meet (kazakh-light-8)", "[kazakh]") {
    KazakhStemmer stemmer;
    // Each group's forms get one stem: nominative, cases, plural, possessive, possessive + case.
    const std::vector<std::vector<const char*>> groups = {
        {"ағыс", "ағыстың", "ағысқа", "ағысты", "ағыста", "ағыстан", "ағыспен", "ағыстар", "ағысы", "ағысының",
         "ағысында"},
        {"клуб", "клубтың", "клубқа", "клубты", "клубта", "клубтан", "клубпен", "клубтар", "клубы", "клубының",
         "клубында"},
        {"кітап", "кітабы", "кітаптың", "кітабының"},
        {"мектеп", "мектебі", "мектептің", "мектебінде"},
        {"ерітінді", "ерітіндінің", "ерітіндіге", "ерітіндіні", "ерітіндіде", "ерітіндіден", "ерітіндімен",
         "ерітінділер", "ерітіндісі", "ерітіндісінің"},
        {"ешкі", "ешкінің", "ешкіге", "ешкіні", "ешкіде", "ешкіден", "ешкімен", "ешкілер", "ешкісі", "ешкісінің"},
    };
    for (const auto& group : groups) {
        const std::string first = stemmer(group.front());
        for (const char* word : group) {
            INFO(word << " against " << group.front());
            CHECK(stemmer(word) == first);
        }
    }
    // Kept apart: соғыс "war" from соқ- "to hit", ағыс "current" from ақ- "to flow".
    CHECK(stemmer("соғысы") != stemmer("соққан"));
    CHECK(stemmer("ағысы") != stemmer("ақты"));
    // Left out on purpose (see kazakh_stemmer.cpp): шығыс "east" in its possessive forms.
    CHECK(stemmer("шығысында") == "шық");
}

TEST_CASE("Russian surnames in Kazakh take either vowel series", "[kazakh]") {
    KazakhStemmer stemmer;
    for (const char* word : {"сәденовке", "сәденовтің", "әриновке", "ерменовтің", "ерменовті", "ерменовте"}) {
        INFO(word);
        const std::string stem = stemmer(word);
        CHECK((stem == "сәденов" || stem == "әринов" || stem == "ерменов"));
    }
    CHECK(stemmer("тоқаевқа") == "тоқаев");
    CHECK(stemmer("тоқаевтың") == "тоқаев");
}

TEST_CASE("Kazakh stemmer leaves қазақстан whole", "[kazakh]") {
    KazakhStemmer stemmer;
    CHECK(stemmer("қазақстан") == "қазақстан");
    CHECK(stemmer("қазақстанның") == "қазақстан");
    CHECK(stemmer("қазақстанда") == "қазақстан");
    CHECK(stemmer("қазақстаннан") == "қазақстан");
    CHECK(stemmer("өзбекстанның") == "өзбекстан");
}

TEST_CASE("Kazakh stemmer passes non-words through", "[kazakh]") {
    KazakhStemmer stemmer;
    CHECK(stemmer("") == "");
    CHECK(stemmer("covid") == "covid");
    CHECK(stemmer("2023") == "2023");
    CHECK(stemmer("іс-шара") == "іс-шара");
    CHECK(stemmer("Қазақстанның") == "Қазақстанның");  // callers lower-case first
    CHECK(stemmer("\xD0") == "\xD0");                  // truncated UTF-8
}

TEST_CASE("Kazakh stemmer works through Xapian::Stem", "[kazakh]") {
    Xapian::Stem stem(new KazakhStemmer());
    CHECK(stem("кітаптарымыздан") == "кітап");
    CHECK(stem.get_description() == "Xapian::Stem(kazakh-light-8)");
}

TEST_CASE("Kazakh candidates list each successive stem", "[kazakh]") {
    const std::vector<std::string> c = KazakhStemmer::candidates("кітаптарымыздан");
    REQUIRE(!c.empty());
    CHECK(c.front() == "кітаптарымыздан");
    CHECK(c.back() == "кітап");
    CHECK(std::find(c.begin(), c.end(), "кітаптар") != c.end());
}

TEST_CASE("Kazakh lexicon changes the choice between candidate stems", "[kazakh]") {
    // hunspell layout: byte order mark, a count line, word/FLAGS, CRLF line ends, capitals.
    const TempFile file(
        "\xEF\xBB\xBF"
        "4\r\nаудан/AB\r\nжалпы\r\nҚала/A\r\nбас\r\n");
    const auto lexicon = KazakhLexicon::load(file.path());
    REQUIRE(lexicon != nullptr);
    CHECK(lexicon->size() == 4);
    CHECK(lexicon->contains("аудан"));
    CHECK(lexicon->contains("қала"));
    CHECK_FALSE(lexicon->contains("4"));
    CHECK_FALSE(lexicon->contains("ауда"));

    KazakhStemmer plain;
    KazakhStemmer guided(lexicon);
    CHECK(guided.get_description() == "kazakh-light-8+lexicon");
    CHECK(plain.get_description() == "kazakh-light-8");

    // аудан+ы or ауда+ны: the rules pick the accusative reading, the lexicon knows аудан.
    CHECK(plain("ауданы") == "ауда");
    CHECK(guided("ауданы") == "аудан");
    // The rules cut жалпы like a possessive; the lexicon keeps the known word.
    CHECK(plain("жалпы") == "жалп");
    CHECK(guided("жалпы") == "жалпы");
    CHECK(guided("жалпының") == "жалпы");
    // A guide, not a gate: unknown words still get the rule stem.
    CHECK(guided("мектептерімізде") == "мектеп");

    for (const GoldenCase& c : kGolden) {
        const std::string once = guided(c.word);
        INFO(c.word << " -> " << once);
        CHECK(guided(once) == once);
    }
}

TEST_CASE("Kazakh lexicon load reports a missing or empty file as nullptr", "[kazakh]") {
    CHECK(KazakhLexicon::load("/nonexistent/izdeu/kk_KZ.dic") == nullptr);
    CHECK(KazakhLexicon::load(std::filesystem::temp_directory_path().string()) == nullptr);
    const TempFile empty("");
    CHECK(KazakhLexicon::load(empty.path()) == nullptr);
}

TEST_CASE("Kazakh lexicon from hunspell-kk when installed", "[kazakh]") {
    const auto lexicon = KazakhLexicon::load(KazakhLexicon::kDefaultPath);
    if (!lexicon) {
        WARN("hunspell-kk not installed; skipped");
        return;
    }
    CHECK(lexicon->size() > 10000);
    CHECK(lexicon->contains("қазақстан"));
    KazakhStemmer guided(lexicon);
    CHECK(guided("қазақстанның") == "қазақстан");
    CHECK(guided("кітаптарымыздан") == "кітап");
    CHECK(guided("бизнесі") == "бизнес");
}
