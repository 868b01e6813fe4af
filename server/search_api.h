#pragma once
// The JSON API of izdeu-serve: request parameters in, a status and a JSON body out. It only
// adapts: parsing, building, searching, snippets and facets are the query library's, exactly as
// izdeu-query runs them. No HTTP here, so tests call it directly.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include "searcher_pool.h"

namespace izdeu::serve {

using Params = std::multimap<std::string, std::string>;

struct ApiResponse {
    int status = 200;
    std::string body;  ///< JSON
};

struct ApiLimits {
    std::size_t max_query_bytes = 4096;  ///< longer q is refused (400)
    std::size_t max_limit = 100;         ///< most hits one request may ask for
    std::size_t max_offset = 10000;      ///< paging deeper is refused (each page ranks offset+limit)
    double time_limit_seconds = 5;       ///< matching stops after this long (Xapian's time limit)
};

struct Today {
    int year = 2024, month = 1, day = 1;
};

class SearchApi {
  public:
    /// today() is asked at each request, for relative dates (7d, date:1m..).
    SearchApi(SearcherPool& pool, ApiLimits limits, std::function<Today()> today)
        : pool_(pool), limits_(limits), today_(std::move(today)) {}

    /// GET /api/search: q, limit, offset, sort, since, lang, credit, plain, collapse, snippets,
    /// facets, explain.
    ApiResponse search(const Params& params);
    /// GET /api/article: id, and q to mark the query's words.
    ApiResponse article(const Params& params);
    /// GET /api/health: the database, its number of articles, the last indexing run.
    ApiResponse health();

  private:
    SearcherPool& pool_;
    ApiLimits limits_;
    std::function<Today()> today_;
};

}  // namespace izdeu::serve
