#include "snippet.h"

#include <algorithm>
#include <set>

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

Snippet make_snippet(std::string_view text, Language language, const HighlightSet& wanted, Analyzer& analyzer,
                     std::size_t target_chars) {
    std::vector<Hit> hits;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> words;  // every token, for boundaries
    // The text is analyzed a piece at a time, and no further than a passage with every query
    // word (and one piece more, for the passage's end), which is then the passage chosen: the
    // rest of a long article was analyzed for nothing.
    constexpr std::size_t kPiece = 4096;
    std::string key;
    bool last_piece = false;
    for (std::size_t piece_start = 0; piece_start < text.size();) {
        std::size_t piece_end = std::min(text.size(), piece_start + kPiece);
        // Cut at white space: no token crosses it, and it never sits inside a UTF-8 character.
        while (piece_end < text.size() && text[piece_end] != ' ' && text[piece_end] != '\n') ++piece_end;
        const std::size_t hits_before = hits.size();
        const auto offset = static_cast<std::uint32_t>(piece_start);
        analyzer.analyze(text.substr(piece_start, piece_end - piece_start), language, 1, [&](const Token& t) {
            if (!t.alternative) words.emplace_back(offset + t.start, offset + t.end);
            key.assign(t.term);
            if (!wanted.terms.count(key)) {
                key.assign(t.stem);
                if (!wanted.stems.count(key)) {
                    if (!t.kazakh || wanted.folded.empty()) return;
                    key = Analyzer::keyboard_fold(t.term);
                    if (!wanted.folded.count(key)) {
                        key = Analyzer::keyboard_fold(t.stem);
                        if (!wanted.folded.count(key)) return;
                    }
                }
            }
            // A joined form (egovernment) highlights the whole hyphenated span.
            hits.push_back({offset + t.start, offset + t.end, key});
        });
        piece_start = piece_end;
        if (last_piece) break;
        if (hits.size() > hits_before && best_window(text, hits, target_chars).distinct >= wanted.terms.size()) {
            last_piece = true;
        }
    }

    const Window best = best_window(text, hits, target_chars);
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
    std::string key;
    // The same rule as make_snippet's: a token is marked when its term or its stem is wanted.
    analyzer.analyze(text, language, 1, [&](const Token& t) {
        key.assign(t.term);
        if (!wanted.terms.count(key)) {
            key.assign(t.stem);
            if (!wanted.stems.count(key)) return;
        }
        spans.emplace_back(t.start, t.end);
    });
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
