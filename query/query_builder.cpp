#include "query_builder.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <unordered_set>

#include <unicode/uchar.h>

#include "keyboard_spellings.h"
#include "schema.h"
#include "text_encoding.h"
#include "transliteration.h"
#include "utf8.h"

namespace izdeu::query {

namespace {

// The words of a parsed query, joined: what the user typed of them.
std::string text_of(const Node& node) {
    std::string text = node.text;
    for (const Node& child : node.children) {
        text += ' ';
        text += text_of(child);  // (" " + text_of(child) trips GCC 12's -Wrestrict at -O3)
    }
    return text;
}

// Why a query gave nothing to search for: bytes that are not UTF-8 (a terminal or script in
// another encoding) are dropped as no letter, which "punctuation" would not explain.
QueryError nothing_to_search(std::string_view typed) {
    if (!is_valid_utf8(typed)) {
        return QueryError("the query is not UTF-8 text (is the terminal or the script in another encoding?)");
    }
    return QueryError("the query has only stop words or punctuation");
}

using Q = Xapian::Query;

std::string prefixed(std::string_view prefix, std::string_view term) {
    std::string t(prefix);
    t += term;
    return t;
}

// Xapian treats an empty query as matching nothing; operands that analyzed to nothing
// (punctuation) are left out of the combination instead.
Q combine(Q::op op, const std::vector<Q>& parts) {
    std::vector<Q> kept;
    for (const Q& p : parts) {
        if (!p.empty()) kept.push_back(p);
    }
    if (kept.empty()) return Q();
    if (kept.size() == 1 && op != Q::OP_PHRASE && op != Q::OP_NEAR) return kept[0];
    return Q(op, kept.begin(), kept.end());
}

// A credit word and the credit words of the index that are its other spellings (same name key:
// Akorda, Акорда, Ақорда), so that credit:Akorda selects what the credit facet counts as one.
std::vector<std::string> credit_spellings(std::string_view word, const Xapian::Database* database) {
    std::vector<std::string> terms{prefixed(schema::kCreditPrefix, word)};
    const std::string key = name_key(word);
    if (database == nullptr || key.empty()) return terms;
    const std::string prefix(schema::kCreditPrefix);
    // Credits are a small vocabulary (one line per article, a few hundred distinct words).
    for (auto t = database->allterms_begin(prefix); t != database->allterms_end(prefix); ++t) {
        const std::string other = (*t).substr(prefix.size());
        if (other != word && name_key(other) == key) terms.push_back(*t);
    }
    return terms;
}

// Function words of the three languages: they carry little weight in BM25 anyway, but on long
// natural-language queries they add noise and cost. Dropped from bags of words only.
constexpr std::string_view kStopWords[] = {
    // English
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does",
    "doing", "down", "during", "each", "either", "else", "ever", "every", "few", "for", "from", "further", "had", "has",
    "have", "having", "he", "her", "here", "hers", "him", "his", "how", "however", "i", "if", "in", "into", "is", "it",
    "its", "itself", "just", "may", "me", "might", "more", "most", "much", "must", "my", "neither", "no", "nor", "not",
    "now", "of", "off", "on", "once", "only", "or", "other", "otherwise", "our", "out", "over", "own", "same", "shall",
    "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "those", "through", "thus", "to", "too", "under", "until", "up", "upon", "us", "very", "was", "we", "were",
    "what", "whatever", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why", "will", "with",
    "within", "without", "would", "yet", "you", "your",
    // Russian
    "а", "без", "бы", "был", "была", "были", "было", "быть", "в", "вам", "вас", "во", "вот", "все", "всех", "вы", "где",
    "да", "для", "до", "его", "ее", "если", "есть", "еще", "же", "за", "и", "из", "или", "им", "их", "к", "как",
    "какая", "какие", "каким", "каких", "какого", "какой", "когда", "кто", "ли", "между", "мне", "можно", "мы", "на",
    "над", "не", "него", "нее", "нет", "ни", "но", "о", "об", "он", "она", "они", "оно", "от", "по", "под", "при",
    "про", "с", "со", "так", "также", "то", "того", "тоже", "только", "у", "уже", "чем", "что", "чтобы", "эта", "эти",
    "это", "этого", "этот", "я", "который", "которая", "которое", "которые", "сколько", "чего", "чему", "каком",
    "какую",
    // Kazakh
    "және", "мен", "бен", "пен", "да", "де", "та", "те", "бұл", "сол", "осы", "үшін", "туралы", "ол", "олар", "қандай",
    "қай", "кім", "кімнің", "қашан", "қалай", "неше", "нешінші", "не", "неге", "нені", "ненің", "қанша", "ма", "ме",
    "ба", "бе", "па", "пе", "ғой", "ғана", "қана", "әрі", "немесе", "бірақ", "сондай", "мұнда", "онда", "ал", "еді",
    "екен", "болып", "деп"};

// Snippets highlight a phrase's or a NEAR's words only where they match together: the forms a
// word adds to out.highlight are taken aside for its group.
template <typename AddWord>
HighlightWord forms_added(BuiltQuery& out, AddWord&& add_word) {
    HighlightWord& lone = out.highlight;
    HighlightWord before = std::move(lone);
    lone = HighlightWord{};
    add_word();
    HighlightWord added = std::move(lone);
    lone = std::move(before);
    return added;
}

void merge_highlight(HighlightWord& into, HighlightWord&& from) {
    into.terms.merge(from.terms);
    into.stems.merge(from.stems);
    into.folded.merge(from.folded);
    into.name_keys.merge(from.name_keys);
    into.capitalised_stems.merge(from.capitalised_stems);
}

/// Two or more Latin capitals and nothing else: how the acronyms that spell a function word
/// (US, IT, WHO) are typed.
bool typed_in_capitals(std::string_view typed) {
    return typed.size() >= 2 && std::all_of(typed.begin(), typed.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

/// Whether a text has a lower-case letter (a query typed all in capitals shouts; its function
/// words are still function words).
bool has_lower_case(std::string_view text) {
    for (char32_t c : decode_utf32(text)) {
        if (u_islower(static_cast<UChar32>(c))) return true;
    }
    return false;
}

}  // namespace

Xapian::Query every_article() {
    // An empty term is Xapian's match-all; this query's internals belong to the caller alone.
    return Xapian::Query(0.0, Xapian::Query(std::string()));
}

bool is_stop_word(std::string_view term) {
    return std::find(std::begin(kStopWords), std::end(kStopWords), term) != std::end(kStopWords);
}

Q QueryBuilder::term_query(const Token& token, bool exact, std::string_view field, BuiltQuery& out) {
    const bool title = field == "title";
    const std::string_view surface_prefix = title ? schema::kTitlePrefix : std::string_view();
    const std::string_view stem_prefix = title ? schema::kTitleStemPrefix : schema::kStemPrefix;
    out.has_terms = true;
    if (token.script == Script::Cyrillic) ++out.cyrillic_words;
    if (token.script == Script::Latin) ++out.latin_words;
    std::vector<Q> forms{Q(prefixed(surface_prefix, token.term))};
    out.highlight.terms.emplace(token.term);
    if (!exact && !token.cyrillic.empty()) {
        // Latin-script Kazakh (Qazaqstannyń): its Cyrillic reading is the same word.
        forms.emplace_back(prefixed(surface_prefix, token.cyrillic));
        out.highlight.terms.emplace(token.cyrillic);
    }
    if (!exact) {
        for (const std::string& stem : analyzer_.query_stems(token)) {
            out.highlight.stems.insert(stem);
            // Inflected words in the index carry Z+stem; a word equal to its stem is only
            // written unprefixed, so the stem is looked up both ways.
            forms.emplace_back(prefixed(stem_prefix, stem));
            if (stem != token.term) forms.emplace_back(prefixed(surface_prefix, stem));
        }
    }
    return combine(Q::OP_OR, forms);
}

bool QueryBuilder::found_as_typed(const Q& forms) const {
    if (database_ == nullptr) return false;
    for (auto it = forms.get_terms_begin(); it != forms.get_terms_end(); ++it) {
        if (database_->term_exists(*it)) return true;
    }
    return false;
}

QueryBuilder::WordForms QueryBuilder::word_forms(const Token& t, bool exact, std::string_view field, BuiltQuery& out) {
    WordForms w;
    w.any_form = term_query(t, exact, field, out);
    std::vector<Q> leaf_queries;
    for (auto it = w.any_form.get_terms_begin(); it != w.any_form.get_terms_end(); ++it) {
        leaf_queries.emplace_back(*it);
    }
    // The same forms as OP_SYNONYM, which weighs them as one term.
    w.weighted = leaf_queries.size() > 1 ? Q(Q::OP_SYNONYM, leaf_queries.begin(), leaf_queries.end()) : w.any_form;
    w.positional = w.any_form;
    const bool may_be_folded =
        t.script == Script::Cyrillic && analyzer_.options().keyboard_folding && ranking_.keyboard_fold_weight > 0;
    if (may_be_folded && (exact || !field.empty())) {
        add_kazakh_spellings(t, exact, field, w, out);
    } else if (may_be_folded && (Analyzer::keyboard_fold(t.term) == t.term || !found_as_typed(w.any_form))) {
        // Kazakh typed on a Russian keyboard: the folded word and its stems, weighted below
        // the exact spellings. A word with a Kazakh letter that the index holds as typed was
        // typed on a Kazakh keyboard: its folded forms would only add near-misses (қан would
        // find кан). Without the index, or when it lacks the word (Казакстанның: ң typed,
        // қ and ә not), the folded forms are searched.
        std::vector<Q> folded{Q(prefixed(schema::kKeyboardFoldPrefix, Analyzer::keyboard_fold(t.term)))};
        out.highlight.folded.insert(Analyzer::keyboard_fold(t.term));
        for (const std::string& stem : analyzer_.query_stems(t)) {
            folded.emplace_back(prefixed(schema::kKeyboardFoldPrefix, Analyzer::keyboard_fold(stem)));
            out.highlight.folded.insert(Analyzer::keyboard_fold(stem));
        }
        w.weighted =
            Q(Q::OP_OR, w.weighted, Q(ranking_.keyboard_fold_weight, Q(Q::OP_SYNONYM, folded.begin(), folded.end())));
        // In phrases and NEAR each position is also its folded forms, which the index writes
        // with the Kazakh word's position.
        folded.insert(folded.begin(), w.any_form);
        w.positional = Q(Q::OP_OR, folded.begin(), folded.end());
    }
    if (!exact) add_kazakh_possessive_readings(t, field, w, out);
    if (!exact && !t.alternative) add_derived_names(t, field, w, out);
    if (!exact && field.empty() && !t.alternative && ranking_.translit) add_name_forms(t, w, out);
    return w;
}

void QueryBuilder::add_derived_names(const Token& t, std::string_view field, WordForms& w, BuiltQuery& out) {
    // Chinese finds China, российские finds России: the other words of the place's family, each
    // by its stem (every inflected form) and as a word equal to its stem, as term_query looks a
    // stem up. Not in phrases or NEAR (a phrase is its words as typed, in a row), and not in the
    // lead: a family word counted there lifted same-story neighbours (EVALUATION.md, ninth step).
    if (!ranking_.derived_names || (!field.empty() && field != "title")) return;
    const std::vector<Analyzer::DerivedName> names = analyzer_.derived_names(t);
    if (names.empty()) return;
    const bool title = field == "title";
    const std::string_view surface_prefix = title ? schema::kTitlePrefix : std::string_view();
    const std::string_view stem_prefix = title ? schema::kTitleStemPrefix : schema::kStemPrefix;
    std::unordered_set<std::string> seen(w.any_form.get_terms_begin(), w.any_form.get_terms_end());
    std::vector<Q> plain, ambiguous;
    for (const Analyzer::DerivedName& name : names) {
        std::vector<Q> forms;
        for (std::string term : {prefixed(stem_prefix, name.stem), prefixed(surface_prefix, name.stem)}) {
            if (seen.insert(term).second) forms.emplace_back(std::move(term));
        }
        if (forms.empty()) continue;
        if (!name.ambiguous) {
            out.highlight.stems.insert(name.stem);
            out.highlight.terms.insert(name.stem);
            plain.insert(plain.end(), forms.begin(), forms.end());
            continue;
        }
        // Marked in a snippet only where written capitalised, as it is found.
        out.highlight.capitalised_stems.insert(name.stem);
        // Turkey for Turkish: only in an article that also writes it capitalised inside a
        // sentence, where the index writes its name key (wdf 0: the key adds no weight).
        const char language = name.language == Language::English   ? schema::kNameKeyLatin
                              : name.language == Language::Russian ? schema::kNameKeyRussian
                                                                   : schema::kNameKeyKazakh;
        std::vector<Q> keys;
        for (const std::string& form : {name.word, name.stem}) {
            const std::string key = name_key(form);
            if (!key.empty()) keys.emplace_back(schema::name_key_term(language, key));
        }
        if (keys.empty()) continue;
        ambiguous.emplace_back(Q::OP_FILTER, Q(Q::OP_SYNONYM, forms.begin(), forms.end()),
                               Q(Q::OP_OR, keys.begin(), keys.end()));
    }
    std::vector<Q> parts;
    if (!plain.empty()) parts.emplace_back(Q::OP_SYNONYM, plain.begin(), plain.end());
    parts.insert(parts.end(), ambiguous.begin(), ambiguous.end());
    if (parts.empty()) return;
    // Below the word, as a name's other spellings are: an article that has the word itself gets
    // nothing more from its family, and one with only the family's words gets that share of
    // their weight (by default none: it is found, and ranked by the query's other words).
    const Q family(Q::OP_AND_NOT, combine(Q::OP_OR, parts), w.any_form);
    w.weighted = Q(Q::OP_OR, w.weighted, Q(ranking_.derived_name_weight, family));
}

void QueryBuilder::add_kazakh_possessive_readings(const Token& t, std::string_view field, WordForms& w,
                                                  BuiltQuery& out) {
    // The other reading of ауданы / аудан (Analyzer::kazakh_possessive_readings): found, in
    // phrases too, but weighing nothing, so that the ranking of what the word already found
    // stays as it was (the extra stem would change the word's frequencies as a synonym).
    if (!field.empty() && field != "title") return;
    const std::vector<std::string> readings = analyzer_.kazakh_possessive_readings(t);
    if (readings.empty()) return;
    const bool title = field == "title";
    const std::string_view surface_prefix = title ? schema::kTitlePrefix : std::string_view();
    const std::string_view stem_prefix = title ? schema::kTitleStemPrefix : schema::kStemPrefix;
    std::vector<Q> stems;
    for (const std::string& reading : readings) {
        // As term_query looks a stem up: a word equal to its stem (аудан) is written unprefixed.
        stems.emplace_back(prefixed(stem_prefix, reading));
        stems.emplace_back(prefixed(surface_prefix, reading));
        out.highlight.stems.insert(reading);
        out.highlight.terms.insert(reading);
    }
    const Q other(Q::OP_OR, stems.begin(), stems.end());
    w.weighted = Q(Q::OP_OR, w.weighted, Q(0.0, other));
    w.positional = Q(Q::OP_OR, w.positional, other);
}

bool QueryBuilder::typed_on_kazakh_keyboard(const Token& t) {
    if (Analyzer::keyboard_fold(t.term) == t.term) return false;
    // As word_forms decides for a bag of words: by the word's forms in the whole text, whatever
    // the field or exactness asked for.
    BuiltQuery ignored;
    return found_as_typed(term_query(t, false, "", ignored));
}

void QueryBuilder::add_kazakh_spellings(const Token& t, bool exact, std::string_view field, WordForms& w,
                                        BuiltQuery& out) {
    if (database_ == nullptr || typed_on_kazakh_keyboard(t)) return;
    // An exact word is what was typed: =Токаев, which Russian articles write, keeps to them. One
    // that no article has as typed can only be Kazakh typed on a Russian keyboard
    // (="Конституциялык сотка"), and is read as the Kazakh words it stands for.
    if (exact && database_->term_exists(std::string(t.term))) return;
    // The Kazakh words of the title, or the surface forms of an exact phrase, that fold to what
    // was typed: the index writes no folded twin of them (keyboard_spellings.h). Not exact: the
    // folded word and its stems meet the title's words and stems, as the XK terms do.
    const bool title = field == "title";
    std::vector<std::string_view> prefixes{title ? schema::kTitlePrefix : std::string_view()};
    if (!exact) prefixes.push_back(title ? schema::kTitleStemPrefix : schema::kStemPrefix);
    std::vector<std::string> folded{Analyzer::keyboard_fold(t.term)};
    if (!exact) {
        for (const std::string& stem : analyzer_.query_stems(t)) folded.push_back(Analyzer::keyboard_fold(stem));
    }
    std::unordered_set<std::string> seen(w.any_form.get_terms_begin(), w.any_form.get_terms_end());
    std::vector<Q> spellings;
    for (const std::string_view prefix : prefixes) {
        for (const std::string& form : folded) {
            for (std::string& term :
                 keyboard_spellings(*database_, prefix, form, false, limits_.max_keyboard_spellings).terms) {
                std::string word = term.substr(prefix.size());
                // Only Kazakh words, as the index folds only them: a word typed with a Kazakh
                // letter does not find a Russian look-alike of its fold.
                if (!Analyzer::has_kazakh_letter(word) || !seen.insert(term).second) continue;
                // Highlighted as the index has them: a title word as a word, a title stem as a stem.
                if (prefix == schema::kStemPrefix || prefix == schema::kTitleStemPrefix) {
                    out.highlight.stems.insert(std::move(word));
                } else {
                    out.highlight.terms.insert(std::move(word));
                }
                spellings.emplace_back(std::move(term));
            }
        }
    }
    if (spellings.empty()) return;
    w.weighted =
        Q(Q::OP_OR, w.weighted, Q(ranking_.keyboard_fold_weight, Q(Q::OP_SYNONYM, spellings.begin(), spellings.end())));
    spellings.insert(spellings.begin(), w.any_form);
    w.positional = Q(Q::OP_OR, spellings.begin(), spellings.end());
}

bool QueryBuilder::looks_like_name(const Token& t, const std::vector<std::string>& own_key_terms) const {
    if (t.capitalised) return true;
    if (database_ == nullptr) return false;
    // Typed in lower case: a name if the index writes the word capitalised (its key term, which
    // only capitalised words inside sentences get) in at least half the articles that have it.
    const std::string word(t.term);
    const Xapian::doccount with_word = database_->get_termfreq(word);
    Xapian::doccount as_name = 0;
    for (const std::string& term : own_key_terms) as_name = std::max(as_name, database_->get_termfreq(term));
    if (as_name == 0 || as_name * 2 < with_word) return false;
    if (with_word == 0) return true;  // only its key is here: nothing else to go by
    // The key is a consonant skeleton that other words share (deamon: Domain, Damon), so its own
    // count says little: count the articles that have the word and the key together.
    Xapian::Enquire both(*database_);
    both.set_weighting_scheme(Xapian::BoolWeight());
    both.set_query(Q(Q::OP_AND, Q(word), Q(Q::OP_OR, own_key_terms.begin(), own_key_terms.end())));
    const Xapian::MSet counted = both.get_mset(0, 0, with_word);  // exact: every match checked
    return counted.get_matches_lower_bound() * 2 >= with_word;
}

void QueryBuilder::add_name_forms(const Token& t, WordForms& w, BuiltQuery& out) {
    // The word's name key in the other scripts and languages, weighted below the exact
    // spellings: Tokayev finds Токаев and Тоқаев, Караганда finds Қарағанды. An article that
    // has the word itself gets nothing more from its key (a Kazakh article that writes Астана
    // must not outrank the Russian ones for the Russian query).
    // The index keys a Cyrillic word by its stem, which the query cannot know (Russian or Kazakh):
    // the keys of the word and of each of its stems.
    const bool kazakh = !t.cyrillic.empty() || (t.script == Script::Cyrillic && Analyzer::has_kazakh_letter(t.term));
    std::vector<std::string> word_keys;
    auto add_key = [&](std::string_view form) {
        std::string key = name_key(form);
        if (!key.empty() && std::find(word_keys.begin(), word_keys.end(), key) == word_keys.end()) {
            word_keys.push_back(std::move(key));
        }
    };
    add_key(t.cyrillic.empty() ? t.term : t.cyrillic);
    if (!t.cyrillic.empty()) {
        add_key(t.stem);  // the Kazakh stem of its Cyrillic reading
    } else if (t.script == Script::Cyrillic) {
        for (const std::string& stem : analyzer_.query_stems(t)) add_key(stem);
    }
    if (word_keys.empty()) return;
    const char own = kazakh                      ? schema::kNameKeyKazakh
                     : t.script == Script::Latin ? schema::kNameKeyLatin
                                                 : schema::kNameKeyRussian;
    std::vector<std::string> own_terms;
    for (const std::string& key : word_keys) own_terms.push_back(schema::name_key_term(own, key));
    if (!looks_like_name(t, own_terms)) return;
    // Its own language's keys would make the key a spelling corrector inside one language
    // (constitutionl, ranking changes), except for a Latin word with a q that is not English qu
    // before a vowel: a Kazakh spelling without accents (Aqmola, Halyq, Qunanbaev), whose
    // English spellings (Akmola, Halyk, Kunanbayev) are Latin too. (j, Kazakh ж, is too common in
    // English: subject, journal.)
    auto is_vowel = [](char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; };
    bool kazakh_latin_spelling = false;
    for (std::size_t q = t.term.find('q'); own == schema::kNameKeyLatin && q != std::string_view::npos;
         q = t.term.find('q', q + 1)) {
        const bool english_qu = q + 2 < t.term.size() && t.term[q + 1] == 'u' && is_vowel(t.term[q + 2]);
        kazakh_latin_spelling = kazakh_latin_spelling || !english_qu;
    }
    std::vector<Q> keys;
    for (const std::string& key : word_keys) {
        for (const char language : {schema::kNameKeyLatin, schema::kNameKeyRussian, schema::kNameKeyKazakh}) {
            if (language == own && !kazakh_latin_spelling) continue;
            keys.emplace_back(schema::name_key_term(language, key));
            out.highlight.name_keys.insert(schema::name_key_term(language, key));
        }
    }
    if (keys.empty()) return;
    const Q other_spellings(Q::OP_AND_NOT, Q(Q::OP_SYNONYM, keys.begin(), keys.end()), w.any_form);
    // The index writes keys with wdf 0 (document_builder.cpp): they match, and weigh nothing.
    w.weighted = Q(Q::OP_OR, w.weighted, other_spellings);
    keys.insert(keys.begin(), w.positional);
    w.positional = Q(Q::OP_OR, keys.begin(), keys.end());
}

Q QueryBuilder::text_query(std::string_view text, bool exact, bool phrase, std::string_view field, BuiltQuery& out) {
    std::vector<WordForms> positions;
    std::vector<HighlightWord> highlights;  // each position's forms: a phrase's words highlight together
    std::vector<Q> alternative_queries;
    analyzer_.analyze(text, Language::Undetermined, 1, [&](const Token& t) {
        if (t.alternative) {
            // A phrase matches its parts only: its joined form is no highlight either.
            HighlightWord joined =
                forms_added(out, [&] { alternative_queries.push_back(term_query(t, exact, field, out)); });
            if (!phrase) merge_highlight(out.highlight, std::move(joined));
            return;
        }
        highlights.push_back(forms_added(out, [&] { positions.push_back(word_forms(t, exact, field, out)); }));
    });
    if (highlights.size() == 1) merge_highlight(out.highlight, std::move(highlights[0]));
    if (highlights.size() > 1) out.highlight.groups.push_back({std::move(highlights), 0});
    if (positions.empty()) return Q();
    if (positions.size() == 1) return positions[0].weighted;
    std::vector<Q> parts;
    for (const WordForms& p : positions) parts.push_back(p.positional);
    Q sequence(Q::OP_PHRASE, parts.begin(), parts.end(), static_cast<Xapian::termcount>(parts.size()));
    if (phrase || alternative_queries.empty()) return sequence;
    // A hyphenated word: its parts as a phrase, or its joined form (e-government, egovernment).
    alternative_queries.insert(alternative_queries.begin(), sequence);
    return combine(Q::OP_OR, alternative_queries);
}

Q QueryBuilder::bag_of_words(const std::vector<std::string>& words, BuiltQuery& out) {
    // Every token is a word of the bag, also the parts of a word the analyzer splits
    // (Ex-Boeing, O'Driscoll/Gregan, semi-finals): as a phrase they would be required together,
    // and an article that names Boeing without "ex-" would not match that word at all. The
    // joined form of a hyphenated word (exboeing) is one more optional word, without weight.
    struct BagToken {
        Token token;
        std::string term, stem;  // the token's views point into the analyzer's buffers
        bool stop = false;
    };
    std::vector<BagToken> tokens;
    std::size_t stop_tokens = 0;
    // A function word typed in capitals among lower-case words is an acronym (US, IT, WHO), not
    // the pronoun: "Fed warns of more US rate rises".
    const bool lower_case_typed =
        std::any_of(words.begin(), words.end(), [](const std::string& w) { return has_lower_case(w); });
    for (const std::string& w : words) {
        analyzer_.analyze(w, Language::Undetermined, 1, [&](const Token& t) {
            const bool stop =
                is_stop_word(t.term) &&
                !(lower_case_typed && typed_in_capitals(std::string_view(w).substr(t.start, t.end - t.start)));
            tokens.push_back({t, std::string(t.term), std::string(t.stem), stop});
            if (!t.alternative && stop) ++stop_tokens;
        });
    }
    std::vector<Q> word_queries;  // one per content token
    std::vector<Q> positional;    // the same, as plain ORs of forms, for proximity boosts
    std::vector<Q> alternatives;  // joined forms of hyphenated words
    const bool only_stop_words =
        stop_tokens == static_cast<std::size_t>(std::count_if(tokens.begin(), tokens.end(),
                                                              [](const BagToken& b) { return !b.token.alternative; }));
    std::size_t dropped = 0;
    for (BagToken& b : tokens) {
        b.token.term = b.term;
        b.token.stem = b.stem;
        // Stop words are dropped from a bag of words (never from phrases), unless nothing else
        // is left ("The Who").
        if (ranking_.stop_words && !only_stop_words && b.stop) {
            if (!b.token.alternative) ++dropped;
            continue;
        }
        if (b.token.alternative) {
            // Matched but not weighed: an article with "spin-off" has spin, off and spinoff,
            // and a weighted joined form counted the word twice (measured: EVALUATION.md).
            alternatives.push_back(Q(0.0, word_forms(b.token, false, "", out).weighted));
            continue;
        }
        WordForms forms = word_forms(b.token, false, "", out);
        word_queries.push_back(forms.weighted);
        positional.push_back(forms.any_form);
        out.lead_words.emplace_back(forms.any_form.get_terms_begin(), forms.any_form.get_terms_end());
    }
    std::vector<Q> all = word_queries;
    all.insert(all.end(), alternatives.begin(), alternatives.end());
    Q base = combine(Q::OP_OR, all);
    if (base.empty()) return base;
    const std::size_t n = positional.size();
    if (n < 2 || n > ranking_.boost_max_words) return base;
    std::vector<Q> boosts;
    const auto window = static_cast<Xapian::termcount>(n + dropped);
    if (ranking_.phrase_boost > 0) {
        boosts.emplace_back(ranking_.phrase_boost, Q(Q::OP_PHRASE, positional.begin(), positional.end(), window));
    }
    if (ranking_.near_boost > 0) {
        boosts.emplace_back(ranking_.near_boost, Q(Q::OP_NEAR, positional.begin(), positional.end(),
                                                   static_cast<Xapian::termcount>(std::max<std::size_t>(2 * n, 8))));
    }
    // The articles with every word: what spelling suggestions are compared on, boosted or not.
    out.all_words = Q(Q::OP_AND, word_queries.begin(), word_queries.end());
    if (ranking_.all_words_boost > 0) boosts.emplace_back(ranking_.all_words_boost, out.all_words);
    if (boosts.empty()) return base;
    out.base = base;
    out.boosts = combine(Q::OP_OR, boosts);
    return Q(Q::OP_AND_MAYBE, base, out.boosts);
}

Q QueryBuilder::field_query(const Node& node, BuiltQuery& out, int depth) {
    const std::string& field = node.text;
    if (node.children.empty()) return Q();
    const Node& child = node.children[0];
    if (field == "title") return node_query(child, "title", out, depth + 1);

    // lang:, credit: and id: are filters: they match or not, and add no weight.
    auto leaf = [&](const Node& value) -> Q {
        if (field == "lang") {
            std::string code = value.text;
            for (char& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            Language language = language_from_code(code);
            if (language == Language::Undetermined && code != "und") {
                throw QueryError("unknown language '" + value.text + "' at column " + std::to_string(value.column) +
                                 " (use en, ru, kk or und)");
            }
            return Q(prefixed(schema::kLanguagePrefix, language_code(language)));
        }
        if (field == "credit") {
            std::vector<Q> terms;
            analyzer_.analyze(value.text, Language::Undetermined, 1, [&](const Token& t) {
                if (t.alternative) return;
                std::vector<std::string> spellings = ranking_.translit
                                                         ? credit_spellings(t.term, database_)
                                                         : std::vector{prefixed(schema::kCreditPrefix, t.term)};
                // A Kazakh credit typed on a Russian keyboard (credit:Денсаулык): its Kazakh
                // spellings, also with --no-translit, which is about other scripts, not keys.
                const std::string typed = prefixed(schema::kCreditPrefix, t.term);
                if (t.script == Script::Cyrillic && analyzer_.options().keyboard_folding &&
                    ranking_.keyboard_fold_weight > 0 && database_ != nullptr &&
                    (Analyzer::keyboard_fold(t.term) == t.term || !database_->term_exists(typed))) {
                    for (std::string& term :
                         keyboard_spellings(*database_, schema::kCreditPrefix, Analyzer::keyboard_fold(t.term), false,
                                            limits_.max_keyboard_spellings)
                             .terms) {
                        if (!Analyzer::has_kazakh_letter(std::string_view(term).substr(schema::kCreditPrefix.size())) ||
                            std::find(spellings.begin(), spellings.end(), term) != spellings.end())
                            continue;
                        spellings.push_back(std::move(term));
                    }
                }
                terms.emplace_back(Q::OP_OR, spellings.begin(), spellings.end());
            });
            if (terms.empty()) {
                throw QueryError("credit: needs a name at column " + std::to_string(value.column));
            }
            return combine(Q::OP_AND, terms);
        }
        if (field == "id") return Q(schema::id_term(value.text));
        throw QueryError("unknown field '" + field + "'");
    };
    std::function<Q(const Node&, int)> walk = [&](const Node& n, int d) -> Q {
        if (d > 200) throw QueryError("query nested too deeply");
        switch (n.kind) {
            case NodeKind::Word:
            case NodeKind::Phrase:
                return leaf(n);
            case NodeKind::And:
            case NodeKind::Or: {
                std::vector<Q> parts;
                for (const Node& c : n.children) parts.push_back(walk(c, d + 1));
                return combine(n.kind == NodeKind::And ? Q::OP_AND : Q::OP_OR, parts);
            }
            default:
                throw QueryError(field + ": takes a value or a group of values combined with AND/OR (column " +
                                 std::to_string(n.column) + ")");
        }
    };
    return Q(0.0, walk(child, depth + 1));
}

Q QueryBuilder::node_query(const Node& node, std::string_view field, BuiltQuery& out, int depth) {
    if (depth > 200) throw QueryError("query nested too deeply");
    switch (node.kind) {
        case NodeKind::Word:
            out.words.push_back(node.text);
            return text_query(node.text, false, false, field, out);
        case NodeKind::Phrase:
            return text_query(node.text, node.exact, true, field, out);
        case NodeKind::Wildcard: {
            std::string prefix;
            std::size_t count = 0;
            Script script = Script::Other;
            analyzer_.analyze(node.text, Language::Undetermined, 1, [&](const Token& t) {
                if (t.alternative) return;
                ++count;
                prefix = t.term;
                script = t.script;
            });
            const bool cyrillic = script == Script::Cyrillic;
            if (count != 1) {
                throw QueryError("wildcard '" + node.text + "*' at column " + std::to_string(node.column) +
                                 " must start with one word");
            }
            out.highlight.terms.insert(prefix);  // snippets highlight the prefix's own word
            // Counted as a word of its script, which decides the feedback (a Cyrillic wildcard
            // got the feedback meant for Latin queries, which ranked the Kazakh words it finds
            // through folding above the words it starts as typed).
            if (cyrillic) ++out.cyrillic_words;
            if (script == Script::Latin) ++out.latin_words;
            const std::string_view p = field == "title" ? schema::kTitlePrefix : std::string_view();
            const std::string pattern = prefixed(p, prefix);
            if (database_ == nullptr) {
                return Q(Q::OP_WILDCARD, pattern, limits_.max_wildcard_expansion, Q::WILDCARD_LIMIT_ERROR);
            }
            const auto too_many = [&] {
                return QueryError("wildcard '" + node.text + "*' at column " + std::to_string(node.column) +
                                  " matches more than " + std::to_string(limits_.max_wildcard_expansion) +
                                  " words; make the prefix longer");
            };
            std::vector<Q> words;
            for (auto t = database_->allterms_begin(pattern); t != database_->allterms_end(pattern); ++t) {
                if (words.size() >= limits_.max_wildcard_expansion) throw too_many();
                words.emplace_back(*t);
            }
            // A prefix typed on a Russian keyboard (казакст*) also expands to the Kazakh words
            // whose folded form it starts (қазақстан), below the words it starts as typed. A
            // prefix with a Kazakh letter that starts some word was typed on a Kazakh keyboard.
            const std::string folded_prefix = Analyzer::keyboard_fold(prefix);
            std::vector<Q> kazakh_words;
            if (cyrillic && analyzer_.options().keyboard_folding && ranking_.keyboard_fold_weight > 0 &&
                (folded_prefix == prefix || words.empty())) {
                // The walk finds the words as typed too (their letters are among its choices).
                KeyboardSpellings found =
                    keyboard_spellings(*database_, p, folded_prefix, true, limits_.max_wildcard_expansion + 1);
                for (std::string& term : found.terms) {
                    const std::string_view word = std::string_view(term).substr(p.size());
                    // Words as typed are there already; only Kazakh words are folded.
                    if (term.compare(0, pattern.size(), pattern) == 0 || !Analyzer::has_kazakh_letter(word)) continue;
                    // As for the typed prefix, a word that is the prefix itself is highlighted.
                    if (Analyzer::keyboard_fold(word) == folded_prefix) out.highlight.terms.emplace(word);
                    kazakh_words.emplace_back(std::move(term));
                }
                if (found.truncated || words.size() + kazakh_words.size() > limits_.max_wildcard_expansion) {
                    throw too_many();
                }
            }
            out.has_terms = true;
            // No such word: a term that never exists, so the query matches nothing (an empty
            // query would read as "only punctuation").
            if (words.empty() && kazakh_words.empty()) return Q(std::string(schema::kIdPrefix) + "\x01none");
            if (kazakh_words.empty()) return Q(Q::OP_SYNONYM, words.begin(), words.end());
            const Q folded(ranking_.keyboard_fold_weight, Q(Q::OP_SYNONYM, kazakh_words.begin(), kazakh_words.end()));
            if (words.empty()) return folded;
            return Q(Q::OP_OR, Q(Q::OP_SYNONYM, words.begin(), words.end()), folded);
        }
        case NodeKind::And:
        case NodeKind::Or: {
            std::vector<Q> parts;
            for (const Node& c : node.children) parts.push_back(node_query(c, field, out, depth + 1));
            return combine(node.kind == NodeKind::And ? Q::OP_AND : Q::OP_OR, parts);
        }
        case NodeKind::AndNot: {
            if (node.children.empty()) return Q();
            Q left = node_query(node.children[0], field, out, depth + 1);
            std::vector<Q> excluded;
            BuiltQuery ignored;  // excluded words are not highlighted
            for (std::size_t i = 1; i < node.children.size(); ++i) {
                excluded.push_back(node_query(node.children[i], field, ignored, depth + 1));
            }
            Q right = combine(Q::OP_OR, excluded);
            if (left.empty()) return Q();
            if (right.empty()) return left;
            return Q(Q::OP_AND_NOT, left, right);
        }
        case NodeKind::AndMaybe: {
            if (node.children.size() < 2) {
                return node.children.empty() ? Q() : node_query(node.children[0], field, out, depth + 1);
            }
            Q required = node_query(node.children[0], field, out, depth + 1);
            Q optional = node_query(node.children[1], field, out, depth + 1);
            if (required.empty()) return optional;
            if (optional.empty()) return required;
            return Q(Q::OP_AND_MAYBE, required, optional);
        }
        case NodeKind::Near: {
            // Xapian's NEAR takes only terms (or ORs of terms): a phrase operand is spread
            // into its words, and the phrase itself is required beside it.
            std::vector<Q> operands, phrases;
            std::vector<HighlightWord> near_words;  // highlighted only where they are near each other
            Xapian::termcount extra = 0;
            for (const Node& c : node.children) {
                std::vector<Q> words;
                analyzer_.analyze(c.text, Language::Undetermined, 1, [&](const Token& t) {
                    if (t.alternative) return;
                    near_words.push_back(
                        forms_added(out, [&] { words.push_back(word_forms(t, c.exact, field, out).positional); }));
                });
                if (words.empty()) continue;
                if (words.size() > 1) {
                    phrases.emplace_back(
                        0.0, Q(Q::OP_PHRASE, words.begin(), words.end(), static_cast<Xapian::termcount>(words.size())));
                    extra += static_cast<Xapian::termcount>(words.size() - 1);
                }
                operands.insert(operands.end(), words.begin(), words.end());
            }
            if (near_words.size() == 1) merge_highlight(out.highlight, std::move(near_words[0]));
            if (operands.size() < 2) return combine(Q::OP_OR, operands);
            out.highlight.groups.push_back({std::move(near_words), node.window + extra});
            Q near(Q::OP_NEAR, operands.begin(), operands.end(), node.window + extra);
            phrases.insert(phrases.begin(), near);
            return combine(Q::OP_AND, phrases);
        }
        case NodeKind::Field:
            return field_query(node, out, depth);
        case NodeKind::DateRange: {
            const std::string from = node.from.empty() ? "" : node.from + "0000";
            const std::string to = node.to.empty() ? "" : node.to + "2359";
            if (from.empty() && to.empty()) return every_article();
            if (from.empty()) return Q(Q::OP_VALUE_LE, schema::kSlotDate, to);
            if (to.empty()) return Q(Q::OP_VALUE_GE, schema::kSlotDate, from);
            return Q(Q::OP_VALUE_RANGE, schema::kSlotDate, from, to);
        }
        case NodeKind::MatchAll:
            return every_article();
    }
    return Q();
}

BuiltQuery QueryBuilder::build(const Node& root) {
    BuiltQuery out;
    // A plain list of words gets the bag-of-words treatment: stop words and proximity boosts.
    std::vector<std::string> words;
    auto plain_words = [&](const Node& n) {
        if (n.kind == NodeKind::Word) {
            words.push_back(n.text);
            return true;
        }
        if (n.kind != NodeKind::Or) return false;
        for (const Node& c : n.children) {
            if (c.kind != NodeKind::Word) return false;
            words.push_back(c.text);
        }
        return true;
    };
    if (plain_words(root)) {
        out.words = words;
        out.query = bag_of_words(words, out);
    } else {
        out.query = node_query(root, "", out, 0);
    }
    if (out.query.empty()) throw nothing_to_search(text_of(root));
    return out;
}

BuiltQuery QueryBuilder::build_plain(std::string_view text) {
    // Split on whitespace only; the analyzer does the rest, as for a typed word.
    std::vector<std::string> words;
    std::string current;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!current.empty()) words.push_back(std::move(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) words.push_back(std::move(current));
    if (words.size() > 10000) throw QueryError("query has too many words (limit 10000)");
    BuiltQuery out;
    out.words = words;
    out.query = bag_of_words(words, out);
    if (out.query.empty()) throw nothing_to_search(text);
    return out;
}

}  // namespace izdeu::query
