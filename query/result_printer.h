#pragma once
// One printer interface, three back ends: text for people, JSON lines for scripts, TREC runs
// for evaluation.

#include <iosfwd>
#include <memory>
#include <string>

#include "searcher.h"

namespace izdeu::query {

enum class OutputFormat { Text, Json, Trec };

class ResultPrinter {
public:
    virtual ~ResultPrinter() = default;
    /// Prints the hits of one query; query_id is used by TREC runs.
    virtual void print(const SearchResult& result, const std::string& query_id) = 0;
    /// Prints a match count (--count).
    virtual void print_count(Xapian::doccount count, const std::string& query_id) = 0;
};

std::unique_ptr<ResultPrinter> make_printer(OutputFormat format, std::ostream& out, bool color);

}  // namespace izdeu::query
