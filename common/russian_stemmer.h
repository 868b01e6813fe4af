#pragma once
// Russian stemming with a dictionary as a guide and rules as the fallback.
//
// Xapian's Snowball stemmer cuts by rules alone and cuts one word's forms differently
// (астана -> аста, астане -> астан; паводок -> паводок, паводка -> паводк). Where Debian's
// hunspell-ru dictionary knows a word, its forms are all read back to the dictionary's base form
// (the lemma), which then is the stem: every form of a known word meets every other. Words the
// dictionary does not know (most surnames, many place names) take izdeu's own rules: surnames in
// -ов/-ев/-ин keep that suffix and lose their case ending, other words lose a noun or adjective
// ending. See the .cpp for how a lemma is chosen when a form has several.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <xapian.h>

namespace izdeu {

/// A hunspell dictionary (.dic word list + .aff suffix rules) read for lemmatization only:
/// which dictionary words a given form was made from. One instance is shared by every analyzer
/// of a process; the files are read on the first lookup (thread-safe), so a process that meets
/// no Russian word never pays the ~25 ms it takes.
class RussianDictionary {
  public:
    /// Where Debian's hunspell-ru package puts its dictionary (the .aff lies beside it).
    static constexpr const char* kDefaultPath = "/usr/share/hunspell/ru_RU.dic";

    /// The dictionary at path (the .dic; the .aff beside it), read when first used; nullptr if
    /// either file is missing or not a regular file. Never throws. Should the files turn out
    /// unreadable when first used, lookups find nothing and the rules decide.
    static std::shared_ptr<const RussianDictionary> open(const std::string& path);

    /// Builds a dictionary from the texts of an .aff and a .dic (tests).
    static std::shared_ptr<const RussianDictionary> from_text(std::string_view aff, std::string_view dic);

    struct Lemma {
        std::string word;     ///< lower-case, ё as е
        bool noun = false;    ///< the form is a noun's (made by a rule set that declines nouns)
        bool proper = false;  ///< the entry is a name: capitalized wherever the .dic lists it
        bool bare = false;    ///< the word itself, listed without flags (often a form a paradigm lacks)
    };
    /// The dictionary words that word is a form of, the word itself included when it is an
    /// entry; empty when the dictionary does not know it.
    std::vector<Lemma> lemmas(std::string_view word) const;

    /// Identifies the files without reading them (their sizes), for the index fingerprint.
    const std::string& identity() const { return identity_; }
    /// Entries and rules read (reads the files if not yet done).
    std::size_t word_count() const;
    std::size_t rule_count() const;

  private:
    struct Rule {
        std::string strip, add;                 // UTF-8; "0" in the .aff is empty here
        std::vector<std::u32string> condition;  // one set of code points per position, from the left
        std::vector<bool> negated;              // per position: [^...]
        char flag = 0;
        bool nominal = false;  // declines a noun (see parse)
    };
    RussianDictionary() = default;
    bool parse(std::string_view aff, std::string dic);
    void ensure_loaded() const;

    std::string dic_path_, aff_path_, identity_;
    mutable std::once_flag loaded_;
    static bool condition_holds(const Rule& rule, std::string_view base);

    struct Entry {
        std::string_view word;   // folded, into dic_text_ (or folded_words_); empty: merged into another
        std::string_view flags;  // into dic_text_, or merged_flags_ for a word listed twice
        std::uint32_t hash = 0;  // the word's, to skip most comparisons
        bool proper = true;      // no lower-case spelling seen
    };
    // The .dic's text, its words folded in place (folding keeps their length): the entries point
    // into it. The entries lie grouped by their hash, each group a few entries long, so a
    // lookup compares a handful and loading is three passes over an array. Reading them into an
    // unordered_map (a node, one or two allocations and a random access each) was 50-70 ms of
    // a Russian query in a new process.
    std::string dic_text_;
    std::deque<std::string> folded_words_, merged_flags_;  // the rare words folding resizes; words listed twice
    std::vector<Entry> entries_;                           // by group
    std::vector<std::uint32_t> group_starts_;              // where each group starts in entries_, then the end
    std::size_t word_count_ = 0;
    static constexpr std::uint32_t kGroupBits = 14;
    /// The entry of a folded word, or nullptr.
    const Entry* find(std::string_view word) const;
    /// Whether some nominal rule of the entry's flags applies to word (it declines as a noun).
    bool declines_as_noun(std::string_view word, const Entry& entry) const;
    // Rules by the last byte of what they add (a Cyrillic letter's second byte is enough to
    // sort them); rules that add nothing are kept apart.
    std::unordered_map<unsigned char, std::vector<Rule>> rules_by_last_byte_;
    std::vector<Rule> rules_adding_nothing_;
    std::unordered_map<char, std::vector<const Rule*>> rules_by_flag_;
    std::size_t rule_total_ = 0;
};

/// Russian stemmer: dictionary lemma where the dictionary knows the word, izdeu's rules
/// otherwise. Works on lower-case UTF-8 with ё already folded to е, as the analyzer gives it.
class RussianStemmer : public Xapian::StemImplementation {
  public:
    explicit RussianStemmer(std::shared_ptr<const RussianDictionary> dictionary = nullptr);

    std::string operator()(const std::string& word) override;

    /// "russian-izdeu-N" (+ "+hunspell-W-R": the dictionary's word and rule counts); goes into
    /// the index fingerprint.
    std::string get_description() const override;

    /// The stem by izdeu's rules alone (surnames, then noun and adjective endings).
    static std::string rule_stem(std::string_view word);

  private:
    /// The stem among several lemmas: the chosen lemma, or a verb's root (see the .cpp).
    std::string choose(const std::vector<RussianDictionary::Lemma>& lemmas, const std::string& form);
    const RussianDictionary::Lemma& choose_lemma(const std::vector<RussianDictionary::Lemma>& lemmas,
                                                 const std::string& form);
    /// The lemma of a noun the dictionary knows whose paradigm lacks this form.
    std::optional<std::string> gap_lemma(const std::u32string& word) const;
    /// The stem of every form of a surname whose base (X + ов/ев/ин/ын) is given.
    std::string surname_stem(const std::string& base);

    std::shared_ptr<const RussianDictionary> dictionary_;
    Xapian::Stem snowball_;
};

}  // namespace izdeu
