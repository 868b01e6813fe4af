#include "watch_cli.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <sstream>
#include <thread>

#include <xapian.h>
#include <boost/program_options.hpp>

#include "errors.h"
#include "number_option.h"
#include "watch_file.h"
#include "watch_printer.h"
#include "watch_runner.h"
#include "watch_state.h"
#include "version.h"

namespace izdeu::watch {

namespace po = boost::program_options;

namespace {

constexpr const char* kExitCodes =
    "Exit codes:\n"
    "  0   something new was reported (and the marks moved)\n"
    "  1   nothing new\n"
    "  2   usage error, a malformed watches file (FILE:LINE:COLUMN), an unknown watch name, or a\n"
    "      watch whose query does not parse (the other watches still ran)\n"
    "  3   the index, the state file or the output failed; no mark moved\n"
    "  75  another izdeu-watch run held the lock past --lock-timeout\n";

constexpr const char* kWatchesFile =
    "Watches file (one watch a line; indented lines set the watch above; # starts a comment, on a line of its\n"
    "own or after a space, outside a \"quoted phrase\"):\n"
    "  court = \"Constitutional Court\"   # the Astana desk\n"
    "  ombudsman = омбудсмен OR уполномоченный\n"
    "      limit = 50     # at most this many articles a run (default 20, at most 1000)\n"
    "      edits = yes    # an article edited since the last run is reported too (default no)\n";

bool set(const char* v) {
    return v != nullptr && *v != '\0';
}

std::string default_watches_path(const WatchCliContext& c) {
    if (set(c.xdg_config_home)) return std::string(c.xdg_config_home) + "/izdeu/watches";
    if (set(c.env.home)) return std::string(c.env.home) + "/.config/izdeu/watches";
    return ".izdeu/watches";
}

std::string default_state_path(const WatchCliContext& c) {
    if (set(c.xdg_state_home)) return std::string(c.xdg_state_home) + "/izdeu/watches.state";
    if (set(c.env.home)) return std::string(c.env.home) + "/.local/state/izdeu/watches.state";
    return ".izdeu/watches.state";
}

}  // namespace

int run_watch_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                  const WatchCliContext& context) {
    po::options_description visible(
        "Usage: izdeu-watch [OPTIONS] [NAME...]\n\n"
        "Runs saved searches (all, or the NAMEs given) and reports only the articles that arrived\n"
        "since each one last reported.\n\nOptions");
    std::string db, watches_path, state_path, format = "text", mail_from, send_with, lexicon;
    std::vector<std::string> mail_to, names;
    // clang-format off
    visible.add_options()
        ("help,h", "show this help")
        ("version", "show the version")
        ("db", po::value(&db), "the index (default: $IZDEU_DB, else $XDG_DATA_HOME/izdeu/db)")
        ("watches", po::value(&watches_path), "the watches file (default: $XDG_CONFIG_HOME/izdeu/watches, "
                                              "else ~/.config/izdeu/watches)")
        ("state", po::value(&state_path), "where the marks are kept (default: $XDG_STATE_HOME/izdeu/watches.state, "
                                          "else ~/.local/state/izdeu/watches.state)")
        ("format,f", po::value(&format), "text (a digest), json (one object a line) or mail (a message for "
                                         "sendmail -t)")
        ("mail-to", po::value(&mail_to)->composing(), "with --format mail: a recipient; repeat for several "
                                                      "(default: the user running it)")
        ("mail-from", po::value(&mail_from), "with --format mail: the From address (default: izdeu-watch "
                                             "<USER@HOST>, the user running it on this host)")
        ("send-with", po::value(&send_with), "give the report to this shell command's stdin instead of stdout, "
                                             "e.g. '/usr/sbin/sendmail -t'; run only when something is new, and "
                                             "the marks move only when it exits 0")
        ("no-mark", po::bool_switch(), "report, but leave the marks where they are (a preview)")
        ("lock-timeout", po::value<std::string>(), "seconds to wait for another run to finish (default 60)")
        ("kazakh-lexicon", po::value(&lexicon), "Kazakh word list, when not where izdeu-index found it");
    // clang-format on
    po::options_description hidden;
    double pause_before_mark = 0;
    hidden.add_options()("name", po::value(&names)->composing())(
        // Tests kill a run here: the report is out, the marks are not saved yet.
        "test-pause-before-mark", po::value(&pause_before_mark));
    po::options_description all;
    all.add(visible).add(hidden);
    po::positional_options_description positional;
    positional.add("name", -1);

    WatchFormat output = WatchFormat::Text;
    double lock_timeout = 60;
    bool no_mark = false;
    try {
        po::variables_map vm;
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
        po::notify(vm);
        if (vm.count("help")) {
            out << visible << "\n" << kWatchesFile << "\n" << kExitCodes;
            return kWatchNews;
        }
        if (vm.count("version")) {
            out << version_line("izdeu-watch");
            return kWatchNews;
        }
        if (format == "json")
            output = WatchFormat::Json;
        else if (format == "mail")
            output = WatchFormat::Mail;
        else if (format != "text")
            throw UsageError("--format takes text, json or mail");
        if (vm.count("lock-timeout")) {
            lock_timeout = parse_decimal("--lock-timeout", vm["lock-timeout"].as<std::string>(), 0, 86400);
        }
        no_mark = vm["no-mark"].as<bool>();
        if (output != WatchFormat::Mail && (!mail_to.empty() || !mail_from.empty())) {
            throw UsageError("--mail-to and --mail-from go with --format mail");
        }
        if (output == WatchFormat::Mail && mail_to.empty()) {
            if (!set(context.user))
                throw UsageError("--format mail needs --mail-to (no $LOGNAME or $USER to default to)");
            mail_to.push_back(context.user);
        }
        if (output == WatchFormat::Mail && mail_from.empty()) {
            // RFC 5322 requires a From: the message must be complete without the mail system's help.
            mail_from = std::string("izdeu-watch <") + (set(context.user) ? context.user : "izdeu") + "@" +
                        (context.hostname.empty() ? "localhost" : context.hostname) + ">";
        }
    } catch (const po::error& e) {
        err << "izdeu-watch: " << e.what() << " (see --help)\n";
        return kWatchUsage;
    } catch (const UsageError& e) {
        err << "izdeu-watch: " << e.what() << " (see --help)\n";
        return kWatchUsage;
    }
    if (context.stdout_closed && send_with.empty()) {
        // Written to /dev/null (main() put it in the closed descriptor's place), the report would
        // count as given and the marks would move past articles nobody saw.
        err << "izdeu-watch: standard output is closed, so the report has nowhere to go; redirect it to a file "
               "or give --send-with (no watch ran, no mark moved)\n";
        return kWatchFailure;
    }
    if (db.empty()) db = default_database_path(context.env);
    if (watches_path.empty()) watches_path = default_watches_path(context);
    if (state_path.empty()) state_path = default_state_path(context);

    std::vector<Watch> watches;
    std::vector<const Watch*> chosen;
    try {
        watches = read_watch_file(watches_path);
        if (names.empty()) {
            for (const Watch& w : watches) chosen.push_back(&w);
        } else {
            for (const std::string& name : names) {
                const Watch* found = nullptr;
                for (const Watch& w : watches) {
                    if (w.name == name) found = &w;
                }
                if (found == nullptr) {
                    std::string known;
                    for (const Watch& w : watches) known += (known.empty() ? "" : ", ") + w.name;
                    throw UsageError("no watch named '" + name + "' in " + watches_path +
                                     (known.empty() ? " (it has none)" : " (it has: " + known + ")"));
                }
                // A name given twice runs once: a second report of the same articles is noise.
                if (std::find(chosen.begin(), chosen.end(), found) == chosen.end()) chosen.push_back(found);
            }
        }
    } catch (const WatchFileError& e) {
        err << "izdeu-watch: " << e.what() << "\n";
        return kWatchUsage;
    } catch (const UsageError& e) {
        err << "izdeu-watch: " << e.what() << "\n";
        return kWatchUsage;
    }

    try {
        // Held until the marks are saved: a second run waits, then sees the moved marks.
        StateLock lock(state_path, lock_timeout);
        WatchState state = WatchState::load(state_path);
        WatchRunOptions options;
        options.database = db;
        options.kazakh_lexicon = lexicon;
        options.cache_dir = default_cache_dir(context.env);
        options.watches_file = watches_path;
        options.now = context.now;
        options.today_year = context.today_year;
        options.today_month = context.today_month;
        options.today_day = context.today_day;
        WatchRun run = run_watches(chosen, state, options);
        for (const std::string& w : run.warnings) err << "izdeu-watch: warning: " << w << "\n";
        bool any_error = false;
        for (const WatchReport& r : run.reports) {
            if (r.error.empty()) continue;
            err << "izdeu-watch: " << r.error << "\n";
            any_error = true;
        }
        const bool news = has_news(run.reports);

        std::ostringstream report;
        if (output == WatchFormat::Json) {
            print_json(run.reports, report);
        } else if (news && output == WatchFormat::Text) {
            print_text(run.reports, report);
        } else if (news) {
            MailHeaders headers;
            headers.to = mail_to;
            headers.from = mail_from;
            headers.now = context.now;
            headers.message_id = "<izdeu-watch." + std::to_string(context.now) + "." + std::to_string(context.pid) +
                                 "@" + (context.hostname.empty() ? "localhost" : context.hostname) + ">";
            print_mail(run.reports, headers, report);
        }
        // The marks move only once the report is out: written and flushed, or taken by the
        // --send-with command, which said so by exiting 0.
        if (!send_with.empty()) {
            if (news) {
                const int status = context.run_command ? context.run_command(send_with, report.str()) : -1;
                if (status != 0) {
                    err << "izdeu-watch: " << (status < 0 ? "could not run" : "the command failed:") << " " << send_with
                        << (status > 0 ? " (exit " + std::to_string(status) + ")" : std::string())
                        << "; the marks stay, the next run reports the same articles\n";
                    return kWatchFailure;
                }
            }
        } else {
            out << report.str();
            out.flush();
            if (!out) {
                err << "izdeu-watch: the report could not be written; the marks stay, the next run reports the "
                       "same articles\n";
                return kWatchFailure;
            }
        }
        if (pause_before_mark > 0) {
            err << "izdeu-watch: report written, pausing before the marks (test hook)" << std::endl;
            std::this_thread::sleep_for(std::chrono::duration<double>(pause_before_mark));
        }
        if (!no_mark) {
            for (const WatchReport& r : run.reports) {
                if (r.error.empty()) state.set(r.next_mark);
            }
            try {
                state.save(state_path);
            } catch (const StateError& e) {
                err << "izdeu-watch: " << e.what()
                    << "; the report was written, and the next run reports the same articles again\n";
                return kWatchFailure;
            }
        }
        if (any_error) return kWatchUsage;
        return news ? kWatchNews : kWatchNothingNew;
    } catch (const LockedError& e) {
        err << "izdeu-watch: " << e.what() << "\n";
        return kWatchLocked;
    } catch (const StateError& e) {
        err << "izdeu-watch: " << e.what() << "\n";
        return kWatchFailure;
    } catch (const DatabaseError& e) {
        err << "izdeu-watch: " << e.what() << "\n";
        return kWatchFailure;
    } catch (const UsageError& e) {
        err << "izdeu-watch: " << e.what() << "\n";
        return kWatchUsage;
    } catch (const Xapian::Error& e) {
        err << "izdeu-watch: the index failed while searching; it may be damaged (check it with xapian-check) or "
               "replaced meanwhile (try again) (Xapian: "
            << e.get_description() << ")\n";
        return kWatchFailure;
    }
}

}  // namespace izdeu::watch
