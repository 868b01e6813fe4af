#include "snippet.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <unordered_set>

namespace izdeu {

namespace {

struct Hit {
    std::uint32_t start, end;
    std::string key;  // which query word it matched, for counting distinct words
};

// Number of code points between two byte offsets (the window is measured in characters).
std::size_t char_count(std::string_view text, std::size_t from, std::size_t to) {
    std::size_t n = 0;
    for (std::size_t i = from; i < to && i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++n;
    }
    return n;
}

// Moves a byte offset back to the start of a UTF-8 character.
std::size_t char_start(std::string_view text, std::size_t i) {
    while (i > 0 && i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
    return i;
}

/// A HighlightWord with a quick test in front of its sets: which (length, first and last byte)
/// classes its forms fall in. Most of a text's tokens are in none, and are passed over without
/// copying and hashing each of their forms (a tenth of a snippet's time). The answers are the
/// sets' own: a form that is in a set is in one of its classes.
class WantedForms {
  public:
    explicit WantedForms(const HighlightWord& word) : word_(&word) {
        for (const auto* forms : {&word.terms, &word.stems, &word.name_keys, &word.capitalised_stems}) {
            for (const std::string& form : *forms) mark(form);
        }
    }

    /// make_snippet's rule before keyboard folding: the token's term, else its stem, else its
    /// reading in the other script, is wanted; `key` is set to the form that is.
    bool matched(const Token& t, std::string& key) const {
        if (may_hold(t.term) && word_->terms.count(key.assign(t.term))) return true;
        if (may_hold(t.stem) && word_->stems.count(key.assign(t.stem))) return true;
        if (t.capitalised && may_hold(t.stem) && word_->capitalised_stems.count(key.assign(t.stem))) return true;
        if (!may_hold(t.cyrillic) && !may_hold(t.name_key) && !may_hold(t.stem_name_key)) return false;
        return word_->in_other_script(t, key);
    }

    /// The same, then a Kazakh token's keyboard-folded term or stem (Kazakh typed on a Russian
    /// keyboard); `key` is set to the form that is wanted.
    bool matched_or_folded(const Token& t, std::string& key) const {
        if (matched(t, key)) return true;
        if (!t.kazakh || word_->folded.empty()) return false;
        key = Analyzer::keyboard_fold(t.term);
        if (word_->folded.count(key)) return true;
        key = Analyzer::keyboard_fold(t.stem);
        return word_->folded.count(key) > 0;
    }

  private:
    static std::size_t class_of(std::string_view form) {
        const auto first = static_cast<unsigned char>(form.front()), last = static_cast<unsigned char>(form.back());
        return (std::min<std::size_t>(form.size(), 63) << 6) | ((first * 31u + last) & 63u);
    }
    void mark(std::string_view form) {
        if (!form.empty()) classes_[class_of(form) >> 6] |= std::uint64_t{1} << (class_of(form) & 63);
    }
    bool may_hold(std::string_view form) const {
        return !form.empty() && ((classes_[class_of(form) >> 6] >> (class_of(form) & 63)) & 1) != 0;
    }

    const HighlightWord* word_;
    std::array<std::uint64_t, 64> classes_{};
};

// Whether a Cyrillic word of the text could match one of these words only through its stem:
// some wanted form is not ASCII, or a name key (the key of a Cyrillic word is its stem's).
bool needs_cyrillic_stems(const HighlightWord& word) {
    auto non_ascii = [](const std::unordered_set<std::string>& forms) {
        return std::any_of(forms.begin(), forms.end(), [](const std::string& form) {
            return std::any_of(form.begin(), form.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
        });
    };
    return !word.name_keys.empty() || non_ascii(word.terms) || non_ascii(word.stems) || non_ascii(word.folded) ||
           non_ascii(word.capitalised_stems);
}

bool needs_cyrillic_stems(const HighlightSet& wanted) {
    if (needs_cyrillic_stems(static_cast<const HighlightWord&>(wanted))) return true;
    for (const WordGroup& group : wanted.groups) {
        for (const HighlightWord& word : group.words) {
            if (needs_cyrillic_stems(word)) return true;
        }
    }
    return false;
}

// The first letters of the forms the query wants (and the keyboard folds of Cyrillic ones), for
// Analyzer::set_stem_initials, and whether a name key is wanted, whose match goes through a
// capitalised word's consonant skeleton rather than its first letter: then every capitalised
// word is stemmed too. (Before, a name key stemmed every word of the text: a Russian query with a
// word the index mostly writes capitalised took 25 ms in a new process instead of 18.) (A word
// of the text that starts with anything but a-z or a Cyrillic letter is always stemmed:
// Analyzer::set_stem_initials.)
struct StemmedWords {
    std::vector<std::string> initials;
    bool capitalised = false;
};

StemmedWords stemmed_words_for(const HighlightSet& wanted) {
    StemmedWords out;
    std::vector<std::string>& initials = out.initials;
    auto add = [&](const HighlightWord& word) {
        out.capitalised = out.capitalised || !word.name_keys.empty();
        for (const auto* forms : {&word.terms, &word.stems, &word.folded, &word.capitalised_stems}) {
            for (const std::string& form : *forms) {
                if (form.empty()) continue;
                if (form[0] >= 'a' && form[0] <= 'z') {
                    const std::string letter(1, form[0]);
                    if (std::find(initials.begin(), initials.end(), letter) == initials.end())
                        initials.push_back(letter);
                    continue;
                }
                if (form.size() < 2 || static_cast<unsigned char>(form[0]) < 0xC0) continue;
                const std::string_view initial = std::string_view(form).substr(0, 2);
                for (std::string letter : {std::string(initial), Analyzer::keyboard_fold(initial)}) {
                    if (std::find(initials.begin(), initials.end(), letter) == initials.end())
                        initials.push_back(std::move(letter));
                }
            }
        }
    };
    add(wanted);
    for (const WordGroup& group : wanted.groups) {
        for (const HighlightWord& word : group.words) add(word);
    }
    return out;
}

// Cyrillic words go unstemmed while a snippet for a query that cannot use their stems is made:
// an English query then never reads the Russian dictionary (25 ms in a new process) for the
// Russian articles among its hits.
class CyrillicStemmingFor {
  public:
    CyrillicStemmingFor(Analyzer& analyzer, const HighlightSet& wanted) : analyzer_(analyzer) {
        analyzer_.set_cyrillic_stemming(needs_cyrillic_stems(wanted));
        StemmedWords stemmed = stemmed_words_for(wanted);
        analyzer_.set_stem_initials(std::move(stemmed.initials), stemmed.capitalised);
    }
    ~CyrillicStemmingFor() {
        analyzer_.set_cyrillic_stemming(true);
        analyzer_.set_stem_initials({});
    }
    CyrillicStemmingFor(const CyrillicStemmingFor&) = delete;
    CyrillicStemmingFor& operator=(const CyrillicStemmingFor&) = delete;

  private:
    Analyzer& analyzer_;
};

struct Window {
    std::size_t distinct = 0, count = 0, first_hit = 0;
};

// Best window: the most distinct matched words, then the most hits, then the earliest.
Window best_window(std::string_view text, const std::vector<Hit>& hits, std::size_t target_chars) {
    Window best;
    for (std::size_t i = 0; i < hits.size(); ++i) {
        std::set<std::string_view> distinct;
        std::size_t count = 0;
        for (std::size_t j = i; j < hits.size(); ++j) {
            if (char_count(text, hits[i].start, hits[j].end) > target_chars) break;
            distinct.insert(hits[j].key);
            ++count;
        }
        if (distinct.size() > best.distinct || (distinct.size() == best.distinct && count > best.count)) {
            best = {distinct.size(), count, i};
        }
    }
    return best;
}

}  // namespace

bool HighlightWord::in_other_script(const Token& t, std::string& key) const {
    if (!t.cyrillic.empty() && terms.count(key.assign(t.cyrillic))) return true;
    if (name_keys.empty()) return false;
    return (!t.name_key.empty() && name_keys.count(key.assign(t.name_key))) ||
           (!t.stem_name_key.empty() && name_keys.count(key.assign(t.stem_name_key)));
}

namespace {

/// Finds where the query's phrases and NEAR groups match, token by token: a phrase when its last
/// word arrives right after the others, a NEAR word when every other word of its group is close.
class GroupMatcher {
  public:
    explicit GroupMatcher(const std::vector<WordGroup>& groups) : groups_(groups) {
        for (const WordGroup& g : groups_) {
            if (g.window == 0) longest_phrase_ = std::max(longest_phrase_, g.words.size());
            wanted_.emplace_back();
            for (const HighlightWord& word : g.words) wanted_.back().emplace_back(word);
        }
    }

    /// Each token of the text in order (not the joined forms); phrase hits go to `hits`.
    void add(const Token& t, std::uint32_t start, std::uint32_t end, std::vector<Hit>& hits) {
        if (groups_.empty()) return;
        Recent token{t.position, start, end, {}};
        for (std::size_t g = 0; g < groups_.size(); ++g) {
            const WordGroup& group = groups_[g];
            std::vector<bool> matched(group.words.size());
            for (std::size_t w = 0; w < group.words.size(); ++w) matched[w] = wanted_[g][w].matched_or_folded(t, key_);
            if (group.window > 0) {
                for (std::size_t w = 0; w < matched.size(); ++w) {
                    if (matched[w] && near_candidates_.size() < kMaxNearCandidates)
                        near_candidates_.push_back({g, w, t.position, start, end});
                }
            } else if (!matched.empty() && matched.back() && phrase_ends_here(g, t.position)) {
                const std::size_t n = group.words.size();
                const std::uint32_t first =
                    n == 1 ? start : find(t.position - static_cast<std::uint32_t>(n - 1))->start;
                hits.push_back({first, end, "\x01phrase" + std::to_string(g)});
            }
            token.matched.push_back(std::move(matched));
        }
        recent_.push_back(std::move(token));
        if (recent_.size() > longest_phrase_) recent_.erase(recent_.begin());
    }

    /// The NEAR words that have every other word of their group close by.
    std::vector<Hit> near_hits() const {
        std::vector<Hit> out;
        for (const NearCandidate& c : near_candidates_) {
            const WordGroup& group = groups_[c.group];
            bool all_close = true;
            for (std::size_t w = 0; w < group.words.size() && all_close; ++w) {
                if (w == c.word) continue;
                all_close = std::any_of(near_candidates_.begin(), near_candidates_.end(), [&](const NearCandidate& o) {
                    const std::uint32_t distance =
                        o.position > c.position ? o.position - c.position : c.position - o.position;
                    return o.group == c.group && o.word == w && distance < group.window;
                });
            }
            if (all_close)
                out.push_back({c.start, c.end, "\x01near" + std::to_string(c.group) + "." + std::to_string(c.word)});
        }
        return out;
    }

    /// How many distinct keys the groups can give.
    std::size_t distinct_keys() const {
        std::size_t n = 0;
        for (const WordGroup& g : groups_) n += g.window > 0 ? g.words.size() : 1;
        return n;
    }

  private:
    struct Recent {
        std::uint32_t position, start, end;
        std::vector<std::vector<bool>> matched;  // per group, per word
    };
    struct NearCandidate {
        std::size_t group, word;
        std::uint32_t position, start, end;
    };
    /// A long text with a common word in a NEAR query: enough to find the close pairs.
    static constexpr std::size_t kMaxNearCandidates = 2000;

    const Recent* find(std::uint32_t position) const {
        for (const Recent& r : recent_) {
            if (r.position == position) return &r;
        }
        return nullptr;
    }

    // The phrase's earlier words at the positions just before (the current token is not yet in
    // recent_).
    bool phrase_ends_here(std::size_t g, std::uint32_t position) const {
        const std::size_t n = groups_[g].words.size();
        if (position < n) return false;
        for (std::size_t w = 0; w + 1 < n; ++w) {
            const Recent* r = find(position - static_cast<std::uint32_t>(n - 1 - w));
            if (r == nullptr || !r->matched[g][w]) return false;
        }
        return true;
    }

    const std::vector<WordGroup>& groups_;
    std::vector<std::vector<WantedForms>> wanted_;  // each group's words, as groups_
    std::string key_;                               // the form a word matched (unused here)
    std::size_t longest_phrase_ = 0;
    std::vector<Recent> recent_;
    std::vector<NearCandidate> near_candidates_;
};

}  // namespace

Snippet make_snippet(std::string_view text, Language language, const HighlightSet& wanted, Analyzer& analyzer,
                     std::size_t target_chars) {
    const CyrillicStemmingFor stemming(analyzer, wanted);
    std::vector<Hit> hits;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> words;  // every token, for boundaries
    GroupMatcher groups(wanted.groups);
    const WantedForms wanted_forms(wanted);
    const std::size_t wanted_keys = wanted.terms.size() + groups.distinct_keys();
    // The hits so far with the NEAR words that qualify, in text order.
    auto all_hits = [&] {
        std::vector<Hit> all = hits;
        std::vector<Hit> near = groups.near_hits();
        all.insert(all.end(), near.begin(), near.end());
        std::stable_sort(all.begin(), all.end(), [](const Hit& a, const Hit& b) { return a.start < b.start; });
        return all;
    };
    // The text is analyzed a piece at a time, and no further than the first passage with every
    // query word: once the pieces analyzed hold a window with every word, the best window among
    // them is the passage, and the text is analyzed only as far as that passage can reach (4
    // bytes a character past its first hit). The rest of a long article was analyzed for
    // nothing; and pieces of 4 KB, or a whole piece more for the passage's end, analyzed up to
    // twice what the passage needed (a third of a JSON query's snippet time) and let a later
    // passage with one more repeat of a word win over the first one with every word.
    const std::size_t piece_bytes = std::max<std::size_t>(1024, 4 * target_chars);
    std::string key;
    std::set<std::string> keys_seen;  // the distinct keys of `hits`
    // Where the chosen passage's first hit starts, once a window holds every word.
    std::optional<std::size_t> chosen;
    // Positions run on across pieces, so a phrase split by a piece boundary still matches.
    std::uint32_t next_position = 1;
    for (std::size_t piece_start = 0; piece_start < text.size();) {
        std::size_t piece_end = std::min(text.size(), piece_start + piece_bytes);
        if (chosen) piece_end = std::min(piece_end, *chosen + 4 * target_chars);
        // Cut at white space: no token crosses it, and it never sits inside a UTF-8 character.
        while (piece_end < text.size() && text[piece_end] != ' ' && text[piece_end] != '\n') ++piece_end;
        const std::size_t hits_before = hits.size();
        const auto offset = static_cast<std::uint32_t>(piece_start);
        const auto on_token = [&](const Token& t) {
            if (!t.alternative) {
                words.emplace_back(offset + t.start, offset + t.end);
                groups.add(t, offset + t.start, offset + t.end, hits);
            }
            // A joined form (egovernment) highlights the whole hyphenated span.
            if (wanted_forms.matched_or_folded(t, key)) hits.push_back({offset + t.start, offset + t.end, key});
        };
        const AnalysisStats stats =
            analyzer.analyze(text.substr(piece_start, piece_end - piece_start), language, next_position, on_token);
        next_position = std::max(next_position, stats.next_position);
        piece_start = piece_end;
        if (chosen) break;
        for (std::size_t h = hits_before; h < hits.size(); ++h) keys_seen.insert(hits[h].key);
        // No window holds every word before every word has been seen: the window search (over
        // all hits so far, after every 1 KB piece) waits until then. Phrase and NEAR groups find
        // their hits at the end, so with groups it runs every time.
        if (!wanted.groups.empty() || (hits.size() > hits_before && keys_seen.size() >= wanted_keys)) {
            const std::vector<Hit> so_far = all_hits();
            if (const Window w = best_window(text, so_far, target_chars); w.distinct >= wanted_keys) {
                chosen = so_far[w.first_hit].start;
                if (*chosen + 4 * target_chars <= piece_end) break;  // the passage is analyzed already
            }
        }
    }
    hits = all_hits();

    Window best;
    if (chosen) {
        best.first_hit = static_cast<std::size_t>(
            std::find_if(hits.begin(), hits.end(), [&](const Hit& h) { return h.start == *chosen; }) - hits.begin());
    } else {
        best = best_window(text, hits, target_chars);
    }
    const std::size_t best_first_hit = best.first_hit;
    std::size_t begin = 0;
    if (!hits.empty()) {
        // Start a little before the first hit, at a word start, so the hit has some context.
        const std::size_t anchor = hits[best_first_hit].start;
        begin = anchor;
        std::size_t lead = 0;
        for (auto it = words.rbegin(); it != words.rend(); ++it) {
            if (it->first >= anchor) continue;
            if (char_count(text, it->first, anchor) > target_chars / 4) break;
            begin = it->first;
            if (++lead >= 8) break;
        }
        // Prefer to start at a sentence start when one is close before.
        for (std::size_t k = begin; k > 0 && char_count(text, k, begin) < 40; --k) {
            if (text[k - 1] == '\n' || (k >= 2 && text[k - 1] == ' ' && text[k - 2] == '.')) {
                begin = k;
                break;
            }
        }
    }
    // End: the last whole word that keeps the passage within the target length.
    std::size_t end = begin;
    for (const auto& [ws, we] : words) {
        if (ws < begin) continue;
        if (char_count(text, begin, we) > target_chars) break;
        end = we;
    }
    if (end == begin) end = char_start(text, std::min(text.size(), begin + target_chars * 2));
    // Include closing punctuation right after the last word (a period, a guillemet).
    while (end < text.size()) {
        if (std::string_view(".,;:!?)\"'").find(text[end]) != std::string_view::npos) {
            ++end;
        } else if (text.substr(end, 2) == "\xC2\xBB") {  // »
            end += 2;
        } else {
            break;
        }
    }

    Snippet snippet;
    const bool cut_front = begin > 0;
    const bool cut_back = end < text.size();
    if (cut_front) snippet.text = "…";
    // One line: runs of whitespace (paragraph breaks) become one space; highlight offsets are
    // mapped through the same copy.
    std::vector<std::size_t> new_offset(end - begin + 1, 0);
    bool in_space = false;
    for (std::size_t i = begin; i < end; ++i) {
        new_offset[i - begin] = snippet.text.size();
        const char c = text[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            if (!in_space) snippet.text += ' ';
            in_space = true;
        } else {
            snippet.text += c;
            in_space = false;
        }
    }
    new_offset[end - begin] = snippet.text.size();
    for (const Hit& h : hits) {
        if (h.start >= begin && h.end <= end) {
            snippet.highlights.emplace_back(new_offset[h.start - begin], new_offset[h.end - begin]);
        }
    }
    // Overlapping highlights (a joined form over its parts) merge into one.
    std::sort(snippet.highlights.begin(), snippet.highlights.end());
    std::vector<std::pair<std::size_t, std::size_t>> merged;
    for (const auto& h : snippet.highlights) {
        if (!merged.empty() && h.first <= merged.back().second) {
            merged.back().second = std::max(merged.back().second, h.second);
        } else {
            merged.push_back(h);
        }
    }
    snippet.highlights = std::move(merged);
    if (cut_back) snippet.text += "…";
    return snippet;
}

std::string mark_snippet(const Snippet& snippet, std::string_view open, std::string_view close) {
    std::string out;
    std::size_t at = 0;
    for (const auto& [s, e] : snippet.highlights) {
        out.append(snippet.text, at, s - at);
        out.append(open);
        out.append(snippet.text, s, e - s);
        out.append(close);
        at = e;
    }
    out.append(snippet.text, at, std::string::npos);
    return out;
}

}  // namespace izdeu

namespace izdeu {

std::vector<std::pair<std::size_t, std::size_t>> highlight_text(std::string_view text, Language language,
                                                                const HighlightSet& wanted, Analyzer& analyzer) {
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    if (wanted.empty()) return spans;
    const CyrillicStemmingFor stemming(analyzer, wanted);
    std::string key;
    // The same rule as make_snippet's: a token is marked when its term or its stem is wanted, or
    // (a Kazakh word) its keyboard-folded form; a phrase's or NEAR's words where they match
    // together. (Only the first part was here: an article page marked no phrase and nothing
    // typed on a Russian keyboard.)
    const WantedForms wanted_forms(wanted);
    GroupMatcher groups(wanted.groups);
    std::vector<Hit> hits;
    analyzer.analyze(text, language, 1, [&](const Token& t) {
        if (!t.alternative) groups.add(t, t.start, t.end, hits);
        if (wanted_forms.matched_or_folded(t, key)) hits.push_back({t.start, t.end, key});
    });
    for (const Hit& h : groups.near_hits()) hits.push_back(h);
    for (const Hit& h : hits) spans.emplace_back(h.start, h.end);
    std::sort(spans.begin(), spans.end());
    std::vector<std::pair<std::size_t, std::size_t>> merged;
    for (const auto& s : spans) {
        if (!merged.empty() && s.first <= merged.back().second) {
            merged.back().second = std::max(merged.back().second, s.second);
        } else {
            merged.push_back(s);
        }
    }
    return merged;
}

}  // namespace izdeu
