// izdeu-index: a thin main over the indexer library.
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "indexer_cli.h"
#include "standard_streams.h"

namespace {

// The only process-wide state: a signal handler can reach nothing else.
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void request_stop(int signo) {
    g_signal = signo;
    g_stop = true;
}

}  // namespace

int main(int argc, char** argv) {
    // Before anything opens a file: its lock and index files must never become descriptor 1 or 2,
    // where printing would write into them.
    izdeu::open_standard_streams();
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);

    izdeu::CliContext context;
    context.env = {std::getenv("IZDEU_DB"), std::getenv("XDG_DATA_HOME"), std::getenv("HOME"),
                   std::getenv("XDG_CACHE_HOME")};
    context.stderr_is_terminal = isatty(STDERR_FILENO) != 0;
    context.stop_requested = &g_stop;
    context.stop_signal = &g_signal;
    std::vector<std::string> args(argv + 1, argv + argc);
    return izdeu::run_indexer_cli(args, std::cout, std::cerr, context);
}
