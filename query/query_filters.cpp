#include "query_filters.h"

#include "errors.h"

namespace izdeu::query {

Node since_filter(const std::string& since, const ParseOptions& options) {
    const auto bad = [&] {
        return UsageError(
            "--since takes 7d, 2w, 3m, 1y (days, weeks, months, years ago), a date (YYYY-MM-DD, "
            "YYYY-MM, YYYY, DD.MM.YYYY) or a range FROM..TO, not '" +
            since + "'");
    };
    // Its errors name the value: a column would point into a query the user never typed.
    try {
        Node n = parse_query("date:" + since + (since.find("..") == std::string::npos ? ".." : ""), options);
        if (n.kind != NodeKind::DateRange) throw bad();
        return n;
    } catch (const ParseError&) {
        throw bad();
    } catch (const std::invalid_argument&) {
        throw bad();
    }
}

Node language_filter(const std::string& language, const ParseOptions& options) {
    const auto bad = [&] { return UsageError("lang takes en, ru, kk or und, not '" + language + "'"); };
    // Letters only, so that the value cannot add grammar of its own ("ru OR x").
    if (language.empty() || language.size() > 16 ||
        language.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
        throw bad();
    }
    try {
        Node n = parse_query("lang:" + language, options);
        if (n.kind != NodeKind::Field) throw bad();
        return n;
    } catch (const ParseError&) {
        throw bad();
    }
}

Node credit_filter(const std::string& credit, const ParseOptions& options) {
    // Inside a phrase every character is text, except the quote that would end it.
    std::string words = credit;
    for (char& c : words) {
        if (c == '"') c = ' ';
    }
    const auto bad = [&] { return UsageError("credit needs a word, not '" + credit + "'"); };
    if (words.find_first_not_of(" \t\r\n") == std::string::npos) throw bad();
    try {
        Node n = parse_query("credit:\"" + words + "\"", options);
        if (n.kind != NodeKind::Field) throw bad();
        return n;
    } catch (const ParseError&) {
        throw bad();
    }
}

void add_filter(BuiltQuery& query, const Xapian::Query& filter) {
    query.query = Xapian::Query(Xapian::Query::OP_FILTER, query.query, filter);
    if (!query.base.empty()) query.base = Xapian::Query(Xapian::Query::OP_FILTER, query.base, filter);
    // Also the articles with every word, which a spelling suggestion is compared on.
    if (!query.all_words.empty()) {
        query.all_words = Xapian::Query(Xapian::Query::OP_FILTER, query.all_words, filter);
    }
}

}  // namespace izdeu::query
