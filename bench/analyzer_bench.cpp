// Analyzer throughput benchmark (issue 3: >= 25 MB/s on one core for analysis alone).
//
// usage: izdeu-analyzer-bench [--passes P] [--limit N] [--only MODES] [--hash-docs FILE]
//                             [--russian-dictionary FILE|none] INPUT
//   MODES: one mode or several, comma-separated (analyze,icu-break); default the first three.
//   INPUT: a folder (walked recursively, *.txt, sorted) or @LISTFILE (one path a line).
//
// Every file is read into memory first; then, on one thread, with one izdeu::Analyzer (whose
// stem caches persist across articles, as in the indexer's worker threads), each pass runs:
//   analyze   : detect_language(title + body), analyze(title), analyze(body) -- analysis alone
//   indexer   : parse_article_text + the analyzer calls build_document makes today (title, body
//               for the duplicate key, body again for postings) -- no Xapian::Document
//   icu-break : ICU word breaking alone (UTF-8 UText, root locale), for reference
//   hash      : one pass of `analyze` that hashes every token field, the detected languages and
//               the stats; prints the hash (and, with --hash-docs FILE, one hash per article).
//               Not timed: it proves that an optimization left the analyzer's output unchanged.
// and prints one line per mode: key=value, MB/s over the raw file bytes, by wall time and by
// the thread's CPU time. The best of P passes (default 3) is reported; pass 1 also fills the
// stem caches, as a long indexer run would.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include "analyzer.h"
#include "article_parser.h"
#include "russian_stemmer.h"

namespace {

// Wall time, and this thread's CPU time: on a shared machine the CPU time does not count the
// time slices other processes took, so it is the steadier figure of the two.
struct Times {
    double wall = 0, cpu = 0;
    static Times now() {
        timespec cpu_now{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu_now);
        return {std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(),
                static_cast<double>(cpu_now.tv_sec) + static_cast<double>(cpu_now.tv_nsec) / 1e9};
    }
    Times operator-(const Times& o) const { return {wall - o.wall, cpu - o.cpu}; }
    Times best(const Times& o) const { return {std::min(wall, o.wall), std::min(cpu, o.cpu)}; }
};
constexpr Times kNoTime{1e30, 1e30};

std::vector<std::string> list_inputs(const std::string& arg) {
    std::vector<std::string> out;
    if (!arg.empty() && arg[0] == '@') {
        std::ifstream in(arg.substr(1));
        std::string line;
        while (std::getline(in, line))
            if (!line.empty()) out.push_back(line);
        return out;
    }
    for (const auto& e : std::filesystem::recursive_directory_iterator(arg))
        if (e.is_regular_file() && e.path().extension() == ".txt") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

struct Doc {
    std::string raw;
    std::string_view title, body;
};

void split(Doc& d) {
    const std::string_view a = d.raw;
    const size_t nl = a.find('\n');
    if (nl == std::string_view::npos) {
        d.title = a;
        return;
    }
    d.title = a.substr(0, nl);
    size_t b = nl + 1;
    while (b < a.size() && a[b] == '\n') ++b;
    d.body = a.substr(b);
}

// FNV-1a, 64 bits: stable across builds and platforms, unlike std::hash.
struct TokenHash {
    std::uint64_t value = 0xcbf29ce484222325ULL;
    void bytes(const void* data, size_t size) {
        const auto* p = static_cast<const unsigned char*>(data);
        for (size_t i = 0; i < size; ++i) value = (value ^ p[i]) * 0x100000001b3ULL;
    }
    void text(std::string_view s) {
        number(s.size());  // the length keeps "ab"+"c" apart from "a"+"bc"
        bytes(s.data(), s.size());
    }
    void number(std::uint64_t n) { bytes(&n, sizeof n); }
};

void print(const char* mode, int pass, size_t docs, size_t bytes, size_t tokens, Times t) {
    const double mb = static_cast<double>(bytes) / 1e6;
    std::printf(
        "analyzer_bench mode=%s pass=%d docs=%zu bytes=%zu tokens=%zu secs=%.3f MBps=%.2f "
        "cpu_secs=%.3f cpu_MBps=%.2f\n",
        mode, pass, docs, bytes, tokens, t.wall, mb / t.wall, t.cpu, mb / t.cpu);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    int passes = 3;
    size_t limit = 0;
    std::string only;  // analyze, indexer, icu-break or hash, comma-separated
    std::string hash_docs;
    std::string russian_dictionary = izdeu::RussianDictionary::kDefaultPath;
    std::string input;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--passes" && i + 1 < argc)
            passes = std::atoi(argv[++i]);
        else if (a == "--limit" && i + 1 < argc)
            limit = std::strtoul(argv[++i], nullptr, 10);
        else if (a == "--only" && i + 1 < argc)
            only = argv[++i];
        else if (a == "--hash-docs" && i + 1 < argc)
            hash_docs = argv[++i];
        else if (a == "--russian-dictionary" && i + 1 < argc)
            russian_dictionary = argv[++i];
        else if (!a.empty() && a[0] != '-' && input.empty())
            input = a;
        else {
            std::fprintf(stderr, "usage: %s [--passes P] [--limit N] [--only MODE] DIR|@LIST\n", argv[0]);
            return 2;
        }
    }
    if (input.empty()) {
        std::fprintf(stderr, "usage: %s [--passes P] [--limit N] [--only MODE] DIR|@LIST\n", argv[0]);
        return 2;
    }
    std::vector<std::string> files = list_inputs(input);
    if (limit && files.size() > limit) files.resize(limit);
    std::vector<Doc> docs(files.size());
    size_t bytes = 0;
    for (size_t i = 0; i < files.size(); ++i) {
        std::ifstream in(files[i], std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        docs[i].raw = ss.str();
        split(docs[i]);
        bytes += docs[i].raw.size();
    }
    std::fprintf(stderr, "analyzer_bench: %zu files, %.1f MB in memory\n", docs.size(),
                 static_cast<double>(bytes) / 1e6);

    // As izdeu-index builds it by default: with hunspell-ru when installed ("none": rules only).
    izdeu::AnalyzerOptions options;
    if (russian_dictionary != "none") {
        options.russian_dictionary = izdeu::RussianDictionary::open(russian_dictionary);
        if (options.russian_dictionary) options.russian_dictionary_path = russian_dictionary;
    }
    std::fprintf(stderr, "analyzer_bench: Russian dictionary %s\n",
                 options.russian_dictionary ? russian_dictionary.c_str() : "none (Snowball)");
    izdeu::Analyzer analyzer(options);
    // "analyze,icu-break" measures both in one run, as comparisons on a noisy machine need.
    auto wants = [&](std::string_view mode) {
        if (only.empty()) return mode != "hash";
        for (size_t b = 0; b <= only.size();) {
            const size_t e = std::min(only.find(',', b), only.size());
            if (std::string_view(only).substr(b, e - b) == mode) return true;
            b = e + 1;
        }
        return false;
    };
    if (wants("hash")) {
        TokenHash all;
        size_t count = 0;
        std::ofstream per_doc;
        if (!hash_docs.empty()) per_doc.open(hash_docs);
        for (size_t i = 0; i < docs.size(); ++i) {
            const Doc& d = docs[i];
            TokenHash h;
            const std::string joined = std::string(d.title) + "\n" + std::string(d.body);
            const izdeu::Language lang = izdeu::Analyzer::detect_language(joined);
            h.number(static_cast<std::uint64_t>(lang));
            auto add = [&](const izdeu::Token& t) {
                ++count;
                h.text(t.term);
                h.text(t.stem);
                h.number(t.position);
                h.number(t.start);
                h.number(t.end);
                h.number(static_cast<std::uint64_t>(t.script));
                h.number(t.kazakh);
                h.number(t.alternative);
            };
            const izdeu::AnalysisStats s = analyzer.analyze(d.title, lang, 1, add);
            const izdeu::AnalysisStats b = analyzer.analyze(d.body, lang, s.next_position + 100, add);
            for (const izdeu::AnalysisStats& st : {s, b}) {
                h.number(st.invalid_utf8);
                h.number(st.dropped_long);
                h.number(st.next_position);
            }
            all.number(h.value);
            if (per_doc) per_doc << files[i] << ' ' << std::hex << h.value << std::dec << '\n';
        }
        std::printf("analyzer_bench mode=hash docs=%zu tokens=%zu hash=%016llx\n", docs.size(), count,
                    static_cast<unsigned long long>(all.value));
        return 0;
    }
    size_t sink = 0;
    Times best = kNoTime;
    size_t tokens = 0;
    for (int p = 1; p <= passes && wants("analyze"); ++p) {
        tokens = 0;
        const Times t0 = Times::now();
        for (const Doc& d : docs) {
            const std::string joined = std::string(d.title) + "\n" + std::string(d.body);
            const izdeu::Language lang = izdeu::Analyzer::detect_language(joined);
            auto count = [&](const izdeu::Token& t) {
                ++tokens;
                sink += t.stem.size();
            };
            const izdeu::AnalysisStats s = analyzer.analyze(d.title, lang, 1, count);
            analyzer.analyze(d.body, lang, s.next_position + 100, count);
        }
        const Times secs = Times::now() - t0;
        best = best.best(secs);
        print("analyze", p, docs.size(), bytes, tokens, secs);
    }
    if (wants("analyze")) print("analyze-best", 0, docs.size(), bytes, tokens, best);

    best = kNoTime;
    for (int p = 1; p <= passes && wants("indexer"); ++p) {
        tokens = 0;
        const Times t0 = Times::now();
        for (const Doc& d : docs) {
            const izdeu::Article article = izdeu::parse_article_text(d.raw);
            const izdeu::Language lang = izdeu::Analyzer::detect_language(article.title + "\n" + article.body);
            auto count = [&](const izdeu::Token& t) {
                ++tokens;
                sink += t.stem.size();
            };
            const izdeu::AnalysisStats s = analyzer.analyze(article.title, lang, 1, count);
            analyzer.analyze(article.body, lang, 0, count);  // duplicate key
            analyzer.analyze(article.body, lang, s.next_position + 100, count);
        }
        const Times secs = Times::now() - t0;
        best = best.best(secs);
        print("indexer", p, docs.size(), bytes, tokens, secs);
    }
    if (wants("indexer")) print("indexer-best", 0, docs.size(), bytes, tokens, best);

    if (wants("icu-break")) {
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::BreakIterator> bi(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
        if (U_FAILURE(status)) {
            std::fprintf(stderr, "ICU: %s\n", u_errorName(status));
            return 3;
        }
        best = kNoTime;
        UText* ut = nullptr;
        for (int p = 1; p <= passes; ++p) {
            tokens = 0;
            const Times t0 = Times::now();
            for (const Doc& d : docs) {
                status = U_ZERO_ERROR;
                ut = utext_openUTF8(ut, d.raw.data(), static_cast<int64_t>(d.raw.size()), &status);
                bi->setText(ut, status);
                for (int32_t e = bi->next(); e != icu::BreakIterator::DONE; e = bi->next())
                    if (bi->getRuleStatus() != UBRK_WORD_NONE) ++tokens;
            }
            const Times secs = Times::now() - t0;
            best = best.best(secs);
            print("icu-break", p, docs.size(), bytes, tokens, secs);
        }
        utext_close(ut);
        print("icu-break-best", 0, docs.size(), bytes, tokens, best);
    }
    return sink == 0xdeadbeef ? 1 : 0;
}
