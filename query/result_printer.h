#pragma once
// One printer interface, three back ends: text for people, JSON lines for scripts, TREC runs
// for evaluation.

#include <iosfwd>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "searcher.h"

namespace izdeu::query {

enum class OutputFormat { Text, Json, Trec };

class ResultPrinter {
public:
    virtual ~ResultPrinter() = default;
    /// Prints the hits of one query and what it found (the suggestion; in JSON, a summary
    /// record); query_id names the query of a --batch.
    virtual void print(const SearchResult& result, const std::string& query_id, double elapsed_ms) = 0;
    /// Prints a match count (--count).
    virtual void print_count(Xapian::doccount count, const std::string& query_id) = 0;
};

/// The records of --format json besides the hits (hit_record.h): one per line, each with its
/// "type": {"type":"hit",...} for each hit, then one {"type":"summary",...} per query;
/// {"type":"count",...} for --count. "query" holds the id of a --batch query.
nlohmann::json summary_record(const SearchResult& result, const std::string& query_id, double elapsed_ms);
nlohmann::json count_record(Xapian::doccount count, const std::string& query_id);

std::unique_ptr<ResultPrinter> make_printer(OutputFormat format, std::ostream& out, bool color);

}  // namespace izdeu::query
