#pragma once
// The izdeu-query command line: options in, exit code out; main() adds only the process
// environment.

#include <iosfwd>
#include <string>
#include <vector>

#include "database_location.h"

namespace izdeu::query {

/// Exit codes of izdeu-query (documented in --help, the man page and the README).
enum QueryExit : int { kHits = 0, kNoHits = 1, kUsageOrQueryError = 2, kDatabaseError = 3 };

struct QueryCliContext {
    EnvironmentView env;
    bool stdout_is_terminal = false;
    const char* no_color = nullptr;  ///< $NO_COLOR
    int today_year = 2024, today_month = 1, today_day = 1;  ///< the clock, injected
};

int run_query_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                  const QueryCliContext& context);

}  // namespace izdeu::query
