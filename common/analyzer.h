#pragma once
// The text analyzer shared by the indexer and the query tool. The same code turns article text
// into index terms and query text into query terms, so the two agree by construction.
//
// Pipeline: UTF-8 decoding (invalid bytes -> U+FFFD, counted; soft hyphens, zero-width and
// control characters removed; apostrophe variants -> ') -> ICU word breaking (UAX #29, root
// locale) -> NFKC_Casefold -> filters (ё->е, Latin diacritics, possessive 's, dotted acronyms,
// digit grouping, hyphenated compounds) -> stemming chosen by script and document language.
// Every token keeps its byte offsets in the original UTF-8, for snippets.

#include <bitset>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include <unicode/uversion.h>

#include "word_segmenter.h"

U_NAMESPACE_BEGIN
class Normalizer2;
class UnicodeString;
U_NAMESPACE_END

namespace izdeu {

class KazakhLexicon;
class RussianDictionary;

enum class Language : std::uint8_t { Undetermined, English, Russian, Kazakh };

/// "en", "ru", "kk" or "und".
std::string_view language_code(Language language);
/// Parses a language code ("en", "ru", "kk", "und", also "eng"/"rus"/"kaz"); Undetermined if unknown.
Language language_from_code(std::string_view code);

enum class Script : std::uint8_t { Other, Latin, Cyrillic, Number };

struct Token {
    std::string_view term;  ///< normalized surface form (valid until the next token)
    std::string_view stem;  ///< stem; equal to term when no stemmer applies
    std::uint32_t position = 0;
    std::uint32_t start = 0, end = 0;  ///< byte offsets of the token in the original UTF-8
    Script script = Script::Other;
    bool kazakh = false;       ///< stemmed as Kazakh (gets a keyboard-folded term)
    bool alternative = false;  ///< a joined form ("egovernment") at the position of its first part
    bool capitalised = false;  ///< written with a capital first letter (before case folding)
    /// A Latin-script Kazakh word read in Cyrillic (qazaqstannyń -> қазақстанның), whose Kazakh
    /// stem is `stem`; empty for other words.
    std::string_view cyrillic;
    /// The name-key term (schema::name_key_term) of a word that looks like a name in its text:
    /// capitalised, not first in its sentence, in a text that is not Title Case; else empty.
    std::string_view name_key;
    /// The key term of its stem, where that differs (Назарбаевым: the stem's key is the name's;
    /// Ақорда: the Kazakh stemmer reads -да as an ending, the word's key is the name's).
    std::string_view stem_name_key;
};

struct AnalyzerOptions {
    bool stemming = true;
    bool keyboard_folding = true;  ///< Kazakh letters typed on a Russian keyboard (қ->к, ...)
    /// Optional Kazakh word list that guides the Kazakh stemmer.
    std::shared_ptr<const KazakhLexicon> kazakh_lexicon;
    std::string kazakh_lexicon_path;  ///< where the lexicon came from, recorded in the database
    /// Optional Russian dictionary (hunspell-ru) that guides the Russian stemmer.
    std::shared_ptr<const RussianDictionary> russian_dictionary;
    std::string russian_dictionary_path;  ///< recorded in the database; empty: rules only
};

struct AnalysisStats {
    std::size_t invalid_utf8 = 0;  ///< invalid byte sequences replaced by U+FFFD
    std::size_t dropped_long = 0;  ///< tokens longer than a Xapian term can be
    std::uint32_t next_position = 0;
};

/// One analyzer per thread: ICU break iterators and the stem caches hold state.
class Analyzer {
  public:
    explicit Analyzer(AnalyzerOptions options = {});
    ~Analyzer();
    Analyzer(const Analyzer&) = delete;
    Analyzer& operator=(const Analyzer&) = delete;

    using TokenSink = std::function<void(const Token&)>;

    /// Analyzes UTF-8 text; positions start at first_position.
    AnalysisStats analyze(std::string_view text, Language document_language, std::uint32_t first_position,
                          const TokenSink& sink);

    /// Convenience for tests: the tokens as owned strings.
    struct OwnedToken {
        std::string term, stem;
        std::uint32_t position, start, end;
        bool alternative;
    };
    std::vector<OwnedToken> tokens(std::string_view text, Language document_language = Language::Undetermined);

    /// Every stem the index could hold for a query word whose language is unknown (for a word
    /// read as Latin-script Kazakh, also the Kazakh stem of its Cyrillic reading).
    std::vector<std::string> query_stems(const Token& token);

    /// The other reading of a Kazakh word that the stemmer reads one way: the noun in -н of a
    /// form it cut as an accusative in -ны/-ні (ауданы: аудан), and the stem the possessive of a
    /// noun in -н is cut to (аудан: ауда); Cyrillic query words only. Empty for most words.
    std::vector<std::string> kazakh_possessive_readings(const Token& token);

    /// A word of a place's family (derived_names.h) that a query word stands for.
    struct DerivedName {
        Language language;  ///< the family's: whose stemmer gave `stem`
        std::string word;   ///< as the table writes it
        std::string stem;   ///< its stem, by which the index holds every form of it
        bool ambiguous;     ///< also a common word (turkey, вена): found only where capitalised
    };
    /// The other words of the place families the word belongs to, matched by stems so that every
    /// inflected form counts (Chinese: china; российские: россия, рф, россиянин...; қытайлық:
    /// қытай, қхр). A word marked ambiguous in the table stands for its family only when typed
    /// capitalised. Empty for most words, for Latin-script Kazakh and without stemming.
    std::vector<DerivedName> derived_names(const Token& token);

    /// The keyboard-folded form of a Kazakh stem (қ->к, ә->а, ө->о, ұ/ү->у, ғ->г, ң->н, һ->х, і->и).
    static std::string keyboard_fold(std::string_view term);

    /// Whether a Cyrillic term has a Kazakh-only letter (ә ғ қ ң ө ұ ү һ і).
    static bool has_kazakh_letter(std::string_view term);

    /// Detects the language of a text from its letters.
    static Language detect_language(std::string_view text);

    /// Identifies everything that decides which terms are written; stored in the database.
    std::string fingerprint() const;

    const AnalyzerOptions& options() const { return options_; }

    /// Whether analyze() stems Cyrillic words (on by default). A caller that cannot use their
    /// stems (snippets for a query without Cyrillic words or name keys) turns it off: the
    /// Russian dictionary is read on the first Russian word stemmed, 25 ms in a new process.
    /// Terms written to an index always need their stems: never off for indexing.
    void set_cyrillic_stemming(bool on) { cyrillic_stemming_ = on; }
    /// With initials (each a first letter, UTF-8), a word is stemmed only when its first letter
    /// (for a Cyrillic word, also that letter keyboard-folded) is one of them: a snippet's words
    /// can only meet the query's stems through a stem with the same first letter (suffix rules
    /// keep it: Snowball's English and Russian stemmers and ours never change a word's first
    /// letter), and stemming every word of ten articles was a fifth of a snippet's analysis.
    /// With `capitalised`, every capitalised word is stemmed too: a name in another script meets
    /// the query through its stem's name key, not its first letter. Latin words that start with
    /// a letter other than a-z are always stemmed. No initials (the default): every word. Never
    /// for indexing.
    void set_stem_initials(std::vector<std::string> initials, bool capitalised = false) {
        stem_initials_ = std::move(initials);
        stem_capitalised_ = capitalised;
        latin_stem_initials_.reset();
        for (const std::string& initial : stem_initials_) {
            if (initial.size() == 1 && initial[0] >= 'a' && initial[0] <= 'z')
                latin_stem_initials_.set(initial[0] - 'a');
        }
    }

  private:
    struct PendingToken;
    class StemCache;
    struct DerivedNameTable;
    /// The language's table, with the families a word stemmed `stem` may belong to stemmed.
    const DerivedNameTable& derived_name_table(Language language, std::string_view stem);

    void decode(std::string_view text, AnalysisStats& stats);
    /// What stemming needs to know of a term: its script and, for Cyrillic, whether it has a
    /// Kazakh-only letter.
    struct TermTraits {
        Script script = Script::Other;
        bool kazakh_letter = false;
    };
    static TermTraits traits_of(std::string_view term);
    /// Whether the word starting at UTF-16 index begin16 starts a sentence (or the text).
    bool sentence_initial(std::uint32_t begin16) const;
    /// A 2018-alphabet word written with a capital I: its reading (at reading_offset in terms_,
    /// to the end) starts with и unless the Kazakh word list knows it with і.
    void read_capital_i(std::size_t reading_offset);
    /// For a Kazakh text: whether its letters are mostly Latin, and in which alphabet.
    void scan_latin_kazakh();
    /// Appends the normalized form of utf16_[begin, end) to out; false if it is empty.
    bool normalize(std::size_t begin, std::size_t end, std::string& out, TermTraits& traits);
    void append_folded(const icu::UnicodeString& folded, std::string& out);
    void build_fold_table();
    StemCache* stemmer_for(TermTraits traits, Language document_language, bool& kazakh);

    AnalyzerOptions options_;
    bool cyrillic_stemming_ = true;
    std::vector<std::string> stem_initials_;
    std::bitset<26> latin_stem_initials_;  ///< stem_initials_'s a-z, for the Latin check
    bool stem_capitalised_ = false;        ///< with stem_initials_: every capitalised word too
    WordSegmenter segmenter_;
    const icu::Normalizer2* casefold_ = nullptr;
    const icu::Normalizer2* nfd_ = nullptr;
    std::unique_ptr<StemCache> english_, russian_, kazakh_;
    std::unique_ptr<DerivedNameTable> derived_names_[3];  // English, Russian, Kazakh
    std::string kazakh_description_, russian_description_;
    // Reused buffers: no per-token heap allocation once they have grown. The decoded text is
    // the first units_ of utf16_, starts_ and ends_.
    std::u16string utf16_;
    std::size_t units_ = 0;
    std::vector<std::uint32_t> starts_, ends_;
    std::vector<WordSegment> segments_;
    std::vector<PendingToken> pending_;
    std::string terms_;      // the text of pending_ tokens
    std::string stem_text_;  // the current token's stem
    std::string term_, joined_, scratch_;
    std::string name_key_text_, stem_name_key_text_;  // the current token's name-key terms
    // For the text being analyzed: -1 not yet looked at; 0/1 whether a Kazakh text is written in
    // Latin letters (then its Latin words are read in Cyrillic), and in which alphabet.
    int latin_kazakh_ = -1;
    int kazakh_alphabet_2021_ = 0;
    std::u16string norm_in_, norm_out_;
    std::unordered_map<char32_t, char32_t> latin_base_;
    /// The normalized UTF-8 of each UTF-16 unit below kFoldTableSize (Latin, Greek, Cyrillic)
    /// that never combines with what precedes it (size kNotSimple for the others), with what
    /// script_of and the edits after folding would find in it.
    struct FoldedUnit {
        static constexpr std::uint8_t kNotSimple = 0xFF;
        static constexpr std::uint8_t kLatin = 1, kCyrillic = 2;  // its first letter's script
        static constexpr std::uint8_t kLetter = kLatin | kCyrillic;
        static constexpr std::uint8_t kNotNumber = 4;     // no letter, not all [0-9.,] either
        static constexpr std::uint8_t kKazakhLetter = 8;  // a Kazakh-only letter
        static constexpr std::uint8_t kEditable = 16;     // an apostrophe, dot or comma
        // bytes first: normalize copies the whole 8-byte entry in one move.
        char bytes[6] = {};
        std::uint8_t size = kNotSimple;
        std::uint8_t flags = 0;
    };
    static_assert(sizeof(FoldedUnit) == 8);
    static constexpr std::size_t kFoldTableSize = 0x530;
    std::vector<FoldedUnit> fold_table_;
};

}  // namespace izdeu
