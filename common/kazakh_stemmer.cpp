#include "kazakh_stemmer.h"

// How it works
// ------------
// Kazakh stacks endings on the root in a fixed order: root + (verb form) + plural + possessive +
// case + personal. We peel them from the right. Each step takes the longest ending that
//   * belongs to a slot that may still come off (a case ending is never taken from the inside of
//     a plural, and so on), and
//   * agrees with what would remain: the first consonant of the ending must be the variant that
//     assimilation picks after the remaining stem's last sound (ғ after vowels, қ after voiceless
//     consonants, ...), and the ending's vowel must match the remaining stem's last vowel
//     (back а о ұ ы / front ә ө ү і).
// The variants are generated from a few dozen templates (see kTemplates) instead of being listed
// by hand. A pass stops when nothing matches or when the best ending would leave a stem shorter
// than three letters or without a vowel (then the word is a short root plus endings, and taking a
// shorter ending instead would only cut the root: елдің must not become елд). Passes repeat until
// nothing changes, which makes stem(stem(w)) == stem(w) hold by construction.
//
// Decisions worth knowing (and what they get wrong)
// -------------------------------------------------
// * Harmony is strict for native vowels but lenient for е, и, э, ю, for a soft sign after the
//   last vowel, for у after a consonant and for a back word ending in к/г: those mostly come with
//   Russian loanwords (президент, министр, институт, пароль, банк) whose endings vary, so either
//   series is accepted after them.
// * Where Kazakh grammars disagree on assimilation (genitive ның/дың after м н ң р, ablative
//   нан/дан after м н ң) both forms are accepted.
// * Derivational suffixes stay: -лық/-лік/-дық/-дік/-тық/-тік (мемлекеттік, конституциялық,
//   қазақстандық are words of their own), -сыз/-сіз (the privative "without": қауіпсіз "safe" must
//   not become қауіп "danger"; the rare personal ending -сыз is lost with it), -шы/-ші, -ша/-ше,
//   -лы/-лі. So the past 1st person plural -дық/-дік stays too (бардық).
// * Bare 1st/2nd person singular possessives after a vowel (-м, -ң) and the dative -а/-е after
//   them are not removed: адам, қалам, әлем, жаңа would be cut. -ым/-ім, -ың/-ің after consonants
//   and -ыма/-іме, -ыңа/-іңе are.
// * Verbs get light treatment: past -ды/-ді/-ты/-ті (+ -м, -ң, -ңыз), participle
//   -ған/-ген/-қан/-кен, present -ады/-еді/-амын/-емін/-асың/-есің, intention -мақшы/-мекші.
//   A vowel-initial verb ending is not taken after a cluster closed by a voiced consonant
//   (хабарлады -> хабарла, not хабарл). Left alone: present -амыз/-еміз (баламыз is бала+мыз, so
//   барамыз -> бара), bare -мақ/-мек (салмақ, тармақ), the verbal noun -у (сайлау, даму are
//   nouns; дамуда -> даму through the locative), -атын/-етін (it would cut мемлекетін to
//   мемлек), converbs -ып/-іп (кәсіп), negation. жасады -> жас (not жаса) is a known miss.
// * A stem ending in б/ғ/г after a vowel-initial ending was removed goes back to п/қ/к (кітабы ->
//   кітап, құлағы -> құлақ, жүрегі -> жүрек); г only after a front vowel, since -ог/-аг are
//   loanwords (диалог). Conversely п/к/қ after a vowel would have been voiced, so such a stem
//   cannot take a vowel-initial ending (жалақы keeps its ы). Loanwords with a real б (клубы)
//   cannot be told from кітабы, so every stem's final б after a vowel is written п (штаб,
//   штабы, штабтың -> штап). A handful of nouns that drop a vowel get it back (халқы ->
//   халық, kDroppedVowel).
// * бала+сы vs жұмыс+ы, бала+ны vs жиын+ы: after ы/і the consonant stays with the stem (жұмысы,
//   мәжілісі, жиыны) unless the vowel follows ш щ қ к ғ г (басшысы, жалақысы, басшыны); after е
//   the с stays when т д ң р precede (серіктесі, кеңесі, күресі). Otherwise the vowel-final stem
//   wins: жүйесі, мәселесі, баланы are right, бизнесі -> бизне, үлесі -> үле, ауданы -> ауда are
//   misses (ауданында still gives аудан). Agent nouns in -шы/-ші after a consonant or у
//   (басшы, тілші, оқушы) keep their final vowel. Two shapes go the other way: -Vғыс+ы
//   (соғысы, ағысы: a noun on a verb in -қ, not соғы+сы -> соқ; шығыс is left out) and
//   -нды+сы (туындысы, ерітіндісі: a noun in -нды, not -ндыс). A four-letter word in -сы/-ны is a short
//   root's possessive (басы, саны, күні -> бас, сан, күн), since no two-letter stem takes them:
//   шыны "glass" goes to шын with шынында, and иесі, аясы to иес, аяс with their forms. A stem in
//   у takes the possessive -ы like a consonant (тауы, сайлауы), so тауын, сайлауына are тау+ы+н/на.
// * "I am" against a noun in -м: адамын, әлемін are read as ад+амын, әл+емін only if that leaves
//   three letters; otherwise as адам+ы+н. қоғамын -> қоқ (қоғ+амын) is a known miss.
// * Other known misses: words that merely end like an inflected form (тегін -> тек, бүгін ->
//   бүк, жалпы -> жалп, білім -> біл, мәлімдеді -> мәл), loanwords ending in a cluster (фонды ->
//   фон), short roots other than a few common ones (kShortRoots: су, ел, үй, іс, ...), and
//   names that look inflected.
//   Place names and words whose cut would hit another word are protected (kProtected); the
//   -стан countries are there because -тан is also the ablative.
// * With a lexicon, the shortest candidate it knows wins among the word, each successive stem
//   and each step's runner-up reading (ауданы -> аудан, бизнесі -> бизнес); otherwise the rule
//   stem. This is repeated to a fixpoint as well.

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <utility>

#include "utf8.h"

namespace izdeu {
namespace {

// Bump the number whenever a rule changes: the description goes into the index fingerprint.
constexpr const char* kDescription = "kazakh-light-8";  // 3: short roots, surnames in -ов;
                                                        // 4: "I am" after ы/і, compounds of орын;
                                                        // 5: more nouns that drop a vowel, -жы/-жі;
                                                        // 6: possessives after у, roots in C+у,
                                                        //    short roots in -н/-с + ы/і, адам+ы+н
                                                        // 7: short nouns ем, от; nouns in -ас; -ум+ы+н
                                                        // 8: -Vғыс+ы, -нды+сы, final б -> п,
                                                        //    ы/і kept under a case as when bare
constexpr std::size_t kMinStem = 3;
// Longer tokens are not words (URLs, run-together junk): leave them alone.
constexpr std::size_t kMaxWord = 64;

using Text = std::u32string;
using TextView = std::u32string_view;

// ---- UTF-8 -------------------------------------------------------------------------------

bool decode_utf8(std::string_view in, Text& out) {
    out.clear();
    out.reserve(in.size());
    std::size_t i = 0;
    while (i < in.size()) {
        const auto lead = static_cast<unsigned char>(in[i]);
        std::size_t len = 0;
        char32_t cp = 0;
        if (lead < 0x80) {
            len = 1;
            cp = lead;
        } else if ((lead & 0xE0) == 0xC0) {
            len = 2;
            cp = lead & 0x1Fu;
        } else if ((lead & 0xF0) == 0xE0) {
            len = 3;
            cp = lead & 0x0Fu;
        } else if ((lead & 0xF8) == 0xF0) {
            len = 4;
            cp = lead & 0x07u;
        } else {
            return false;
        }
        if (in.size() - i < len)
            return false;
        for (std::size_t k = 1; k < len; ++k) {
            const auto cont = static_cast<unsigned char>(in[i + k]);
            if ((cont & 0xC0) != 0x80)
                return false;
            cp = static_cast<char32_t>((cp << 6) | (cont & 0x3Fu));
        }
        out.push_back(cp);
        i += len;
    }
    return true;
}

std::string encode_utf8(TextView text) {
    std::string out;
    out.reserve(text.size() * 2);
    for (char32_t cp : text)
        append_utf8(out, cp);
    return out;
}

// Lower case for the Cyrillic letters of Kazakh and Russian (and ASCII), enough for word lists.
char32_t to_lower(char32_t c) {
    if (c >= U'A' && c <= U'Z')
        return c + 0x20;
    if (c >= 0x0410 && c <= 0x042F)
        return c + 0x20;  // А..Я
    if (c >= 0x0400 && c <= 0x040F)
        return c + 0x50;  // Ё, І, ...
    switch (c) {
        case 0x0492:  // Ғ
        case 0x049A:  // Қ
        case 0x04A2:  // Ң
        case 0x04AE:  // Ү
        case 0x04B0:  // Ұ
        case 0x04BA:  // Һ
        case 0x04D8:  // Ә
        case 0x04E8:  // Ө
            return c + 1;
        default:
            return c;
    }
}

// ---- Letters -----------------------------------------------------------------------------

bool one_of(char32_t c, TextView letters) {
    return letters.find(c) != TextView::npos;
}

bool is_vowel(char32_t c) {
    return one_of(c, U"аәеёиоөуұүыіэюя");
}

// Only lower-case Kazakh/Russian Cyrillic words are stemmed; anything else passes through.
bool is_stem_letter(char32_t c) {
    return (c >= U'а' && c <= U'я') || one_of(c, U"ёіғқңүұһәө");
}

bool has_vowel(TextView s) {
    return std::any_of(s.begin(), s.end(), is_vowel);
}

// What the stem's last sound is, as far as the first consonant of the next ending cares.
enum Sound : std::uint8_t {
    kVowel = 1,
    kSonorant = 2,   // р й у: take л-initial endings like vowels do
    kLateral = 4,    // л
    kNasal = 8,      // м н ң
    kSibilant = 16,  // з ж
    kVoiceless = 32,  // п к қ т с ш ..., and б в г ғ д, which are voiceless at the end of a word
    kPossessed = 64,  // ends in ы/і, the 3rd person possessive: takes -н, -на, -нда, -нан
};
constexpr std::uint8_t kConsonant = kSonorant | kLateral | kNasal | kSibilant | kVoiceless;
constexpr std::uint8_t kAnySound = kVowel | kConsonant | kPossessed;
constexpr std::uint8_t kVoiced = kVowel | kSonorant | kLateral | kNasal | kSibilant;

std::uint8_t final_sound(TextView s) {
    if (s.empty())
        return 0;
    char32_t c = s.back();
    if ((c == U'ь' || c == U'ъ') && s.size() >= 2)
        c = s[s.size() - 2];
    if (one_of(c, U"ыі"))
        return kVowel | kPossessed;
    if (one_of(c, U"ию"))  // ій/йу: behave as a vowel or as й
        return kVowel | kSonorant;
    if (one_of(c, U"рйу"))
        return kSonorant;
    if (c == U'л')
        return kLateral;
    if (one_of(c, U"мнң"))
        return kNasal;
    if (one_of(c, U"зж"))
        return kSibilant;
    return is_vowel(c) ? kVowel : kVoiceless;
}

enum class Harmony : std::uint8_t { Any, Back, Front };
enum class StemVowels : std::uint8_t { None, Back, Front, Either };

// The class of the stem's last vowel, which the next ending's vowel must agree with.
StemVowels stem_vowels(TextView s) {
    // Russian surnames in -ов/-ев/-ин take the series of their root's vowels (Тоқаевқа but
    // Сәденовке, Ерменовтің): either is accepted after them.
    if (s.size() >= 4 && (s.ends_with(U"ов") || s.ends_with(U"ев") || s.ends_with(U"ин")))
        return StemVowels::Either;
    bool soft = false;
    for (std::size_t i = s.size(); i-- > 0;) {
        const char32_t c = s[i];
        if (c == U'ь') {
            soft = true;
        } else if (c == U'у') {
            // After a vowel у is a glide (тау, Мәскеу): the vowel before it counts.
            if (i == 0 || !is_vowel(s[i - 1]) || s[i - 1] == U'у')
                return StemVowels::Either;  // бару/келу, институт
        } else if (one_of(c, U"аоұыяё")) {
            // A back word ending in к/г is a loanword (банк, диалог): both series occur.
            const bool loan = soft || s.back() == U'к' || s.back() == U'г';
            return loan ? StemVowels::Either : StemVowels::Back;
        } else if (one_of(c, U"әөүі")) {
            return soft ? StemVowels::Either : StemVowels::Front;
        } else if (one_of(c, U"еиэю")) {
            return StemVowels::Either;
        }
    }
    return StemVowels::None;
}

bool harmony_agrees(StemVowels stem, Harmony ending) {
    switch (ending) {
        case Harmony::Any:
            return true;
        case Harmony::Back:
            return stem == StemVowels::Back || stem == StemVowels::Either;
        case Harmony::Front:
            return stem == StemVowels::Front || stem == StemVowels::Either;
    }
    return false;
}

// ---- Endings -----------------------------------------------------------------------------

// Slots, from the outside of the word in: an ending may only be followed (to its left) by one
// from a later slot.
enum class Slot : std::uint8_t { Personal, Case, Possessive, Plural, Participle, Finite };

constexpr std::uint8_t bit(Slot s) {
    return static_cast<std::uint8_t>(1u << static_cast<unsigned>(s));
}
constexpr std::uint8_t kAllSlots = 0x3F;

std::uint8_t slots_after(Slot s) {
    switch (s) {
        case Slot::Personal:
            return kAllSlots & ~bit(Slot::Personal);
        case Slot::Case:
            return bit(Slot::Possessive) | bit(Slot::Plural) | bit(Slot::Participle);
        case Slot::Possessive:
            return bit(Slot::Plural) | bit(Slot::Participle);
        case Slot::Plural:
            return bit(Slot::Participle);
        case Slot::Participle:
        case Slot::Finite:
            return 0;
    }
    return 0;
}

struct Ending {
    Text text;
    Slot slot;
    std::uint8_t after;  // Sound bits the remaining stem may end in
    Harmony harmony;
};

// Template letters (ASCII, so they cannot clash with Cyrillic):
//   harmony:  A -> а/е   Y -> ы/і   Q -> ғ/г   K -> қ/к   (back/front variant)
//   first consonant, chosen by the stem's last sound (see onsets()):
//   L plural, N genitive, C accusative, D locative/past, B ablative, G dative/participle,
//   F attributive -ғы, M instrumental/personal.
struct Template {
    TextView pattern;
    Slot slot;
    std::uint8_t after;  // for patterns without a first-consonant letter
};

// clang-format off
constexpr std::array kTemplates = {
    // Personal endings: I am / we are / you are, and the past tense's own persons.
    Template{U"MYн",    Slot::Personal,   0},           // -мын/-бын/-пын
    Template{U"MYз",    Slot::Personal,   0},           // -мыз/-быз/-пыз
    Template{U"сYң",    Slot::Personal,   kAnySound},   // -сың
    Template{U"сYңдAр", Slot::Personal,   kAnySound},   // -сыңдар
    Template{U"DYм",    Slot::Personal,   0},           // бардым
    Template{U"DYң",    Slot::Personal,   0},           // бардың
    Template{U"DYңYз",  Slot::Personal,   0},           // бардыңыз
    Template{U"AмYн",   Slot::Personal,   kConsonant},  // барамын
    Template{U"AсYң",   Slot::Personal,   kConsonant},  // барасың
    // Cases. After a 3rd person possessive: -н, -на, -нда, -нан.
    Template{U"NYң",    Slot::Case,       0},           // genitive
    Template{U"GA",     Slot::Case,       0},           // dative
    Template{U"нA",     Slot::Case,       kPossessed},  // баласына
    Template{U"YмA",    Slot::Case,       kConsonant},  // кітабыма
    Template{U"YңA",    Slot::Case,       kConsonant},  // кітабыңа
    Template{U"CY",     Slot::Case,       0},           // accusative
    Template{U"н",      Slot::Case,       kPossessed},  // баласын
    Template{U"DA",     Slot::Case,       0},           // locative
    Template{U"ндA",    Slot::Case,       kPossessed},  // баласында
    Template{U"BAн",    Slot::Case,       0},           // ablative
    Template{U"нAн",    Slot::Case,       kPossessed},  // баласынан
    Template{U"Mен",    Slot::Case,       0},           // instrumental (no harmony)
    Template{U"Mенен",  Slot::Case,       0},           // instrumental, long form
    Template{U"DAQY",   Slot::Case,       0},           // locative attributive: Алматыдағы
    Template{U"ндAQY",  Slot::Case,       kPossessed},  // қаласындағы
    Template{U"FY",     Slot::Case,       0},           // attributive: жылғы, сыртқы
    // Possessives.
    Template{U"Yм",     Slot::Possessive, kConsonant},  // my
    Template{U"Yң",     Slot::Possessive, kConsonant},  // your
    Template{U"YңYз",   Slot::Possessive, kConsonant},  // your (polite)
    Template{U"ңYз",    Slot::Possessive, kVowel},
    Template{U"Y",      Slot::Possessive, kConsonant},  // his/her/its/their
    Template{U"сY",     Slot::Possessive, kVowel},
    Template{U"YмYз",   Slot::Possessive, kConsonant},  // our
    Template{U"мYз",    Slot::Possessive, kVowel},
    // Plural.
    Template{U"LAр",    Slot::Plural,     0},
    // Verb forms: the participle takes nominal endings, the finite forms only personal ones.
    Template{U"GAн",    Slot::Participle, 0},           // болған, келген, айтқан
    Template{U"DY",     Slot::Finite,     0},           // past: болды, оқыды
    Template{U"AдY",    Slot::Finite,     kConsonant},  // present-future: болады, келеді
    Template{U"MAKшY",  Slot::Finite,     0},           // intention: бармақшы
};
// clang-format on

struct Onset {
    char32_t letter;
    std::uint8_t after;
};

// The assimilation rules: which first consonant an ending takes after which sound.
std::vector<Onset> onsets(char32_t placeholder) {
    switch (placeholder) {
        case U'L':
            return {{U'л', kVowel | kSonorant},
                    {U'д', kLateral | kNasal | kSibilant},
                    {U'т', kVoiceless}};
        case U'N':
            return {{U'н', kVowel | kNasal | kSonorant},
                    {U'д', kSonorant | kLateral | kSibilant | kNasal},
                    {U'т', kVoiceless}};
        case U'C':
            return {{U'н', kVowel},
                    {U'д', kSonorant | kLateral | kNasal | kSibilant},
                    {U'т', kVoiceless}};
        case U'D':
            return {{U'д', kVoiced}, {U'т', kVoiceless}};
        case U'B':
            return {{U'д', kVoiced}, {U'н', kNasal}, {U'т', kVoiceless}};
        case U'G':
            return {{U'Q', kVoiced}, {U'K', kVoiceless}};
        case U'F':
            return {{U'Q', kVoiced & ~kVowel}, {U'K', kVoiceless}};
        case U'M':
            return {{U'м', kVowel | kSonorant | kLateral | kNasal},
                    {U'б', kSibilant},
                    {U'п', kVoiceless}};
        default:
            return {};
    }
}

bool is_harmonic(char32_t c) {
    return c == U'A' || c == U'Y' || c == U'Q' || c == U'K';
}

char32_t resolve(char32_t c, bool back) {
    switch (c) {
        case U'A':
            return back ? U'а' : U'е';
        case U'Y':
            return back ? U'ы' : U'і';
        case U'Q':
            return back ? U'ғ' : U'г';
        case U'K':
            return back ? U'қ' : U'к';
        default:
            return c;
    }
}

std::vector<Ending> build_endings() {
    std::vector<Ending> out;
    for (const Template& t : kTemplates) {
        std::vector<Onset> alternatives = onsets(t.pattern.front());
        const bool has_onset = !alternatives.empty();
        if (!has_onset)
            alternatives.push_back({t.pattern.front(), t.after});
        for (const Onset& onset : alternatives) {
            Text base(t.pattern);
            base.front() = onset.letter;
            const bool harmonic = std::any_of(base.begin(), base.end(), is_harmonic);
            for (const bool back : {true, false}) {
                Text text = base;
                for (char32_t& c : text)
                    c = resolve(c, back);
                const Harmony h = !harmonic ? Harmony::Any : back ? Harmony::Back : Harmony::Front;
                out.push_back({std::move(text), t.slot, onset.after, h});
                if (!harmonic)
                    break;
            }
        }
    }
    return out;
}

const std::vector<Ending>& endings() {
    static const std::vector<Ending> table = build_endings();
    return table;
}

// Words that look inflected but are not (or whose cut would land on another word). туынд heads
// туынды "a work" and туындау "to arise", which are not ту "flag" + ы + н; отын "firewood" is
// not от "fire" + ы + н.
// clang-format off
constexpr TextView kProtected[] = {
    U"қазақстан", U"өзбекстан", U"қырғызстан", U"тәжікстан",  U"түрікменстан", U"ауғанстан",
    U"пәкістан",  U"үндістан",  U"дағыстан",   U"татарстан",  U"башқұртстан",  U"күрдістан",
    U"түркістан", U"алматы",    U"қарағанды",  U"қызылорда",  U"талдықорған",  U"жезқазған",
    U"өскемен",   U"елбасы",    U"елорда",     U"тағы",       U"маусым",       U"шілде",
    U"команда",   U"олимпиада", U"канада",     U"пропаганда", U"легенда",      U"бригада",
    U"орын",      U"мұрын",     U"ерін",       U"белгі",      U"ойын",       U"жауын",
    U"қауын",     U"буын",      U"кісі",       U"туынд",      U"отын",
};
// clang-format on

// Nouns that drop their last vowel before a vowel-initial ending (халық -> халқы): a closed
// class of Kazakh grammar. Left out where the dropped form is another word's: қойны, қарны are
// also the accusatives of қой, қар; еркі would take еркін ("free") to ерік ("will").
constexpr std::pair<TextView, TextView> kDroppedVowel[] = {
    {U"халқ", U"халық"}, {U"нарқ", U"нарық"}, {U"орн", U"орын"},   {U"мұрн", U"мұрын"},
    {U"ерн", U"ерін"},   {U"ауз", U"ауыз"},   {U"қалп", U"қалып"}, {U"даус", U"дауыс"},
    {U"мойн", U"мойын"}, {U"ғұрп", U"ғұрып"}, {U"әрп", U"әріп"},   {U"көрк", U"көрік"},
    {U"бөрк", U"бөрік"}, {U"құлқ", U"құлық"}, {U"ырқ", U"ырық"},   {U"кейп", U"кейіп"},
    {U"сиқ", U"сиық"},   {U"парқ", U"парық"}, {U"бейл", U"бейіл"},
};

bool is_protected(TextView s) {
    return std::find(std::begin(kProtected), std::end(kProtected), s) != std::end(kProtected);
}

// The length of the protected word s begins with (0 if none): an ending is never cut into it
// (ойында is ойын + да, not ой + ында).
std::size_t protected_prefix(TextView s) {
    std::size_t longest = 0;
    for (TextView p : kProtected) {
        if (p.size() < s.size() && p.size() > longest && s.substr(0, p.size()) == p)
            longest = p.size();
    }
    return longest;
}

// Whether `stem` can take a vowel-initial ending at all.
bool vowel_ending_fits(TextView stem) {
    const char32_t last = stem.back();
    const char32_t before = stem.size() >= 2 ? stem[stem.size() - 2] : U'\0';
    // Native п/к/қ after a vowel is voiced before a vowel (кітабы), so "Vпы" is not stem + ы.
    if (one_of(last, U"пкқ") && is_vowel(before))
        return false;
    // Agent nouns: басшы, тілші, оқушы end in ы/і themselves.
    if (last == U'ш' && (!is_vowel(before) || before == U'у'))
        return false;
    return true;
}

// Verb stems rarely end in a cluster closed by a voiced consonant: in хабарлады, мәлімдеді the
// -ла/-де belongs to the stem and only -ды/-ді is the ending (хабарла, not хабарл).
bool verb_stem_fits(TextView stem) {
    if (stem.size() < 2)
        return true;
    const char32_t last = stem.back();
    const char32_t before = stem[stem.size() - 2];
    if (is_vowel(before) || is_vowel(last))
        return true;
    return one_of(last, U"тқкпсш");  // айт+ады, тарт+ады
}

// Nouns in -ас whose possessive is -ы (науқас+ы "his patient", not науқа+сы).
// clang-format off
constexpr TextView kNounsInAs[] = {
    U"науқас",  U"шайқас",  U"қатынас", U"көзқарас", U"талас",    U"жолдас",
    U"қандас",  U"отандас", U"одақтас", U"замандас", U"қарындас", U"құрдас",
};
// clang-format on

// Whether `s` ends like a noun in -нды/-нді (туынды, қорытынды, ерітінді, үзінді).
bool ends_in_ndy(TextView s) {
    return s.size() >= 3 && one_of(s.back(), U"ыі") && s[s.size() - 2] == U'д' && s[s.size() - 3] == U'н';
}

// For "…V+сы" and "…V+ны": true when the consonant belongs to the stem (жұмыс+ы, жиын+ы) rather
// than to the ending (бала+сы, бала+ны).
bool consonant_belongs_to_stem(TextView vowel_stem, char32_t consonant) {
    const char32_t v = vowel_stem.back();
    const char32_t before = vowel_stem.size() >= 2 ? vowel_stem[vowel_stem.size() - 2] : U'\0';
    // -ыс/-іс and -ын/-ін nouns are common (жұмыс, байланыс, жиын); ы/і-final nouns mostly end
    // in -шы, -қы, -ғы, -жы (басшы, жалақы, қаржы; a noun in -жыс/-жын is rare: қоржын).
    if (v == U'ы' || v == U'і') {
        const char32_t third = vowel_stem.size() >= 3 ? vowel_stem[vowel_stem.size() - 3] : U'\0';
        // Deverbal nouns in -ыс on a verb in -қ keep their с (соқ- -> соғыс, шық- -> шығыс,
        // ақ- -> ағыс): ғ after a vowel is such a verb's voiced қ. The -ғы nouns and attributives
        // that take -сы stand after a consonant (соңғысы, қайғысы). Not the front г: ертегі
        // ("tale") takes -сі as often as егіс ("crop") takes -і. Left out: шығыс ("east"), whose
        // possessive forms are mostly the relational "east of" (Х-тың шығысында); meeting them
        // lowered kazqad_dev (its queries "Шығыс Дешті қыпшақ", "шығыс бөлігі" ranked worse).
        if (consonant == U'с' && before == U'ғ' && is_vowel(third) && vowel_stem != U"шығы") return true;
        // Nouns in -нды/-нді (туынды, қорытынды, ерітінді, үзінді, зиянды) take -сы and -ны; a
        // noun in -ндыс/-ндын is rare, while the с after other ды/ді is the stem's (үрдіс+і).
        if (ends_in_ndy(vowel_stem)) return false;
        return !one_of(before, U"шщқкғгж");  // and -жы/-жі: қаржы+сы, паранжы+сы
    }
    if (v == U'е')
        return consonant == U'с' && one_of(before, U"тдңр");  // серіктес, кеңес, күрес
    if (v == U'а' && consonant == U'с') {
        // A noun in -а + сы is ten times as common as a noun in -ас + ы (қаласы, баласы, ортасы
        // against науқасы, шайқасы in kazqad), so only these nouns in -ас keep their с: frequent in
        // the news, and none is a noun in -а without it (науқа, шайқа, жолда are not nouns).
        Text noun(vowel_stem);
        noun.push_back(U'с');
        return std::find(std::begin(kNounsInAs), std::end(kNounsInAs), noun) != std::end(kNounsInAs);
    }
    return false;
}

// Whether a stem ending in ы/і can be a 3rd person possessive form (so take -н, -нда, ...):
// бала+сы, кітаб+ы yes; жиы+н, ақы+н no.
bool possessive_plausible(TextView stem) {
    // No noun has one letter: дінде is дін + де, not ді + нде.
    if (stem.size() < 3) return false;
    const TextView base = stem.substr(0, stem.size() - 1);
    // A stem in у takes -ы like a consonant (тау+ы, сайлау+ы, даму+ы), so тауын is тау+ы+н.
    if (base.back() == U'у') return true;
    if (is_vowel(base.back()))
        return false;
    if (base.back() == U'с' && base.size() >= 2 && is_vowel(base[base.size() - 2]))
        return true;
    return vowel_ending_fits(base);
}

// Whether a personal ending -мын/-мін, -мыз/-міз ("I am", "we are") may follow `stem`. After a
// stem in ы/і the м is more often the stem's own (ұйым+ын, білім+ін: the possessive's accusative)
// than a noun in ы/і + "I am"; the nouns in ы/і that take it are the agent nouns in -шы/-ші
// (оқушымын, басшымыз). After у behind a consonant the м is the stem's own too: loanwords in
// -ум (референдумын, форумын, меморандумын are -ум + ы + н), not a verbal noun + "I am".
bool personal_plausible(TextView stem, TextView ending) {
    if (ending.front() != U'м' || stem.size() < 2) return true;
    if (stem.back() == U'у') return is_vowel(stem[stem.size() - 2]);
    if (!one_of(stem.back(), U"ыі")) return true;
    return one_of(stem[stem.size() - 2], U"шщ");
}

// The longest ending of `s`, shorter than `below` letters, from the allowed slots that agrees
// with what it leaves.
const Ending* longest_ending(TextView s, std::uint8_t allowed, std::size_t below) {
    const Ending* best = nullptr;
    for (const Ending& e : endings()) {
        if ((allowed & bit(e.slot)) == 0)
            continue;
        if (e.text.size() >= s.size() || e.text.size() >= below)
            continue;
        if (best && e.text.size() <= best->text.size())
            continue;
        if (s.substr(s.size() - e.text.size()) != e.text)
            continue;
        const TextView stem = s.substr(0, s.size() - e.text.size());
        if ((final_sound(stem) & e.after) == 0)
            continue;
        if (!harmony_agrees(stem_vowels(stem), e.harmony))
            continue;
        const bool vowel_initial = is_vowel(e.text.front());
        if (vowel_initial && !vowel_ending_fits(stem))
            continue;
        if (vowel_initial && (e.slot == Slot::Finite || e.slot == Slot::Personal) &&
            !verb_stem_fits(stem))
            continue;
        if (e.after == kPossessed && !possessive_plausible(stem))
            continue;
        if (e.slot == Slot::Personal && !personal_plausible(stem, e.text)) continue;
        best = &e;
    }
    return best;
}

// After a vowel-initial ending came off: кітаб -> кітап, құлағ -> құлақ, жүрег -> жүрек.
void restore_final_consonant(Text& s) {
    if (s.size() < 2 || !is_vowel(s[s.size() - 2]))
        return;
    const char32_t before = s[s.size() - 2];
    if (s.back() == U'б')
        s.back() = U'п';
    else if (s.back() == U'ғ')
        s.back() = U'қ';
    else if (s.back() == U'г' && one_of(before, U"еіәөүи"))
        s.back() = U'к';  // -ог, -аг are loanwords (диалог); native г sits with front vowels
}

// After a vowel-initial ending came off: consonant voicing and dropped vowels are undone.
void restore_stem(Text& s) {
    for (const auto& [dropped, full] : kDroppedVowel) {
        if (s == dropped) {
            s = full;
            return;
        }
    }
    // орын, "place", heads compounds that drop its vowel too (кәсіпорын, кәсіпорны: "enterprise"):
    // the vowel comes back, and the next pass cuts the compound as it cuts its bare form, so
    // every form meets. Only after a word of its own (three letters or more): -торын is a
    // loanword's -тор + ын, but no Kazakh form ends in -орны after it.
    constexpr TextView kCompoundHead = U"орн";
    if (s.size() >= kCompoundHead.size() + 3 && s.ends_with(kCompoundHead)) {
        s.insert(s.size() - 1, 1, U'ы');
        return;
    }
    restore_final_consonant(s);
}

// Two-letter roots common enough in the news to be worth their own forms (суға, елдің, үйге,
// істі); other two-letter stems stay out, since most would be cut from a longer word (Айдар is
// not ай + дар).
constexpr TextView kShortRoots[] = {U"су", U"ел", U"үй", U"іс", U"ұл", U"ән", U"өз", U"ай", U"ой"};

// Two-letter nouns in -у whose homonyms are verbs (ту "flag" and "to be born", шу "noise" and
// the river Шу): only nominal endings come off them, so the participle туған ("born, native")
// and туады ("arises") stay apart from ту; a personal ending does, since the genitive тудың reads
// as бардың's -дың too. Left out: ру "clan" (руда, рудасы "ore"), бу "steam" (будан "hybrid").
// ем "cure" (емі, емнің, емдер) and от "fire" (оты, отқа) are nouns of the same kind; емеді
// ("sucks") stays a verb, and отын "firewood" is protected. Left out: ет "meat", since етті is
// also "did" (ет- "to do") and етемін "I do"; ас "food", since асты is also "under" (астында)
// and асыға "hurrying"; ат "name, horse": its forms (аты, атындағы, атынан "on behalf of") are
// right, but they made ат so common that a query's "ат" (the title "Диуани лұғат ат-түрік" in
// kazqad) matched them all and ranked worse.
constexpr TextView kShortNouns[] = {U"ту", U"шу", U"ем", U"от"};

bool short_noun(TextView stem) {
    return std::find(std::begin(kShortNouns), std::end(kShortNouns), stem) != std::end(kShortNouns);
}

bool long_enough(TextView stem, Slot slot) {
    if (stem.size() == 2 && std::find(std::begin(kShortRoots), std::end(kShortRoots), stem) != std::end(kShortRoots))
        return true;
    if (short_noun(stem)) return slot != Slot::Participle && slot != Slot::Finite;
    return stem.size() >= kMinStem && has_vowel(stem);
}

// `s` without its last `cut` letters, with the stem restored if the ending began with a vowel.
Text cut_off(const Text& s, std::size_t cut) {
    Text stem = s.substr(0, s.size() - cut);
    if (is_vowel(s[s.size() - cut]))
        restore_stem(stem);
    return stem;
}

// Whether `s` ends like the attributive -ғы/-гі/-қы/-кі after a consonant (үлгі, ескі, ешкі).
bool attributive_shape(TextView s) {
    return s.size() >= 4 && one_of(s.back(), U"ыі") && one_of(s[s.size() - 2], U"ғгқк") && !is_vowel(s[s.size() - 3]);
}

// One pass of stripping in grammar order. Each intermediate stem is appended to `chain`, and so
// is the runner-up reading of each step (for the lexicon to choose from). `nested` marks the
// look-ahead below, which does not look ahead itself.
Text strip_pass(Text s, std::vector<Text>* chain, bool nested = false) {
    std::uint8_t allowed = kAllSlots;
    bool after_case = false;
    while (allowed != 0 && !is_protected(s)) {
        // A noun in consonant + -ғы/-гі/-қы/-кі whose bare form keeps its vowel (үлгі, ескі,
        // ешкі: the attributive reading leaves two letters) keeps it under a case ending too, so
        // үлгіге, ескіні meet their nominative instead of losing the vowel as a possessive (үлг,
        // еск). Only this shape: after алды, асты ("took", "exceeded": ал, ас + past tense) the
        // ы of алдында, астында ("in front of", "under") is the possessive's.
        if (after_case && !nested && attributive_shape(s) && strip_pass(s, nullptr, true) == s) break;
        // A noun in -ынды/-інді (ерітінді, қорытынды, үзінді) under a case ending is cut as its
        // bare form and its possessive are (ерітіндінің, ерітіндісі, ерітінді -> еріт), not
        // as a possessive ы/і (ерітінд). Only after ы/і + н: фондының is фонд + ы + ның.
        if (after_case && s.size() >= 5 && ends_in_ndy(s) && one_of(s[s.size() - 4], U"ыі")) break;
        const Ending* e = longest_ending(s, allowed, s.size());
        if (e == nullptr)
            break;
        std::size_t cut = e->text.size();
        std::size_t other_cut = 0;  // the runner-up reading, 0 if none
        Slot slot = e->slot;
        const bool consonant_vowel = cut == 2 && (e->text[1] == U'ы' || e->text[1] == U'і') &&
                                     ((slot == Slot::Possessive && e->text[0] == U'с') ||
                                      (slot == Slot::Case && e->text[0] == U'н'));
        // жұмыс+ы, not жұмы+сы; жиын+ы, not жиы+ны. And a short root in -с/-н with its
        // possessive (басы, саны, күні): no two-letter stem takes -сы/-ны.
        if (consonant_vowel && (consonant_belongs_to_stem(TextView(s).substr(0, s.size() - 2), e->text[0]) ||
                                (!long_enough(TextView(s).substr(0, s.size() - 2), slot) &&
                                 long_enough(TextView(s).substr(0, s.size() - 1), Slot::Possessive)))) {
            cut = 1;
            other_cut = 2;
            slot = Slot::Possessive;
        } else if (chain) {
            const Ending* runner_up = longest_ending(s, allowed, cut);
            if (runner_up)
                other_cut = runner_up->text.size();
        }
        if (!long_enough(TextView(s).substr(0, s.size() - cut), slot)) {
            // The longest reading leaves too little (адамын as ад + амын "I take", әлемін as
            // әл + емін): a noun in -м may still carry the 3rd person possessive and a case
            // ending after it (адам + ы + н). Only after м: екпін, тосын are not екп + і + н.
            const Ending* possessed = longest_ending(s, bit(Slot::Case) & allowed, cut);
            while (possessed && possessed->after != kPossessed)
                possessed = longest_ending(s, bit(Slot::Case) & allowed, possessed->text.size());
            if (possessed == nullptr) break;
            const TextView noun = TextView(s).substr(0, s.size() - possessed->text.size() - 1);
            if (noun.back() != U'м' || !long_enough(noun, Slot::Possessive)) break;
            cut = possessed->text.size();
            other_cut = 0;
            slot = Slot::Case;
        }
        if (const std::size_t keep = protected_prefix(s); keep > s.size() - cut) {
            s.resize(keep);
            if (chain)
                chain->push_back(s);
            break;
        }
        if (chain && other_cut != 0 && long_enough(TextView(s).substr(0, s.size() - other_cut), slot))
            chain->push_back(cut_off(s, other_cut));
        s = cut_off(s, cut);
        if (chain)
            chain->push_back(s);
        allowed = slots_after(slot);
        // Not after the possessive's own -н, -на, -нда: арғын, өскін are nouns in -ын/-ін, not
        // арғы ("beyond") + н.
        after_case = slot == Slot::Case && e->after != kPossessed && cut == e->text.size();
    }
    return s;
}

// A stem's final б after a vowel is written п, as the restoration after a vowel-initial ending
// writes it (кітабы -> кітап): loanwords with a real б (штаб, клуб, араб) then meet their own
// possessive forms (штабы, клубы), which cannot be told from a native кітабы.
void devoice_final_b(Text& s) {
    if (s.size() >= 2 && s.back() == U'б' && is_vowel(s[s.size() - 2])) s.back() = U'п';
}

// Passes until nothing changes: the result is a fixpoint, so stemming it again is a no-op.
Text rule_stem(Text s, std::vector<Text>* chain) {
    // Compared as text, not by length: a pass that only restored a dropped vowel (кәсіпорны ->
    // кәсіпорын) leaves a word the next pass may cut further.
    for (;;) {
        Text before = s;
        s = strip_pass(std::move(s), chain);
        if (s == before) {
            devoice_final_b(s);
            return s;
        }
    }
}

bool stemmable(const Text& w) {
    return w.size() <= kMaxWord && std::all_of(w.begin(), w.end(), is_stem_letter);
}

}  // namespace

// ---- KazakhLexicon -----------------------------------------------------------------------

KazakhLexicon::KazakhLexicon(std::vector<std::string> words) : words_(std::move(words)) {}

std::shared_ptr<const KazakhLexicon> KazakhLexicon::from_words(
    const std::vector<std::string>& words) {
    std::vector<std::string> lower;
    lower.reserve(words.size());
    Text text;
    for (const std::string& w : words) {
        if (w.empty() || !decode_utf8(w, text))
            continue;
        for (char32_t& c : text)
            c = to_lower(c);
        lower.push_back(encode_utf8(text));
    }
    std::sort(lower.begin(), lower.end());
    lower.erase(std::unique(lower.begin(), lower.end()), lower.end());
    lower.shrink_to_fit();
    return std::shared_ptr<const KazakhLexicon>(new KazakhLexicon(std::move(lower)));
}

std::shared_ptr<const KazakhLexicon> KazakhLexicon::load(const std::string& path) {
    try {
        std::ifstream in(path, std::ios::binary);
        if (!in)
            return nullptr;
        std::vector<std::string> words;
        std::string line;
        bool first = true;
        while (std::getline(in, line)) {
            std::string_view v = line;
            if (first && v.substr(0, 3) == "\xEF\xBB\xBF")
                v.remove_prefix(3);
            // "word/FLAGS", possibly followed by morphological fields; CRLF line ends.
            v = v.substr(0, std::min(v.find_first_of("/\t \r"), v.size()));
            const bool count_line =
                first && !v.empty() &&
                std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
            first = false;
            if (v.empty() || count_line || v.front() == '#')
                continue;
            words.emplace_back(v);
        }
        if (in.bad() || words.empty())
            return nullptr;
        return from_words(words);
    } catch (...) {
        return nullptr;  // bad_alloc and friends: run without a lexicon
    }
}

bool KazakhLexicon::contains(std::string_view word) const {
    const auto it =
        std::lower_bound(words_.begin(), words_.end(), word,
                         [](const std::string& a, std::string_view b) { return a < b; });
    return it != words_.end() && *it == word;
}

// ---- KazakhStemmer -----------------------------------------------------------------------

KazakhStemmer::KazakhStemmer(std::shared_ptr<const KazakhLexicon> lexicon)
    : lexicon_(std::move(lexicon)) {}

std::string KazakhStemmer::get_description() const {
    return lexicon_ ? std::string(kDescription) + "+lexicon" : std::string(kDescription);
}

std::vector<std::string> KazakhStemmer::candidates(const std::string& word) {
    Text w;
    if (!decode_utf8(word, w) || !stemmable(w))
        return {word};
    std::vector<Text> chain{w};
    rule_stem(std::move(w), &chain);
    std::vector<std::string> out;
    out.reserve(chain.size());
    for (const Text& t : chain)
        out.push_back(encode_utf8(t));
    return out;
}

std::string KazakhStemmer::operator()(const std::string& word) {
    Text current;
    if (!decode_utf8(word, current) || !stemmable(current))
        return word;
    if (!lexicon_)
        return encode_utf8(rule_stem(std::move(current), nullptr));

    // The lexicon picks the shortest known candidate (on a tie the more stripped one), else the
    // rule stem wins. Repeat until the pick is stable so that stemming a stem changes nothing
    // here either. Each round picks a shorter string, or one as long after a restoration
    // (халқы -> халық); the cap only guards against a cycle no rule is known to make.
    std::vector<Text> chain;
    for (int round = 0; round < 16; ++round) {
        chain.assign(1, current);
        Text pick = rule_stem(current, &chain);
        const Text* known = nullptr;
        for (const Text& candidate : chain) {
            if ((known == nullptr || candidate.size() <= known->size()) &&
                lexicon_->contains(encode_utf8(candidate)))
                known = &candidate;
        }
        if (known)
            pick = *known;
        devoice_final_b(pick);
        if (pick == current)
            break;
        current = std::move(pick);
    }
    return encode_utf8(current);
}

}  // namespace izdeu
