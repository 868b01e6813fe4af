#pragma once
// The izdeu-index command line: options in, exit code out. main() only adds the process
// environment and signal handling, so tests call run_indexer_cli() directly.

#include <atomic>
#include <iosfwd>
#include <string>
#include <vector>

#include "database_location.h"

namespace izdeu {

/// Exit codes of izdeu-index (documented in --help, the man page and the README).
enum IndexExit : int {
    kIndexOk = 0,
    kIndexSomeFailed = 1,
    kIndexUsage = 2,
    kIndexDatabaseError = 3,
    kIndexLocked = 75,
};

struct CliContext {
    EnvironmentView env;
    bool stderr_is_terminal = false;
    const std::atomic<bool>* stop_requested = nullptr;
    const std::atomic<int>* stop_signal = nullptr;  ///< which signal asked to stop
};

int run_indexer_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                    const CliContext& context);

}  // namespace izdeu
