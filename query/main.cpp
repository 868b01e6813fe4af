// izdeu-query: a thin main over the query library.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "query_cli.h"
#include "standard_streams.h"

int main(int argc, char** argv) {
    // Before anything opens a file: the index files it reads must never become descriptor 1 or 2,
    // where printing would write into them.
    izdeu::open_standard_streams();
    // A closed pipe (| head) must end the program quietly, not kill it with SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    izdeu::query::QueryCliContext context;
    context.env = {std::getenv("IZDEU_DB"), std::getenv("XDG_DATA_HOME"), std::getenv("HOME"),
                   std::getenv("XDG_CACHE_HOME")};
    context.stdout_is_terminal = isatty(STDOUT_FILENO) != 0;
    context.no_color = std::getenv("NO_COLOR");
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    context.today_year = local.tm_year + 1900;
    context.today_month = local.tm_mon + 1;
    context.today_day = local.tm_mday;
    std::vector<std::string> args(argv + 1, argv + argc);
    int code = izdeu::query::run_query_cli(args, std::cout, std::cerr, context);
    std::cout.flush();
    return code;
}
