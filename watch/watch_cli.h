#pragma once
// The izdeu-watch command line: options in, exit code out. main() adds the environment, the
// clock and the way to run a --send-with command, so tests call run_watch_cli() directly.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "database_location.h"

namespace izdeu::watch {

/// Exit codes of izdeu-watch (documented in --help, the man page and the README).
enum WatchExit : int {
    kWatchNews = 0,
    kWatchNothingNew = 1,
    kWatchUsage = 2,    ///< bad option, watches file, watch name or watch query
    kWatchFailure = 3,  ///< the index, the state file or the output failed; no mark moved
    kWatchLocked = 75,  ///< another run held the state lock past --lock-timeout
};

struct WatchCliContext {
    EnvironmentView env;
    const char* xdg_config_home = nullptr;  ///< $XDG_CONFIG_HOME
    const char* xdg_state_home = nullptr;   ///< $XDG_STATE_HOME
    const char* user = nullptr;             ///< $LOGNAME, $USER or the account: default mail recipient and From
    int today_year = 2024, today_month = 1, today_day = 1;
    std::int64_t now = 0;  ///< microseconds since the epoch
    long pid = 0;
    bool stdout_closed = false;  ///< started with descriptor 1 closed: a report there would be lost
    std::string hostname;        ///< in the Message-ID and the default From
    /// Runs a shell command with `input` on its stdin; returns its exit status (128+N when a
    /// signal N ended it), or -1 when it could not be started.
    std::function<int(const std::string& command, const std::string& input)> run_command;
};

int run_watch_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                  const WatchCliContext& context);

}  // namespace izdeu::watch
