// izdeu-watch: a thin main over the watch library.
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "arrival_time.h"
#include "standard_streams.h"
#include "watch_cli.h"

namespace {

/// --send-with: the command through /bin/sh, the report on its stdin.
int run_command(const std::string& command, const std::string& input) {
    std::fflush(nullptr);
    FILE* pipe = ::popen(command.c_str(), "w");
    if (pipe == nullptr) return -1;
    const bool written = std::fwrite(input.data(), 1, input.size(), pipe) == input.size() && std::fflush(pipe) == 0;
    const int status = ::pclose(pipe);
    if (status < 0) return -1;
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    // A command that stopped reading early did not take the whole report.
    return code == 0 && !written ? 1 : code;
}

const char* first_set(const char* a, const char* b) {
    return a != nullptr && *a != '\0' ? a : b;
}

}  // namespace

int main(int argc, char** argv) {
    // Before anything opens a file: the state lock must never become descriptor 1.
    const izdeu::ClosedStandardStreams closed = izdeu::open_standard_streams();
    // A closed pipe must surface as a failed write (the marks stay), not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
    izdeu::watch::WatchCliContext context;
    context.env = {std::getenv("IZDEU_DB"), std::getenv("XDG_DATA_HOME"), std::getenv("HOME"),
                   std::getenv("XDG_CACHE_HOME")};
    context.xdg_config_home = std::getenv("XDG_CONFIG_HOME");
    context.xdg_state_home = std::getenv("XDG_STATE_HOME");
    context.user = first_set(std::getenv("LOGNAME"), std::getenv("USER"));
    // Without either (a bare `env -i`): the account itself.
    if (context.user == nullptr || *context.user == '\0') {
        const passwd* account = ::getpwuid(::geteuid());
        if (account != nullptr) context.user = account->pw_name;
    }
    context.now = izdeu::arrival::now_microseconds();
    const std::time_t now = static_cast<std::time_t>(context.now / 1000000);
    std::tm local{};
    localtime_r(&now, &local);
    context.today_year = local.tm_year + 1900;
    context.today_month = local.tm_mon + 1;
    context.today_day = local.tm_mday;
    context.stdout_closed = closed.output;
    context.pid = static_cast<long>(::getpid());
    char host[HOST_NAME_MAX + 1] = {};
    if (::gethostname(host, sizeof host - 1) == 0) context.hostname = host;
    context.run_command = run_command;
    std::vector<std::string> args(argv + 1, argv + argc);
    const int code = izdeu::watch::run_watch_cli(args, std::cout, std::cerr, context);
    std::cout.flush();
    return code;
}
