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
    ///
    /// With a cache_dir, the word list as read (folded, grouped by hash) is kept there in a file
    /// named by the .dic's and .aff's sizes and modification times, and a later process reads
    /// that instead of the .dic: 2-3 ms instead of about 25 (the rules are read from the .aff
    /// each time). A cache that is missing, unwritable, stale or damaged is never an error:
    /// the .dic is read as without one.
    static std::shared_ptr<const RussianDictionary> open(const std::string& path, const std::string& cache_dir = {});

    /// Whether the word list came from the cache (read the files first; tests).
    bool read_from_cache() const {
        ensure_loaded();
        return read_from_cache_;
    }

    /// Builds a dictionary from the texts of an .aff and a .dic (tests).
    static std::shared_ptr<const RussianDictionary> from_text(std::string_view aff, std::string_view dic);

    ~RussianDictionary();
    RussianDictionary(const RussianDictionary&) = delete;
    RussianDictionary& operator=(const RussianDictionary&) = delete;

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
    void parse_rules(std::string_view aff);
    bool parse_words(std::string dic);
    /// Maps the word list from the cache file, if it is whole and made by this build.
    bool load_cache(const std::string& path);
    /// Writes the word list to the cache file (a temporary file renamed into place).
    void save_cache(const std::string& path) const;
    /// Removes, beside a cache just written, the same dictionary's older caches and any left
    /// untouched for 90 days.
    static void remove_stale_caches(const std::string& path);
    void ensure_loaded() const;

    std::string dic_path_, aff_path_, identity_;
    std::string cache_path_;  ///< empty: no cache
    bool read_from_cache_ = false;
    mutable std::once_flag loaded_;
    static bool condition_holds(const Rule& rule, std::string_view base);

    // One record per .dic word, also the cache file's record (so a mapped file is used as it
    // is). The word and its flags are offsets into the .dic's text (its words folded in place:
    // folding keeps their length) or into the extra text (the rare words folding resizes, the
    // flags of a word listed twice).
    struct Entry {
        std::uint32_t word_at = 0, word_size = 0;  // size 0: merged into another entry
        std::uint32_t flags_at = 0, flags_size = 0;
        std::uint32_t hash = 0;  // the word's, to skip most comparisons
        std::uint8_t word_in_extra = 0, flags_in_extra = 0;
        std::uint8_t proper = 1;  // no lower-case spelling seen
        std::uint8_t unused = 0;
    };
    static_assert(sizeof(Entry) == 24);
    std::string_view word_of(const Entry& e) const;
    std::string_view flags_of(const Entry& e) const;
    void use_words(const char* text, std::size_t text_size, const char* extra, std::size_t extra_size,
                   const Entry* entries, std::size_t entry_count, const std::uint32_t* group_starts);

    // The entries lie grouped by their hash, each group a few entries long, so a lookup compares
    // a handful and loading is three passes over an array. Reading them into an unordered_map
    // (a node, one or two allocations and a random access each) was 50-70 ms of a Russian query
    // in a new process; parsing the .dic this way is 25 ms, mapping the cache file 1-2.
    std::string dic_text_, extra_text_;  // parsed here (not used when the cache is mapped)
    std::vector<Entry> entry_store_;     // by group
    std::vector<std::uint32_t> group_store_;
    void* mapping_ = nullptr;  // the mapped cache file, if it was read
    std::size_t mapping_size_ = 0;
    // What lookups read: the parsed word list above, or the mapped one.
    const char* text_ = nullptr;
    std::size_t text_size_ = 0;
    const char* extra_ = nullptr;
    std::size_t extra_size_ = 0;
    const Entry* entries_ = nullptr;
    std::size_t entry_count_ = 0;
    const std::uint32_t* group_starts_ = nullptr;  // where each group starts in entries_, then the end
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
    /// The lemma a noun's own dictionary form is read as (политика: политик), so that the noun's
    /// forms of its own meet those it shares; the lemma itself otherwise.
    RussianDictionary::Lemma as_cited(const RussianDictionary::Lemma& lemma);
    /// The stem of a chosen lemma: a verb's root, a plural entry's or a neuter's shared stem.
    std::string stem_of(const RussianDictionary::Lemma& lemma) const;
    /// The lemma of a noun the dictionary knows whose paradigm lacks this form; a genitive
    /// plural without ending only when the dictionary lists the form (listed).
    std::optional<RussianDictionary::Lemma> gap_lemma(const std::u32string& word, bool listed) const;
    /// The lemmas with an instrumental listed as an entry (кражей) read as its noun (кража).
    std::vector<RussianDictionary::Lemma> instrumentals_as_forms(std::vector<RussianDictionary::Lemma> lemmas) const;
    /// The stem of every form of a surname whose base (X + ов/ев/ин/ын) is given.
    std::string surname_stem(const std::string& base);

    std::shared_ptr<const RussianDictionary> dictionary_;
    Xapian::Stem snowball_;
};

}  // namespace izdeu
