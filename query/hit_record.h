#pragma once
// One hit as a JSON object with the fields of `izdeu-query --format json` (rank, score, id,
// title, date, lang, credit, snippet, duplicates, highlights, url when known, explain with
// --explain), for programs that answer in JSON without the line-oriented printer.

#include <nlohmann/json.hpp>

#include "searcher.h"

namespace izdeu::query {

nlohmann::json hit_record(const Hit& hit);

}  // namespace izdeu::query
