#pragma once
// The izdeu-serve command line: options in, exit code out; main() adds the process environment,
// the clock and the stop flag that SIGTERM/SIGINT set.

#include <atomic>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "database_location.h"
#include "search_api.h"

namespace izdeu::serve {

/// Exit codes of izdeu-serve (documented in --help and the man page).
enum ServeExit : int { kStopped = 0, kUsageError = 2, kCannotListen = 3 };

struct ServeCliContext {
    EnvironmentView env;
    std::function<Today()> today;                       ///< the local date, asked at each request
    const std::atomic<bool>* stop_requested = nullptr;  ///< set by SIGTERM/SIGINT
};

int run_serve_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                  const ServeCliContext& context);

}  // namespace izdeu::serve
