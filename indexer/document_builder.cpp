#include "document_builder.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "lead_terms.h"
#include "schema.h"

namespace izdeu {

namespace {

std::string prefixed(std::string_view prefix, std::string_view term) {
    std::string t;
    t.reserve(prefix.size() + term.size());
    t.append(prefix);
    t.append(term);
    return t;
}

// Words worth suggesting: letters only and at least three bytes.
bool spelling_worthy(const Token& token) {
    return !token.alternative && token.term.size() >= 3 &&
           (token.script == Script::Latin || token.script == Script::Cyrillic) &&
           token.term.find_first_of("0123456789.'") == std::string_view::npos;
}

}  // namespace

BuiltDocument build_document(const Article& article, const std::string& source_file, Analyzer& analyzer) {
    BuiltDocument built;
    Xapian::Document& doc = built.document;

    Language language = language_from_code(article.language);
    if (language == Language::Undetermined) {
        language = Analyzer::detect_language(article.title + "\n" + article.body);
    }
    built.language = language;

    std::vector<std::string> words;
    // Duplicate key: the analyzed body, so spacing and punctuation differences do not matter.
    // Gathered in the same pass that writes the postings.
    std::string normalized_body;
    // Every positional posting goes through here, so that the lead slot holds each term that
    // has a position in the lead: the searcher's test of a query form against it is the same
    // as reading the form's first position.
    LeadTermsWriter lead;
    auto post = [&](std::string term, Xapian::termpos position, Xapian::termcount wdf) {
        lead.add(term, position);
        doc.add_posting(std::move(term), position, wdf);
    };
    auto add_text = [&](const std::string& text, std::uint32_t first_position, bool title) {
        const Xapian::termcount wdf = title ? schema::kTitleWdf : 1;
        AnalysisStats stats = analyzer.analyze(text, language, first_position, [&](const Token& t) {
            post(std::string(t.term), t.position, wdf);
            const bool stemmed = t.stem != t.term;
            if (stemmed) {
                std::string stem = prefixed(schema::kStemPrefix, t.stem);
                lead.add_stem(stem, schema::kStemPrefix.size(), t.position);
                doc.add_posting(std::move(stem), t.position, wdf);
            }
            if (title) {
                post(prefixed(schema::kTitlePrefix, t.term), t.position, 1);
                if (stemmed) post(prefixed(schema::kTitleStemPrefix, t.stem), t.position, 1);
            }
            if (!t.cyrillic.empty()) {
                // Latin-script Kazakh: its Cyrillic reading too, so either script finds it.
                post(std::string(t.cyrillic), t.position, wdf);
                if (title) post(prefixed(schema::kTitlePrefix, t.cyrillic), t.position, 1);
            }
            // Name keys with wdf 0 (positions kept): Xapian's document length is the sum of the
            // wdfs, and keys counted there made articles with many names longer for BM25, which
            // cost the English collections up to 0.007 nDCG@10 (EVALUATION.md). A key then
            // matches without weight of its own: an article found only through it ranks below
            // every spelling match, ordered by the query's other words.
            if (!t.name_key.empty()) post(std::string(t.name_key), t.position, 0);
            if (!t.stem_name_key.empty()) post(std::string(t.stem_name_key), t.position, 0);
            if (t.kazakh && analyzer.options().keyboard_folding) {
                // Both the word and its stem, folded: a folded query word is not a Kazakh word
                // any more, so the Kazakh stemmer may read it differently (казакстан).
                const std::string_view word = t.cyrillic.empty() ? t.term : t.cyrillic;
                std::string folded_stem = Analyzer::keyboard_fold(t.stem);
                std::string folded_word = Analyzer::keyboard_fold(word);
                // With positions: a folded word is found in phrases and NEAR too.
                if (folded_stem != t.stem) {
                    post(prefixed(schema::kKeyboardFoldPrefix, folded_stem), t.position, wdf);
                }
                if (folded_word != word && folded_word != folded_stem) {
                    post(prefixed(schema::kKeyboardFoldPrefix, folded_word), t.position, wdf);
                }
            }
            if (spelling_worthy(t)) words.emplace_back(t.term);
            if (!title && !t.alternative) {
                normalized_body.append(t.term);
                normalized_body += ' ';
            }
        });
        built.invalid_utf8 += stats.invalid_utf8;
        return stats.next_position;
    };
    std::uint32_t next = add_text(article.title, 1, true);
    add_text(article.body, next + schema::kTitleBodyGap, false);
    doc.add_value(schema::kSlotLeadTerms, lead.value());
    built.duplicate_key = schema::hex_hash64(normalized_body.empty() ? article.title : normalized_body);

    {
        // Fields joined by a byte no text holds, so moving words between fields is a change.
        std::string content = article.title;
        for (const std::string* field : {&article.body, &article.credit, &article.url}) {
            content += '\x1f';
            content += *field;
        }
        content += '\x1f';
        if (article.published) content += article.published->sortable();
        built.content_hash = schema::hex_hash64(content);
    }

    built.id_term = schema::id_term(article.id);
    doc.add_boolean_term(built.id_term);
    doc.add_boolean_term(schema::source_file_term(source_file));
    doc.add_boolean_term(prefixed(schema::kLanguagePrefix, language_code(language)));
    doc.add_boolean_term(schema::duplicate_term(built.duplicate_key));
    doc.add_value(schema::kSlotDuplicateKey, built.duplicate_key);
    if (article.published) {
        const std::string sortable = article.published->sortable();
        doc.add_boolean_term(prefixed(schema::kDayPrefix, sortable.substr(0, 8)));
        doc.add_boolean_term(prefixed(schema::kMonthPrefix, sortable.substr(0, 6)));
        doc.add_boolean_term(prefixed(schema::kYearPrefix, sortable.substr(0, 4)));
        doc.add_value(schema::kSlotDate, sortable);
    }
    if (!article.credit.empty()) {
        analyzer.analyze(article.credit, Language::Undetermined, 0,
                         [&](const Token& t) { doc.add_boolean_term(prefixed(schema::kCreditPrefix, t.term)); });
    }
    if (article.views) {
        doc.add_value(schema::kSlotViews, Xapian::sortable_serialise(static_cast<double>(*article.views)));
    }

    nlohmann::json data = {
        {"id", article.id},
        {"title", article.title},
        {"lang", std::string(language_code(language))},
    };
    if (article.published) data["date"] = article.published->iso();
    if (!article.credit.empty()) data["credit"] = article.credit;
    if (article.views) data["views"] = *article.views;
    if (!article.url.empty()) data["url"] = article.url;
    // Invalid UTF-8 was replaced by U+FFFD in the analyzer; the stored JSON must be valid too.
    doc.add_value(schema::kSlotHitFields, data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    data["text"] = article.body;
    doc.set_data(data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));

    // Each word once: the spelling data counts the articles a word is in.
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    built.spelling_words = std::move(words);
    return built;
}

}  // namespace izdeu
