#include "query_cli.h"
#include "query_filters.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>

#include <xapian.h>
#include <boost/program_options.hpp>

#include "batch_runner.h"
#include "errors.h"
#include "number_option.h"
#include "query_parser.h"
#include "query_session.h"
#include "result_printer.h"
#include "version.h"

namespace izdeu::query {

namespace po = boost::program_options;

namespace {

constexpr const char* kExitCodes =
    "Exit codes:\n"
    "  0  something matched\n"
    "  1  nothing matched\n"
    "  2  usage or query error (the message points at the column)\n"
    "  3  database missing, unreadable, or made by an incompatible analyzer\n";

constexpr const char* kGrammar =
    "Query syntax:\n"
    "  court ombudsman          either word; documents with both, close together, rank first\n"
    "  \"constitutional court\"   a phrase, also in inflected forms (\"Конституционный суд\")\n"
    "  =\"exact phrase\"          surface forms only\n"
    "  a AND b, a OR b, a NOT b, +required -excluded, ( ... )\n"
    "  court NEAR/5 reform      within 5 words; const*   trailing wildcard\n"
    "  title:word  lang:kk  credit:Akorda  id:en/001.txt\n"
    "  date:2023-08-29  date:2023-08..2023-09  date:..2023  date:7d..   (also --since 7d)\n";

/// `--timings`: the latency distribution of a batch, as key=value pairs that scripts can read
/// (the same keys as the benchmark's peer programs print). Nearest-rank percentiles.
void print_timings(std::vector<double> ms, std::ostream& err) {
    if (ms.empty()) return;
    std::sort(ms.begin(), ms.end());
    auto percentile = [&](double p) {
        const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(ms.size())));
        return ms[std::min(ms.size(), std::max<std::size_t>(rank, 1)) - 1];
    };
    double sum = 0;
    for (double v : ms) sum += v;
    char line[256];
    std::snprintf(line, sizeof line,
                  "izdeu-query: timings queries=%zu mean_ms=%.3f p50_ms=%.3f p95_ms=%.3f "
                  "p99_ms=%.3f max_ms=%.3f\n",
                  ms.size(), sum / static_cast<double>(ms.size()), percentile(50), percentile(95), percentile(99),
                  ms.back());
    err << line;
}

// --since is parsed by query::since_filter (query_filters.h), shared with izdeu-serve.
using query::since_filter;

/// Most hits one query may ask for (--limit, and --offset past which nothing is read).
constexpr std::uint64_t kMaxLimit = 100000;
constexpr std::uint64_t kMaxOffset = 100000000;
constexpr double kMaxTimeLimitSeconds = 3600;

/// The numeric options, each checked against the range it names in its message.
void read_number_options(const po::variables_map& vm, SearchOptions& search) {
    auto text = [&](const char* name) -> const std::string* {
        return vm.count(name) ? &vm[name].as<std::string>() : nullptr;
    };
    auto whole = [&](const char* name, auto& target, std::uint64_t min, std::uint64_t max) {
        using Target = std::remove_reference_t<decltype(target)>;
        if (auto t = text(name))
            target = static_cast<Target>(parse_whole_number(std::string("--") + name, *t, min, max));
    };
    auto decimal = [&](const char* name, double& target, double min, double max) {
        if (auto t = text(name)) target = parse_decimal(std::string("--") + name, *t, min, max);
    };
    whole("limit", search.limit, 0, kMaxLimit);
    whole("offset", search.offset, 0, kMaxOffset);
    // Xapian reads 0 as "no limit"; a hostile query must always end.
    decimal("time-limit", search.time_limit_seconds, 0.001, kMaxTimeLimitSeconds);
    RankingOptions& r = search.ranking;
    decimal("bm25-k1", r.bm25_k1, 0, 100);
    decimal("bm25-b", r.bm25_b, 0, 1);
    decimal("bm25-min-normlen", r.bm25_min_normlen, 0, 1);
    decimal("phrase-boost", r.phrase_boost, 0, 1000);
    decimal("near-boost", r.near_boost, 0, 1000);
    decimal("all-words-boost", r.all_words_boost, 0, 1000);
    whole("boost-max-words", r.boost_max_words, 0, 64);
    decimal("keyboard-weight", r.keyboard_fold_weight, 0, 1000);
    whole("feedback-docs", r.feedback_documents, 0, 1000);
    whole("feedback-terms", r.feedback_terms, 0, 1000);
    decimal("feedback-weight", r.feedback_weight, 0, 1000);
    decimal("lead-boost", r.lead_boost, 0, 1000);
    whole("lead-words", r.lead_words, 0, 100000);
    whole("lead-prefix", r.lead_prefix, 0, 100);
    decimal("coverage-boost", r.coverage_boost, 0, 1000);
    whole("rerank-docs", r.rerank_documents, 1, 10000);
    decimal("derived-weight", r.derived_name_weight, 0, 1000);
}

}  // namespace

int run_query_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                  const QueryCliContext& context) {
    po::options_description visible(
        "Usage: izdeu-query [OPTIONS] QUERY...\n\n"
        "Searches an izdeu database and prints ranked hits with snippets.\n\nOptions");
    std::vector<std::string> dbs, query_words;
    std::string format = "text", sort = "relevance", color = "auto", batch, since, lexicon;
    SearchOptions search;
    // clang-format off
    visible.add_options()
        ("help,h", "show this help")
        ("version", "show the version")
        ("db", po::value(&dbs)->composing(), "database folder or stub file; repeat to search several as one")
        ("limit,n", po::value<std::string>(), "number of hits, 0 to 100000 (default 10; 0: how many match)")
        ("offset", po::value<std::string>(), "skip this many hits (default 0)")
        ("format,f", po::value(&format), "text, json (a record per line: each hit, then a summary) or trec")
        ("plain", po::bool_switch(), "read the query as words only, no syntax (for pasted text)")
        ("sort", po::value(&sort), "relevance (default) or date (newest first)")
        ("since", po::value(&since), "only articles from this period: 7d, 2w, 3m, 1y or YYYY-MM-DD")
        ("no-collapse", po::bool_switch(), "show every copy of syndicated duplicates")
        ("count", po::bool_switch(), "print the estimated number of matches only")
        ("explain", po::bool_switch(&search.explain), "show which terms matched each hit and their weight")
        ("batch", po::value(&batch), "read query-id<TAB>query lines from FILE ('-' for stdin)")
        ("jobs,j", po::value<std::string>(), "with --batch: queries answered side by side, output in input order (default: the number of cores, up to 8)")
        ("color", po::value(&color), "auto, always or never (NO_COLOR is respected)")
        ("no-snippets", po::bool_switch(), "do not compute snippets")
        ("time-limit", po::value<std::string>(), "seconds a query may run (default 10)")
        ("bm25-k1", po::value<std::string>(), "BM25 k1 (term frequency saturation)")
        ("bm25-b", po::value<std::string>(), "BM25 b (length normalisation)")
        ("bm25-min-normlen", po::value<std::string>(),
         "BM25: shorter documents weigh as if this share of the average length (default 0: no floor)")
        ("phrase-boost", po::value<std::string>(), "weight of the words as a phrase")
        ("near-boost", po::value<std::string>(), "weight of the words close together (default 0: off)")
        ("all-words-boost", po::value<std::string>(), "weight of having every word (default 0: see --coverage-boost)")
        ("boost-max-words", po::value<std::string>(), "no proximity boosts for more words than this (default 8)")
        ("keyboard-weight", po::value<std::string>(), "weight of keyboard-folded Kazakh forms")
        ("no-translit", po::bool_switch(), "names match only as written: Tokayev does not find Токаев")
        ("no-stop-words", po::bool_switch(), "keep stop words in word lists")
        ("feedback-docs", po::value<std::string>(), "pseudo-relevance feedback: top documents used")
        ("feedback-terms", po::value<std::string>(), "pseudo-relevance feedback: terms added")
        ("feedback-weight", po::value<std::string>(), "pseudo-relevance feedback: weight of added terms")
        ("feedback-cyrillic", po::bool_switch(&search.ranking.feedback_cyrillic),
         "pseudo-relevance feedback also for Russian and Kazakh queries (off: measured worse)")
        ("lead-boost", po::value<std::string>(), "weight of having the query's words in the title or first words (default 0.5)")
        ("lead-words", po::value<std::string>(), "the body's first words that count for --lead-boost (default 30)")
        ("lead-prefix", po::value<std::string>(),
         "a query word also counts in the lead by a word whose stem shares its first N letters (default 5; 0: off)")
        ("coverage-boost", po::value<std::string>(),
         "weight of holding the query's words anywhere, graded by their share (default 0.1; 0: off)")
        ("no-derived-names", po::bool_switch(), "a place's name and its derived words (China, Chinese) do not find each other")
        ("derived-weight", po::value<std::string>(),
         "weight of a place's other words in articles without the word itself (default 0: found, ranked by the other words)")
        ("rerank-docs", po::value<std::string>(), "the first pass's best articles that boosts and feedback re-rank (default 100)")
        ("kazakh-lexicon", po::value(&lexicon), "Kazakh word list, when not where izdeu-index found it")
        ("allow-partial", po::bool_switch(), "when a shard (e.g. a remote one) is down, answer from the others with a warning")
        ("timings", po::bool_switch(), "with --batch: per-query latency percentiles (in-process) on stderr at the end");
    // clang-format on
    po::options_description hidden_opts;
    hidden_opts.add_options()("query", po::value(&query_words)->composing());
    po::options_description all;
    all.add(visible).add(hidden_opts);
    po::positional_options_description positional;
    positional.add("query", -1);

    ParseOptions parse_options;
    parse_options.today_year = context.today_year;
    parse_options.today_month = context.today_month;
    parse_options.today_day = context.today_day;

    OutputFormat output = OutputFormat::Text;
    bool plain = false, count_only = false, use_color = false;
    // Each session holds its own database handles and analyzer: a few MB, opened only for a backlog.
    unsigned jobs = std::min(8u, std::max(1u, std::thread::hardware_concurrency()));
    std::optional<Node> since_node;
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
        po::notify(vm);
        if (vm.count("help")) {
            out << visible << "\n" << kGrammar << "\n" << kExitCodes;
            return kHits;
        }
        if (vm.count("version")) {
            out << version_line("izdeu-query");
            return kHits;
        }
        if (format == "json")
            output = OutputFormat::Json;
        else if (format == "trec")
            output = OutputFormat::Trec;
        else if (format != "text")
            throw UsageError("--format takes text, json or trec");
        if (sort == "date")
            search.sort = SortOrder::Date;
        else if (sort != "relevance")
            throw UsageError("--sort takes relevance or date");
        if (color == "always")
            use_color = true;
        else if (color == "auto")
            use_color = context.stdout_is_terminal && (context.no_color == nullptr || !*context.no_color);
        else if (color != "never")
            throw UsageError("--color takes auto, always or never");
        if (output != OutputFormat::Text) use_color = false;
        read_number_options(vm, search);
        plain = vm["plain"].as<bool>();
        count_only = vm["count"].as<bool>();
        search.collapse = !vm["no-collapse"].as<bool>();
        search.snippets = !vm["no-snippets"].as<bool>() && output != OutputFormat::Trec;
        search.ranking.stop_words = !vm["no-stop-words"].as<bool>();
        if (vm["no-translit"].as<bool>()) search.ranking.translit = false;
        if (vm["no-derived-names"].as<bool>()) search.ranking.derived_names = false;
        if (batch.empty() && query_words.empty()) throw UsageError("no query given");
        if (!batch.empty() && !query_words.empty()) throw UsageError("give either a QUERY or --batch, not both");
        if (vm["timings"].as<bool>() && batch.empty()) throw UsageError("--timings needs --batch");
        if (vm.count("jobs")) {
            if (batch.empty()) throw UsageError("--jobs needs --batch");
            jobs = static_cast<unsigned>(parse_whole_number("--jobs", vm["jobs"].as<std::string>(), 1, 64));
        }
        if (!since.empty()) since_node = since_filter(since, parse_options);
    } catch (const po::error& e) {
        err << "izdeu-query: " << e.what() << " (see --help)\n";
        return kUsageOrQueryError;
    } catch (const UsageError& e) {
        err << "izdeu-query: " << e.what() << " (see --help)\n";
        return kUsageOrQueryError;
    } catch (const ParseError& e) {
        err << "izdeu-query: --since: " << e.what() << "\n";
        return kUsageOrQueryError;
    }
    if (dbs.empty()) dbs.push_back(default_database_path(context.env));

    QuerySettings settings;
    settings.databases = dbs;
    settings.kazakh_lexicon = lexicon;
    settings.allow_partial = vm["allow-partial"].as<bool>();
    settings.cache_dir = default_cache_dir(context.env);
    settings.search = search;
    settings.output = output;
    settings.color = use_color;
    settings.plain = plain;
    settings.count_only = count_only;
    settings.in_batch = !batch.empty();
    settings.parse_options = parse_options;
    settings.since = std::move(since_node);

    try {
        std::unique_ptr<QuerySession> session;
        try {
            session = std::make_unique<QuerySession>(settings);
            for (const std::string& w : session->warnings()) err << "izdeu-query: warning: " << w << "\n";
        } catch (const DatabaseError& e) {
            err << "izdeu-query: " << e.what() << "\n";
            return kDatabaseError;
        }
        if (batch.empty()) {
            std::string text;
            for (const std::string& w : query_words) {
                if (!text.empty()) text += ' ';
                text += w;
            }
            long n = session->run(text, "", out, err);
            out.flush();
            if (n < 0) return kUsageOrQueryError;
            return n > 0 ? kHits : kNoHits;
        }
        std::ifstream file;
        std::istream* in = &std::cin;
        if (batch != "-") {
            file.open(batch);
            if (!file) {
                err << "izdeu-query: cannot read " << batch << "\n";
                return kUsageOrQueryError;
            }
            in = &file;
        }
        const bool timings = vm["timings"].as<bool>();
        BatchOutcome outcome = run_batch(*in, batch, settings, *session, jobs, timings, out, err);
        out.flush();
        if (timings) print_timings(std::move(outcome.latencies_ms), err);
        if (outcome.any_error) return kUsageOrQueryError;
        return outcome.any_hit ? kHits : kNoHits;
    } catch (const Xapian::DatabaseModifiedError& e) {
        err << "izdeu-query: the index changed faster than the query could be answered (an indexer committing "
               "every few articles); run it again (Xapian: "
            << e.get_description() << ")\n";
        return kDatabaseError;
    } catch (const Xapian::Error& e) {
        err << "izdeu-query: the database failed while searching; it may be damaged (check it with xapian-check) "
               "or replaced meanwhile (try again) (Xapian: "
            << e.get_description() << ")\n";
        return kDatabaseError;
    } catch (const DatabaseError& e) {
        err << "izdeu-query: " << e.what() << "\n";
        return kDatabaseError;
    }
}

}  // namespace izdeu::query
