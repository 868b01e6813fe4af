#pragma once
// Snippets: the best passage of the stored text around the matched words. The text is
// re-analyzed with the same analyzer, so stemmed matches (courts for court, судом for суд) are
// highlighted too, by their byte offsets.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "analyzer.h"

namespace izdeu {

/// The forms of one query word: surface terms and stems (as the analyzer writes them).
struct HighlightWord {
    std::unordered_set<std::string> terms;
    std::unordered_set<std::string> stems;
    /// Keyboard-folded forms (Kazakh typed on a Russian keyboard): a Kazakh word whose folded
    /// surface form or stem is here was found through them.
    std::unordered_set<std::string> folded;
    /// Name-key terms (schema::name_key_term): a word of the text with one of these keys is the
    /// same name in another script (Токаев for Tokayev).
    std::unordered_set<std::string> name_keys;
    /// Stems that count only where the text writes the word capitalised: a place's family word
    /// that is also a common word (Turkey for Turkish, not the bird turkey).
    std::unordered_set<std::string> capitalised_stems;
    bool empty() const {
        return terms.empty() && stems.empty() && folded.empty() && name_keys.empty() && capitalised_stems.empty();
    }
    /// Whether the token is one of these words in another script: a Latin-script Kazakh word by
    /// its Cyrillic reading, or a name by its key; key is set to what matched.
    bool in_other_script(const Token& token, std::string& key) const;
};

/// Words that match only together: a phrase (window 0: one after the other), or NEAR (each
/// word within `window` positions of the others).
struct WordGroup {
    std::vector<HighlightWord> words;
    unsigned window = 0;
};

/// What the query looks for: the words it asks for alone (the HighlightWord it derives from), and
/// its phrases and NEAR groups, whose words are highlighted only where they match together.
struct HighlightSet : HighlightWord {
    std::vector<WordGroup> groups;
    bool empty() const { return HighlightWord::empty() && groups.empty(); }
};

struct Snippet {
    std::string text;  ///< the passage, cut at word boundaries, with "…" where cut
    std::vector<std::pair<std::size_t, std::size_t>> highlights;  ///< byte ranges in text
};

/// Picks the passage of about target_chars characters with the most distinct matched words.
Snippet make_snippet(std::string_view text, Language language, const HighlightSet& wanted, Analyzer& analyzer,
                     std::size_t target_chars = 200);

/// The snippet with highlights wrapped in open/close markers.
std::string mark_snippet(const Snippet& snippet, std::string_view open, std::string_view close);

}  // namespace izdeu

namespace izdeu {

/// Every span of text where a word the query looks for occurs, as byte ranges [start, end) into
/// text, sorted and merged: for showing a whole article with the query's words marked.
std::vector<std::pair<std::size_t, std::size_t>> highlight_text(std::string_view text, Language language,
                                                                const HighlightSet& wanted, Analyzer& analyzer);

}  // namespace izdeu
