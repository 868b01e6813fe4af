#include "indexer_cli.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <thread>

#include <xapian.h>
#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "errors.h"
#include "indexer.h"
#include "kazakh_stemmer.h"
#include "number_option.h"
#include "russian_stemmer.h"
#include "shard_set.h"
#include "version.h"

namespace izdeu {

namespace po = boost::program_options;

namespace {

constexpr const char* kExitCodes =
    "Exit codes:\n"
    "  0   all done\n"
    "  1   done, but some articles or files failed (each named on stderr with the reason)\n"
    "  2   usage error; nothing was written\n"
    "  3   database or I/O failure; the last commit stays intact\n"
    "  75  the database is locked by another izdeu-index (after --lock-timeout)\n"
    "  130, 143  stopped by SIGINT or SIGTERM at a commit point; the next run goes on\n";

/// Upper bounds of numeric options: far above any sensible value, low enough to catch a typo.
constexpr double kMaxLockTimeoutSeconds = 7 * 86400;
constexpr std::uint64_t kMaxCommitEvery = 10000000;

/// Parses "90", "90s", "15m", "2h", "1d" into seconds.
double parse_duration(const std::string& text) {
    const auto bad = [&] {
        return UsageError("--max-runtime takes a duration of 0 or more (90, 90s, 15m, 2h, 1d), not '" + text + "'");
    };
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        throw bad();
    }
    const std::string unit = text.substr(used);
    double scale = 1;
    if (unit.empty() || unit == "s")
        scale = 1;
    else if (unit == "m" || unit == "min")
        scale = 60;
    else if (unit == "h")
        scale = 3600;
    else if (unit == "d")
        scale = 86400;
    else
        throw bad();
    if (value < 0 || !std::isfinite(value)) throw bad();
    return value * scale;
}

std::string human_bytes(std::uint64_t bytes) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / 1e6 << " MB";
    return s.str();
}

void print_summary_text(std::ostream& out, const IndexSummary& s) {
    out << "izdeu-index: " << s.added << " added, " << s.updated << " updated, " << s.unchanged << " unchanged, "
        << s.deleted << " deleted, " << s.duplicates << " duplicates, " << s.failed << " failed; "
        << human_bytes(s.bytes) << " in " << std::fixed << std::setprecision(2) << s.seconds << " s";
    if (s.first_build && s.databases_written > 1) {
        out << "; a first build: " << s.databases_written << " parts written side by side, then merged";
    }
    if (s.rebuild_discarded) {
        out << "; the rebuild was stopped and thrown away, the live index is unchanged";
    } else if (s.stopped_early) {
        out << "; stopped early, " << s.files_left << " files left for the next run";
    }
    out << "\n";
}

}  // namespace

int run_indexer_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                    const CliContext& context) {
    po::options_description visible(
        "Usage: izdeu-index [OPTIONS] PATH...\n\n"
        "Indexes news articles (.txt in the izdeu article format, .jsonl, and their\n"
        ".gz versions) from files and folders into an izdeu database. Runs are\n"
        "incremental: unchanged files are skipped, changed ones replaced, vanished\n"
        "ones deleted.\n\nOptions");
    std::string db;
    std::string summary_format;
    std::string max_runtime;
    std::string stats_format;
    std::string lexicon;
    std::string russian_dictionary = RussianDictionary::kDefaultPath;
    IndexOptions options;
    options.jobs = std::max(1u, std::thread::hardware_concurrency());
    // clang-format off
    visible.add_options()
        ("help,h", "show this help")
        ("version", "show the version")
        ("db", po::value(&db), "database folder (default: $IZDEU_DB, else $XDG_DATA_HOME/izdeu/db, else ~/.local/share/izdeu/db)")
        ("rebuild", po::bool_switch(&options.rebuild), "start from an empty database (needed after an analyzer change)")
        ("no-delete", po::bool_switch(), "keep documents of files that disappeared")
        ("max-delete", po::value<std::string>(), "delete nothing from a folder when more than this percentage of its articles, and more than 10 articles, are gone, or all of them (0-100, default 20)")
        ("allow-mass-delete", po::bool_switch(&options.deletion.allow_mass_delete), "delete whatever is gone, even all of an empty folder")
        ("max-article-size", po::value<std::string>(), "refuse an article larger than this many MB (0.001-4096, default 16)")
        ("max-article-terms", po::value<std::string>(), "refuse an article with more distinct terms than this (1000-100000000, default 200000)")
        ("root", po::value<std::string>(), "the folder article ids are relative to (recorded by the first run; default: the folder that holds every PATH)")
        ("include", po::value(&options.walk.include)->composing(), "only files matching this glob (repeatable)")
        ("exclude", po::value(&options.walk.exclude)->composing(), "skip files and folders matching this glob (repeatable)")
        ("hidden", po::bool_switch(&options.walk.hidden), "also index hidden files and folders")
        ("jobs,j", po::value<std::string>(), "worker threads for parsing and analysis, and parts a --rebuild or a first build writes at once (up to 4; default: the number of cores)")
        ("commit-every", po::value<std::string>(), "commit after this many articles (default 2000)")
        ("lock-timeout", po::value<std::string>(), "seconds to wait for another indexer's lock (default 60)")
        ("max-runtime", po::value(&max_runtime), "stop cleanly at a commit point after this long (90s, 15m, 2h)")
        ("quiet,q", po::bool_switch(), "no progress and no summary unless --summary is given")
        ("summary", po::value(&summary_format)->implicit_value("text"), "print a summary line: text or json")
        ("no-spelling", po::bool_switch(), "do not build spelling suggestions data")
        ("no-stemming", po::bool_switch(), "index without stemming (for evaluation)")
        ("no-keyboard-folding", po::bool_switch(), "no keyboard-folded Kazakh terms (for evaluation)")
        ("russian-dictionary", po::value(&russian_dictionary), "hunspell-ru dictionary guiding the Russian stemmer, or none (default: /usr/share/hunspell/ru_RU.dic when installed)")
        ("kazakh-lexicon", po::value(&lexicon), "Kazakh word list guiding the stemmer, e.g. /usr/share/hunspell/kk_KZ.dic (default: none)")
        ("shards", po::value<std::string>(), "split the index into N shards written in parallel (with --rebuild or a new index; 1 = one database)")
        ("shard-by", po::value<std::string>(), "hash (by article id; the default with --shards) or year (one shard per publication year)")
        ("compact", po::bool_switch(), "compact the index (merge all shards into one with --shards 1) beside the live one, then swap it in")
        ("no-auto-compact", po::bool_switch(), "do not compact after a run when deleted or replaced articles made up 25% of the index since its last compaction")
        ("stats", po::value(&stats_format)->implicit_value("text"), "print database statistics (text or json) and exit");
    // clang-format on
    po::options_description hidden_opts;
    hidden_opts.add_options()("input", po::value(&options.inputs)->composing());
    po::options_description all;
    all.add(visible).add(hidden_opts);
    po::positional_options_description positional;
    positional.add("input", -1);

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
        po::notify(vm);
        if (vm.count("help")) {
            out << visible << "\n" << kExitCodes;
            return kIndexOk;
        }
        if (vm.count("version")) {
            out << version_line("izdeu-index");
            return kIndexOk;
        }
        if (db.empty()) db = default_database_path(context.env);
        options.database = db;
        if (std::error_code ec; std::filesystem::exists(db, ec) && !std::filesystem::is_directory(db, ec)) {
            throw UsageError("--db " + db +
                             " is a file; izdeu-index needs a database folder (one is created when "
                             "it does not exist)");
        }
        if (vm.count("shard-by")) {
            const std::string by = vm["shard-by"].as<std::string>();
            if (by == "year") {
                options.layout = Layout{LayoutKind::Year, 0};
            } else if (by != "hash") {
                throw UsageError("--shard-by takes hash or year");
            }
        }
        if (vm.count("lock-timeout")) {
            options.lock_timeout_seconds =
                parse_decimal("--lock-timeout", vm["lock-timeout"].as<std::string>(), 0, kMaxLockTimeoutSeconds);
        }
        if (vm.count("shards")) {
            const auto n =
                static_cast<unsigned>(parse_whole_number("--shards", vm["shards"].as<std::string>(), 1, 256));
            if (options.layout && options.layout->kind == LayoutKind::Year) {
                throw UsageError("--shards and --shard-by year do not go together");
            }
            options.layout = n == 1 ? Layout{} : Layout{LayoutKind::Hash, n};
        } else if (vm.count("shard-by") && !options.layout) {
            throw UsageError("--shard-by hash needs --shards N");
        }
        if (vm["compact"].as<bool>()) {
            const bool into_single = options.layout && options.layout->kind == LayoutKind::Single;
            const std::string removed =
                describe_leftovers(compact_index(db, into_single, options.lock_timeout_seconds));
            if (!removed.empty()) err << "izdeu-index: " << removed << "\n";
            if (!vm["quiet"].as<bool>()) err << "izdeu-index: compacted " << db << "\n";
            return kIndexOk;
        }
        if (!stats_format.empty()) {
            if (stats_format != "text" && stats_format != "json") throw UsageError("--stats takes text or json");
            if (!std::filesystem::exists(db)) {
                throw DatabaseError("no izdeu database at " + db + " (index articles with izdeu-index first)");
            }
            nlohmann::json stats = nlohmann::json::parse(database_stats_json(db));
            if (stats_format == "json") {
                out << stats.dump() << "\n";
            } else {
                out << "database:   " << db << "\n"
                    << "documents:  " << stats["documents"] << "\n"
                    << "languages:  ";
                for (auto& [k, v] : stats["languages"].items()) out << k << " " << v << "  ";
                out << "\n";
                if (stats.contains("first_date")) {
                    out << "dates:      " << stats["first_date"].get<std::string>() << " .. "
                        << stats["last_date"].get<std::string>() << "\n";
                }
                out << "size:       " << human_bytes(stats["disk_bytes"].get<std::uint64_t>()) << " on disk ("
                    << human_bytes(stats["size_bytes"].get<std::uint64_t>())
                    << " apparent: Xapian's tables are sparse files)\n";
                if (!stats["leftovers"].empty()) {
                    std::uint64_t bytes = 0;
                    std::string names;
                    for (auto& l : stats["leftovers"]) {
                        bytes += l["disk_bytes"].get<std::uint64_t>();
                        names += (names.empty() ? "" : ", ") + l["path"].get<std::string>();
                    }
                    out << "leftovers:  " << human_bytes(bytes)
                        << " left beside the index by a killed rebuild or compaction (the next izdeu-index run "
                           "removes them): "
                        << names << "\n";
                }
                if (stats.contains("last_run")) out << "last run:   " << stats["last_run"].dump() << "\n";
                const std::string russian = stats.value("russian_dictionary", std::string());
                out << "russian:    "
                    << (russian.empty() ? "rules only (no dictionary: install hunspell-ru and --rebuild)"
                                        : "dictionary " + russian)
                    << "\n";
                out << "failed:     " << stats["failed_files"].size() << " file(s)\n";
                for (auto& f : stats["failed_files"]) {
                    out << "  " << f["path"].get<std::string>() << ": " << f["reason"].get<std::string>() << "\n";
                }
            }
            return kIndexOk;
        }
        if (!summary_format.empty() && summary_format != "text" && summary_format != "json") {
            throw UsageError("--summary takes text or json (write --summary=json)");
        }
        if (options.inputs.empty()) throw UsageError("no input: give files or folders to index");
        if (!max_runtime.empty()) options.max_runtime_seconds = parse_duration(max_runtime);
        if (vm.count("jobs")) {
            options.jobs = static_cast<unsigned>(parse_whole_number("--jobs", vm["jobs"].as<std::string>(), 1, 256));
        }
        if (vm.count("commit-every")) {
            options.commit_every =
                parse_whole_number("--commit-every", vm["commit-every"].as<std::string>(), 1, kMaxCommitEvery);
        }
        if (vm.count("max-delete")) {
            options.deletion.max_share =
                parse_decimal("--max-delete", vm["max-delete"].as<std::string>(), 0, 100) / 100;
        }
        if (vm.count("max-article-size")) {
            options.limits.max_bytes = static_cast<std::uint64_t>(
                parse_decimal("--max-article-size", vm["max-article-size"].as<std::string>(), 0.001, 4096) * 1e6);
        }
        if (vm.count("max-article-terms")) {
            options.limits.max_terms =
                parse_whole_number("--max-article-terms", vm["max-article-terms"].as<std::string>(), 1000, 100000000);
        }
        if (vm.count("root")) options.id_root = vm["root"].as<std::string>();
    } catch (const po::error& e) {
        err << "izdeu-index: " << e.what() << " (see --help)\n";
        return kIndexUsage;
    } catch (const UsageError& e) {
        err << "izdeu-index: " << e.what() << " (see --help)\n";
        return kIndexUsage;
    } catch (const DatabaseError& e) {
        err << "izdeu-index: " << e.what() << "\n";
        return kIndexDatabaseError;
    } catch (const LockedError& e) {
        err << "izdeu-index: " << e.what() << "\n";
        return kIndexLocked;
    } catch (const Xapian::Error& e) {
        err << "izdeu-index: cannot read the database at " << db << "; it may be damaged (check it with xapian-check) "
            << "(Xapian: " << e.get_description() << ")\n";
        return kIndexDatabaseError;
    }

    options.delete_missing = !vm["no-delete"].as<bool>();
    options.spelling = !vm["no-spelling"].as<bool>();
    options.auto_compact = !vm["no-auto-compact"].as<bool>();
    options.analyzer.stemming = !vm["no-stemming"].as<bool>();
    options.analyzer.keyboard_folding = !vm["no-keyboard-folding"].as<bool>();
    // The word list is opt-in: measured on kazqad_dev it costs nDCG (EVALUATION.md).
    if (!lexicon.empty() && lexicon != "none") {
        options.analyzer.kazakh_lexicon = KazakhLexicon::load(lexicon);
        if (options.analyzer.kazakh_lexicon) options.analyzer.kazakh_lexicon_path = lexicon;
        if (!options.analyzer.kazakh_lexicon) {
            err << "izdeu-index: warning: cannot read Kazakh word list " << lexicon
                << "; stemming Kazakh by rules alone\n";
        }
    }
    // On by default when Debian's hunspell-ru is installed; without it the rules stem alone
    // (said by --stats, not at every cron run).
    if (!russian_dictionary.empty() && russian_dictionary != "none") {
        options.analyzer.russian_dictionary =
            RussianDictionary::open(russian_dictionary, default_cache_dir(context.env));
        if (options.analyzer.russian_dictionary) {
            options.analyzer.russian_dictionary_path = russian_dictionary;
        } else if (vm.count("russian-dictionary") && !vm["russian-dictionary"].defaulted()) {
            err << "izdeu-index: warning: cannot read Russian dictionary " << russian_dictionary
                << " (and its .aff); stemming Russian by rules alone\n";
        }
    }
    options.stop_requested = context.stop_requested;
    const bool quiet = vm["quiet"].as<bool>();
    const bool progress = !quiet && context.stderr_is_terminal;
    options.on_problem = [&](const std::string& where, const std::string& reason) {
        if (progress) err << "\r\033[K";
        err << "izdeu-index: " << where << ": " << reason << "\n";
    };
    // Heard even under --quiet: a one-time event that an operator should know happened.
    options.on_notice = [&](const std::string& what) {
        if (progress) err << "\r\033[K";
        err << "izdeu-index: " << what << "\n";
    };
    options.on_note = [&](const std::string& where, const std::string& note) {
        if (quiet) return;
        if (progress) err << "\r\033[K";
        err << "izdeu-index: " << where << ": " << note << "\n";
    };
    const auto started = std::chrono::steady_clock::now();
    if (progress) {
        options.on_progress = [&, last = std::chrono::steady_clock::time_point()](std::size_t done, std::size_t total,
                                                                                  std::uint64_t bytes) mutable {
            auto now = std::chrono::steady_clock::now();
            if (done != total && now - last < std::chrono::milliseconds(200)) return;
            last = now;
            double secs = std::chrono::duration<double>(now - started).count();
            double rate = secs > 0 ? static_cast<double>(bytes) / 1e6 / secs : 0;
            double eta = done > 0 ? secs * static_cast<double>(total - done) / static_cast<double>(done) : 0;
            int width = 30;
            int filled = total ? static_cast<int>(width * done / total) : width;
            err << "\r[" << std::string(static_cast<size_t>(filled), '#')
                << std::string(static_cast<size_t>(width - filled), ' ') << "] " << done << "/" << total << " files, "
                << std::fixed << std::setprecision(1) << rate << " MB/s, ETA " << static_cast<int>(eta) << " s"
                << std::flush;
        };
    }

    try {
        IndexSummary summary = run_index(options);
        if (progress) err << "\r\033[K";
        if (summary_format == "json") {
            out << summary_json(summary) << "\n";
        } else if (summary_format == "text" || (!quiet && context.stderr_is_terminal)) {
            print_summary_text(summary_format == "text" ? out : err, summary);
        }
        if (summary.stopped_early && context.stop_signal && context.stop_signal->load() != 0) {
            return 128 + context.stop_signal->load();
        }
        return summary.failed > 0 ? kIndexSomeFailed : kIndexOk;
    } catch (const LockedError& e) {
        err << "izdeu-index: " << e.what() << "\n";
        return kIndexLocked;
    } catch (const UsageError& e) {
        err << "izdeu-index: " << e.what() << "\n";
        return kIndexUsage;
    } catch (const DatabaseError& e) {
        err << "izdeu-index: " << e.what() << "\n";
        return kIndexDatabaseError;
    } catch (const Xapian::Error& e) {
        err << "izdeu-index: writing the database at " << db
            << " failed; the last commit is intact (Xapian: " << e.get_description() << ")\n";
        return kIndexDatabaseError;
    } catch (const std::system_error& e) {
        err << "izdeu-index: " << e.what() << "\n";
        return kIndexDatabaseError;
    }
}

}  // namespace izdeu
