#pragma once
// izdeu-query --batch: query-id<TAB>query lines in, each query's output out in the order of
// its line. With jobs > 1 the queries are answered by up to that many sessions side by side
// (each its own database handles and analyzer), so a batch uses the machine's cores while
// every query, and so every line of the output, stays what a single session gives.

#include <iosfwd>
#include <string>
#include <vector>

#include "query_session.h"

namespace izdeu::query {

struct BatchOutcome {
    bool any_hit = false;
    bool any_error = false;            ///< a malformed line or a query error, each reported
    std::vector<double> latencies_ms;  ///< per query, in-process, in the order of the lines
};

/// Runs the batch read from `in` (`name` is its file for messages). `first` answers queries;
/// with jobs > 1, up to jobs - 1 more sessions are opened, each only once a backlog of queries
/// waits for it (a batch of one query opens none). A query's results and messages are written
/// whole, in input order. Stops quietly once `out` fails (a closed pipe). A database failure
/// (Xapian::Error, DatabaseError) is rethrown after every thread has stopped, the lines before
/// it written. With `timings`, a single session's latency includes writing the answer out
/// (flushed); side by side, it is each query's time in its session.
BatchOutcome run_batch(std::istream& in, const std::string& name, const QuerySettings& settings, QuerySession& first,
                       unsigned jobs, bool timings, std::ostream& out, std::ostream& err);

}  // namespace izdeu::query
