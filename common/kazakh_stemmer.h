#pragma once
// A light, rule-based Kazakh stemmer: inflectional endings are removed from the right in the
// order of the grammar (personal -> case -> possessive -> plural -> verb form), each ending
// accepted only where vowel harmony and consonant assimilation allow it. An optional word list
// (Debian's hunspell-kk dictionary) picks the best of the successive stems. See the .cpp for the
// rules and what they deliberately leave alone.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

namespace izdeu {

/// Kazakh word list used to choose between candidate stems; optional.
class KazakhLexicon {
  public:
    /// Where Debian's hunspell-kk package puts its dictionary.
    static constexpr const char* kDefaultPath = "/usr/share/hunspell/kk_KZ.dic";

    /// Reads a hunspell .dic (count line, then word/FLAGS) or a plain one-word-a-line list;
    /// nullptr if the file is missing, unreadable or holds no word. Never throws.
    static std::shared_ptr<const KazakhLexicon> load(const std::string& path);

    /// Builds a lexicon from words in memory, lower-cased like load() does.
    static std::shared_ptr<const KazakhLexicon> from_words(const std::vector<std::string>& words);

    /// True when the (lower-case UTF-8) word is in the list.
    bool contains(std::string_view word) const;

    /// Number of distinct words.
    std::size_t size() const { return words_.size(); }

  private:
    explicit KazakhLexicon(std::vector<std::string> words);

    std::vector<std::string> words_;  // sorted, unique, lower-case
};

/// Light rule-based Kazakh suffix stripper.
class KazakhStemmer : public Xapian::StemImplementation {
  public:
    explicit KazakhStemmer(std::shared_ptr<const KazakhLexicon> lexicon = nullptr);

    /// The stem of a lower-cased UTF-8 word; the word itself when no rule applies.
    std::string operator()(const std::string& word) override;

    /// "kazakh-light-N" (+ "+lexicon"); goes into the index fingerprint.
    std::string get_description() const override;

    /// The word, each successive rule stem and each step's runner-up reading (no lexicon).
    static std::vector<std::string> candidates(const std::string& word);

  private:
    std::shared_ptr<const KazakhLexicon> lexicon_;
};

}  // namespace izdeu
