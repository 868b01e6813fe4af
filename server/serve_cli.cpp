#include "serve_cli.h"

#include <ostream>
#include <thread>

#include <xapian.h>
#include <boost/program_options.hpp>

#include "errors.h"
#include "http_server.h"
#include "number_option.h"
#include "version.h"

namespace izdeu::serve {

namespace po = boost::program_options;

namespace {

constexpr const char* kExitCodes =
    "Exit codes:\n"
    "  0  stopped by SIGTERM or SIGINT\n"
    "  2  usage error\n"
    "  3  cannot listen on the address\n";

/// HOST:PORT, [IPv6]:PORT or PORT alone (on 127.0.0.1).
void read_listen(const std::string& listen, ServerOptions& options) {
    const auto bad = [&] {
        return UsageError("--listen takes HOST:PORT (such as 127.0.0.1:8080), not '" + listen + "'");
    };
    std::string host = options.host, port = listen;
    if (const size_t colon = listen.rfind(':'); colon != std::string::npos) {
        host = listen.substr(0, colon);
        port = listen.substr(colon + 1);
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
        if (host.empty()) throw bad();
    }
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5) throw bad();
    options.host = host;
    options.port = static_cast<int>(parse_whole_number("--listen port", port, 0, 65535));
}

}  // namespace

int run_serve_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                  const ServeCliContext& context) {
    po::options_description visible(
        "Usage: izdeu-serve [OPTIONS]\n\n"
        "Serves an izdeu database: a search page at / and a JSON API at /api/search, /api/article\n"
        "and /api/health. Read-only; sees what izdeu-index commits without a restart.\n\nOptions");
    std::vector<std::string> dbs;
    std::string listen = "127.0.0.1:8080", lexicon;
    // clang-format off
    visible.add_options()
        ("help,h", "show this help")
        ("version", "show the version")
        ("db", po::value(&dbs)->composing(), "database folder or stub file; repeat to search several as one")
        ("listen", po::value(&listen), "HOST:PORT to listen on (default 127.0.0.1:8080; port 0: any free port)")
        ("threads", po::value<std::string>(), "requests served at once, 1 to 256 (default 8)")
        ("max-limit", po::value<std::string>(), "most hits one request may ask for, 1 to 1000 (default 100)")
        ("max-query-bytes", po::value<std::string>(), "longest query, 16 to 65536 bytes (default 4096)")
        ("time-limit", po::value<std::string>(), "seconds a query may spend matching, 0.01 to 60 (default 5)")
        ("kazakh-lexicon", po::value(&lexicon), "Kazakh word list, when not where izdeu-index found it")
        ("allow-partial", po::bool_switch(), "when a shard is down, answer from the others (with a warning)");
    // clang-format on
    ServerOptions server;
    ApiLimits limits;
    DatabaseConfig database;
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(visible).run(), vm);
        po::notify(vm);
        if (vm.count("help")) {
            out << visible << "\n" << kExitCodes;
            return kStopped;
        }
        if (vm.count("version")) {
            out << version_line("izdeu-serve");
            return kStopped;
        }
        read_listen(listen, server);
        auto text = [&](const char* name) -> const std::string* {
            return vm.count(name) ? &vm[name].as<std::string>() : nullptr;
        };
        if (auto t = text("threads")) server.threads = parse_whole_number("--threads", *t, 1, 256);
        if (auto t = text("max-limit")) limits.max_limit = parse_whole_number("--max-limit", *t, 1, 1000);
        if (auto t = text("max-query-bytes")) {
            limits.max_query_bytes = parse_whole_number("--max-query-bytes", *t, 16, 65536);
        }
        if (auto t = text("time-limit")) limits.time_limit_seconds = parse_decimal("--time-limit", *t, 0.01, 60);
    } catch (const po::error& e) {
        err << "izdeu-serve: " << e.what() << " (see --help)\n";
        return kUsageError;
    } catch (const UsageError& e) {
        err << "izdeu-serve: " << e.what() << " (see --help)\n";
        return kUsageError;
    }
    database.databases = dbs.empty() ? std::vector<std::string>{default_database_path(context.env)} : dbs;
    database.kazakh_lexicon = lexicon;
    database.allow_partial = vm["allow-partial"].as<bool>();
    database.cache_dir = default_cache_dir(context.env);

    SearcherPool pool(database, server.threads);
    SearchApi api(
        pool, limits, context.today ? context.today : [] { return Today(); });
    // A missing or incompatible database does not stop the server: it answers 503 with the
    // reason until the database is there (izdeu-index may be building it right now).
    {
        const ApiResponse health = api.health();
        if (health.status != 200)
            err << "izdeu-serve: warning: the database cannot be searched yet: " << health.body << "\n";
    }
    std::atomic<bool> never = false;
    try {
        run_http_server(server, api, context.stop_requested ? *context.stop_requested : never, err, [&](int port) {
            const bool v6 = server.host.find(':') != std::string::npos;
            err << "izdeu-serve: listening on http://" << (v6 ? "[" + server.host + "]" : server.host) << ":" << port
                << "/ (database " << database.databases.front() << ")\n"
                << std::flush;
        });
    } catch (const UsageError& e) {
        err << "izdeu-serve: " << e.what() << "\n";
        return kCannotListen;
    }
    err << "izdeu-serve: stopped\n";
    return kStopped;
}

}  // namespace izdeu::serve
