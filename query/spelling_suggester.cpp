#include "spelling_suggester.h"

#include <algorithm>
#include <cstdint>
#include <exception>

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "query_builder.h"
#include "revision_reads.h"
#include "schema.h"
#include "utf8.h"

namespace izdeu::query {

namespace {

/// Byte offset of a 1-based column counted in code points.
std::size_t byte_of_column(std::string_view text, std::size_t column) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
        if (++seen == column) return i;
    }
    return text.size();
}

std::size_t code_points(std::string_view text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void collect(const Node& node, std::string_view text, std::vector<TypedWord>& out) {
    switch (node.kind) {
        case NodeKind::Word:
        case NodeKind::Phrase: {
            // The node starts at its column (a phrase at its quote or '='); its text follows as typed.
            const std::size_t at = text.find(node.text, byte_of_column(text, node.column));
            if (at != std::string_view::npos && !node.text.empty()) out.push_back({at, node.text.size()});
            return;
        }
        case NodeKind::And:
        case NodeKind::Or:
        case NodeKind::AndMaybe:
        case NodeKind::Near:
            for (const Node& child : node.children) collect(child, text, out);
            return;
        case NodeKind::AndNot:
            // Respelling an excluded word finds nothing more.
            if (!node.children.empty()) collect(node.children[0], text, out);
            return;
        case NodeKind::Field:
            if (node.text == "title") {
                for (const Node& child : node.children) collect(child, text, out);
            }
            return;
        case NodeKind::Wildcard:
        case NodeKind::DateRange:
        case NodeKind::MatchAll:
            return;
    }
}

/// The UTF-8 bytes of a word's first letter.
std::string_view first_letter(std::string_view word) {
    std::size_t end = 1;
    while (end < word.size() && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80) ++end;
    return word.substr(0, std::min(end, word.size()));
}

/// The suggested word written as the typed one was: Capitalized, UPPER or lower case.
std::string in_typed_case(std::string_view typed, const std::string& word) {
    const icu::UnicodeString was =
        icu::UnicodeString::fromUTF8(icu::StringPiece(typed.data(), static_cast<std::int32_t>(typed.size())));
    icu::UnicodeString now = icu::UnicodeString::fromUTF8(word);
    if (was.isEmpty() || !u_isupper(was.char32At(0))) return word;
    icu::UnicodeString upper = was;
    upper.toUpper(icu::Locale::getRoot());
    if (was.countChar32() > 1 && upper == was) {
        now.toUpper(icu::Locale::getRoot());
    } else {
        const UChar32 first = now.char32At(0);
        now.replace(0, U16_LENGTH(first), static_cast<UChar32>(u_toupper(first)));
    }
    std::string out;
    now.toUTF8String(out);
    return out;
}

/// A word of letters only: dotted acronyms, numbers and words with apostrophes are not
/// respelled (they rarely are typos, and their typed form would be lost).
bool respellable(const Token& token, std::string_view typed) {
    return !token.alternative && token.term.size() >= 3 &&
           (token.script == Script::Latin || token.script == Script::Cyrillic) &&
           typed.find_first_of("0123456789.'") == std::string_view::npos && !is_stop_word(token.term);
}

struct TypedToken {
    std::size_t start, end;  // bytes in the query text
    std::string term;
    std::vector<std::string> stems;
};

}  // namespace

std::vector<TypedWord> typed_words(const Node& root, std::string_view text) {
    std::vector<TypedWord> out;
    collect(root, text, out);
    // In the order typed (the tree may put a field or a required word first), each once.
    std::sort(out.begin(), out.end(), [](const TypedWord& a, const TypedWord& b) { return a.offset < b.offset; });
    out.erase(std::unique(
                  out.begin(), out.end(),
                  [](const TypedWord& kept, const TypedWord& next) { return next.offset < kept.offset + kept.length; }),
              out.end());
    return out;
}

std::vector<TypedWord> plain_words(std::string_view text) {
    std::vector<TypedWord> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
        const std::size_t start = i;
        while (i < text.size() && !(text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
        if (i > start) out.push_back({start, i - start});
    }
    return out;
}

Xapian::doccount SpellingSuggester::min_articles() const {
    // It depends on the archive only, never on how it was indexed.
    return schema::spelling_min_articles(database_.get_doccount());
}

std::vector<std::string> SpellingSuggester::query_forms(const std::string& term,
                                                        const std::vector<std::string>& stems) const {
    // As QueryBuilder::term_query and word_forms look a word up.
    std::vector<std::string> forms{term};
    for (const std::string& stem : stems) {
        forms.push_back(std::string(schema::kStemPrefix) + stem);
        forms.push_back(stem);
    }
    if (analyzer_.options().keyboard_folding) {
        // Kazakh typed on a Russian keyboard is found through the folded forms: not a typo.
        forms.push_back(std::string(schema::kKeyboardFoldPrefix) + Analyzer::keyboard_fold(term));
        for (const std::string& stem : stems)
            forms.push_back(std::string(schema::kKeyboardFoldPrefix) + Analyzer::keyboard_fold(stem));
    }
    return forms;
}

Xapian::doccount SpellingSuggester::articles_with(const std::vector<std::string>& forms) const {
    Xapian::doccount most = 0;
    for (const std::string& form : forms) most = std::max(most, database_.get_termfreq(form));
    return most;
}

bool SpellingSuggester::finds_every_article_of(const std::vector<std::string>& forms, const std::string& word) const {
    Xapian::Enquire enquire(database_);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query(word),
                                    Xapian::Query(Xapian::Query::OP_OR, forms.begin(), forms.end())));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    return enquire.get_mset(0, 1).empty();
}

std::string SpellingSuggester::in_typed_letters(std::string_view typed, std::string_view typed_term,
                                                const std::string& word) {
    // The typed letters, each with the one letter the analyzer makes of it (ū -> u, ё -> е); a
    // combining mark belongs to the letter before it.
    struct Letter {
        std::string typed;
        char32_t term_letter = 0;
    };
    std::vector<Letter> letters;
    for_each_code_point(typed, [&](char32_t c) {
        const auto type = u_charType(static_cast<UChar32>(c));
        const bool mark = type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_COMBINING_SPACING_MARK;
        if (letters.empty() || !mark) letters.emplace_back();
        append_utf8(letters.back().typed, c);
        return true;
    });
    std::u32string term_letters;
    for (Letter& letter : letters) {
        std::string term;
        std::size_t tokens = 0;
        analyzer_.analyze(letter.typed, Language::Undetermined, 1, [&](const Token& t) {
            term = t.term;
            ++tokens;
        });
        const std::u32string one = decode_utf32(term);
        if (tokens != 1 || one.size() != 1) return word;  // ß -> ss: not read letter by letter
        letter.term_letter = one[0];
        term_letters += one[0];
    }
    if (term_letters != decode_utf32(typed_term)) return word;
    // The suggestion aligned with the typed word by edit distance: where a letter is kept, it is
    // written as typed (qūtqaurşylar -> qūtqaruşylar, not qutqarusylar).
    const std::u32string wanted = decode_utf32(word);
    const std::size_t n = term_letters.size(), m = wanted.size();
    std::vector<std::vector<std::size_t>> edits(n + 1, std::vector<std::size_t>(m + 1));
    for (std::size_t i = 0; i <= n; ++i) edits[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) edits[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            edits[i][j] = std::min({edits[i - 1][j] + 1, edits[i][j - 1] + 1,
                                    edits[i - 1][j - 1] + (term_letters[i - 1] == wanted[j - 1] ? 0 : 1)});
        }
    }
    std::vector<const Letter*> kept(m, nullptr);
    for (std::size_t i = n, j = m; i > 0 && j > 0;) {
        if (term_letters[i - 1] == wanted[j - 1] && edits[i][j] == edits[i - 1][j - 1]) {
            kept[j - 1] = &letters[i - 1];
            --i, --j;
        } else if (edits[i][j] == edits[i - 1][j - 1] + 1) {
            --i, --j;
        } else if (edits[i][j] == edits[i - 1][j] + 1) {
            --i;
        } else {
            --j;
        }
    }
    std::string out;
    for (std::size_t j = 0; j < m; ++j) {
        if (kept[j] == nullptr) {
            append_utf8(out, wanted[j]);
        } else {
            out += kept[j]->typed;
        }
    }
    return out;
}

std::string SpellingSuggester::respell(std::string_view text, const std::vector<TypedWord>& words) {
    // A word is looked up in the spelling data when few articles have it (1 in 2,000; at least
    // 5): a word in more is what was meant, and the lookup (about a millisecond in the
    // benchmark's archive) is most of a suggestion's cost.
    const Xapian::doccount rare_below = std::max<Xapian::doccount>(5, database_.get_doccount() / 2000);
    const Xapian::doccount min_articles_now = min_articles();
    // How the index's spelling table writes words (schema::spelling_key, or as they are).
    const bool keys = database_.get_metadata(std::string(schema::kMetaSpellingKeys)) == "1";
    std::string out;
    std::size_t copied = 0;
    bool changed = false;
    for (const TypedWord& w : words) {
        const std::string_view word = text.substr(w.offset, w.length);
        std::vector<TypedToken> tokens;
        std::vector<Token> raw;  // stems are asked for after analysis: the analyzer is not re-entrant
        std::vector<std::string> terms, stems;
        analyzer_.analyze(word, Language::Undetermined, 1, [&](const Token& t) {
            const std::string_view typed = word.substr(t.start, t.end - t.start);
            if (!respellable(t, typed)) return;
            raw.push_back(t);
            terms.emplace_back(t.term);
            stems.emplace_back(t.stem);
        });
        for (std::size_t i = 0; i < raw.size(); ++i) {
            raw[i].term = terms[i];
            raw[i].stem = stems[i];
            tokens.push_back({w.offset + raw[i].start, w.offset + raw[i].end, terms[i], analyzer_.query_stems(raw[i])});
        }
        for (const TypedToken& t : tokens) {
            const std::vector<std::string> typed_forms = query_forms(t.term, t.stems);
            const Xapian::doccount typed_articles = articles_with(typed_forms);
            if (typed_articles >= rare_below) continue;
            // A word some article has as written is a word someone wrote: in a small archive a
            // real word (raw, news, institution, болмайды) is as rare as a typo that made it into
            // print (goverment), and ten times as many articles is no reason to respell it. Such a
            // word is respelled only as print's typos go: by one edit, not of its first letter,
            // in a word of 5 letters or more. Two edits, one in a short word, or a first letter
            // reach real words (law, new, constitution, болады - which reverses a negation -,
            // weather for leather).
            const bool written = database_.get_termfreq(t.term) > 0;
            const std::size_t letters = code_points(t.term);
            if (written && letters < 5) continue;
            const unsigned max_edits = written || letters <= 4 ? 1 : 2;
            const std::string better = keys ? schema::word_of_spelling_key(database_.get_spelling_suggestion(
                                                  schema::spelling_key(t.term), max_edits))
                                            : database_.get_spelling_suggestion(t.term, max_edits);
            if (better.empty() || better == t.term) continue;
            if (written && first_letter(better) != first_letter(t.term)) continue;
            // The suggestion must be one word, and one the typed word does not already find:
            // another form of the same word (courts for court, астане for Астана) finds nothing
            // more. Asked of the index, not of the stems: a Cyrillic word has a Russian and a
            // Kazakh stem, and a typo sharing the one the index does not hold for the suggestion
            // (столицыы: Russian столиц, the Kazakh stem of столицы, whose Russian article holds
            // столица) still finds nothing.
            std::vector<Token> suggested;
            std::string suggested_term, suggested_stem;
            analyzer_.analyze(better, Language::Undetermined, 1, [&](const Token& s) {
                suggested.push_back(s);
                suggested_term = s.term;
                suggested_stem = s.stem;
            });
            if (suggested.size() != 1 || is_stop_word(suggested_term) || suggested_term == t.term) continue;
            suggested[0].term = suggested_term;
            suggested[0].stem = suggested_stem;
            const Xapian::doccount suggested_articles =
                articles_with(query_forms(suggested_term, analyzer_.query_stems(suggested[0])));
            // In enough articles as written (the rule by which the indexer keeps spelling words,
            // so that an archive indexed before it kept them all suggests the same).
            if (database_.get_termfreq(suggested_term) < min_articles_now ||
                suggested_articles < kSuggestionGain * typed_articles || suggested_articles == 0 ||
                finds_every_article_of(typed_forms, suggested_term)) {
                continue;
            }
            out.append(text.substr(copied, t.start - copied));
            const std::string_view typed = text.substr(t.start, t.end - t.start);
            out += in_typed_case(typed, in_typed_letters(typed, t.term, suggested_term));
            copied = t.end;
            changed = true;
        }
    }
    if (!changed) return {};
    out.append(text.substr(copied));
    return out;
}

std::string helpful_suggestion(SpellingSuggester& suggester, std::string_view text, const std::vector<TypedWord>& words,
                               const std::function<Xapian::doccount()>& found, const ArticleCounter& count) {
    const std::string respelled = suggester.respell(text, words);
    if (respelled.empty()) return {};
    Xapian::doccount finds = 0;
    try {
        finds = count(respelled);
    } catch (const std::exception&) {
        return {};  // the respelled text does not parse or build: never shown
    }
    if (finds == 0) return {};
    // Counted only now: an exact count evaluates every match (a phrase's positions in each),
    // and most queries have no word worth respelling.
    const Xapian::doccount found_now = found();
    if (found_now > 0 && finds / kSuggestionGain < found_now) return {};
    return respelled;
}

std::string suggest_for(SpellingSuggester& suggester, Searcher& searcher, std::string_view text,
                        const std::optional<Node>& parsed, const BuiltQuery& built, const QueryRebuilder& rebuild) {
    // One misspelt word of three: the other two still find articles, but none with every word.
    auto articles_found = [&](const BuiltQuery& q) {
        BuiltQuery measure;
        measure.query = q.all_words.empty() ? q.query : q.all_words;
        return searcher.count(measure);
    };
    const std::vector<TypedWord> words = parsed ? typed_words(*parsed, text) : plain_words(text);
    try {
        return helpful_suggestion(
            suggester, text, words, [&] { return articles_found(built); },
            [&](const std::string& respelled) { return articles_found(rebuild(respelled)); });
    } catch (const Xapian::DatabaseError& e) {
        // The indexer committed meanwhile: the hits stand, the suggestion waits for the next query.
        if (!revision_was_discarded(e)) throw;
        return {};
    }
}

}  // namespace izdeu::query
