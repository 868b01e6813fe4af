// libFuzzer target: the query grammar, then the builder on what parses. A malformed query is a
// ParseError or a QueryError, never a crash.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "analyzer.h"
#include "query_builder.h"
#include "query_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static izdeu::Analyzer analyzer;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    izdeu::query::ParseOptions options;
    options.today_year = 2024;
    options.today_month = 2;
    options.today_day = 29;
    izdeu::query::QueryBuilder builder(analyzer, izdeu::query::RankingOptions{});
    try {
        const izdeu::query::Node root = izdeu::query::parse_query(text, options);
        izdeu::query::BuiltQuery built = builder.build(root);
        (void)built.query.get_description();
    } catch (const izdeu::query::ParseError&) {
    } catch (const izdeu::query::QueryError&) {
    }
    try {
        izdeu::query::BuiltQuery plain = builder.build_plain(text);
        (void)plain;
    } catch (const izdeu::query::QueryError&) {
    }
    return 0;
}
