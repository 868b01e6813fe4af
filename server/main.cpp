// izdeu-serve: a thin main over the server library.
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "serve_cli.h"
#include "standard_streams.h"

namespace {

// Set by SIGTERM/SIGINT; the server polls it and stops after the requests in flight.
std::atomic<bool> stop_requested = false;

extern "C" void request_stop(int) {
    stop_requested.store(true);
}

izdeu::serve::Today local_today() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return {local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

}  // namespace

int main(int argc, char** argv) {
    // Before anything opens a file: the index files and sockets it opens must never become descriptor 1 or 2,
    // where printing would write into them.
    izdeu::open_standard_streams();
    // A client that goes away mid-answer must not kill the server.
    std::signal(SIGPIPE, SIG_IGN);
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    izdeu::serve::ServeCliContext context;
    context.env = {std::getenv("IZDEU_DB"), std::getenv("XDG_DATA_HOME"), std::getenv("HOME"),
                   std::getenv("XDG_CACHE_HOME")};
    context.today = local_today;
    context.stop_requested = &stop_requested;
    std::vector<std::string> args(argv + 1, argv + argc);
    return izdeu::serve::run_serve_cli(args, std::cout, std::cerr, context);
}
