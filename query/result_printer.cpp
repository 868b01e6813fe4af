#include "result_printer.h"

#include <cmath>
#include <iomanip>
#include <ostream>

#include <nlohmann/json.hpp>

#include "hit_record.h"

namespace izdeu::query {

namespace {

class TextPrinter : public ResultPrinter {
public:
    TextPrinter(std::ostream& out, bool color) : out_(out), color_(color) {}

    void print(const SearchResult& result, const std::string&, double) override {
        const char* bold = color_ ? "\033[1m" : "";
        const char* dim = color_ ? "\033[2m" : "";
        const char* reset = color_ ? "\033[0m" : "";
        for (const Hit& h : result.hits) {
            out_ << bold << h.rank << ". " << (h.title.empty() ? "(untitled)" : h.title) << reset << "\n";
            out_ << "   " << dim << (h.date.empty() ? "no date" : h.date.substr(0, 10));
            if (!h.credit.empty()) out_ << " · " << h.credit;
            out_ << " · " << h.lang << " · " << h.id << " · score " << std::fixed << std::setprecision(2)
                 << h.score;
            if (h.duplicates > 0) out_ << " · +" << h.duplicates << " duplicate" << (h.duplicates > 1 ? "s" : "");
            out_ << reset << "\n";
            if (!h.snippet.text.empty()) {
                out_ << "   " << (color_ ? mark_snippet(h.snippet, "\033[1;31m", "\033[0m")
                                        : mark_snippet(h.snippet, "[", "]"))
                     << "\n";
            }
            if (const auto& p = h.parts) {
                // The stages that made the score, then each term's own weight (which need not add
                // up: a word's forms are weighed as one, and a term can serve two stages).
                out_ << "     score " << std::setprecision(3) << h.score << " = words " << p->words;
                if (p->boosts_feedback != 0) out_ << " + boosts and feedback " << p->boosts_feedback;
                if (p->lead != 0) out_ << " + lead " << p->lead;
                if (p->coverage != 0) out_ << " + coverage " << p->coverage;
                if (p->order_cap != 0) out_ << " - " << -p->order_cap << " (kept below the re-ranked)";
                out_ << "\n";
            }
            for (const TermContribution& c : h.explanation) {
                out_ << "     " << c.term << " " << std::setprecision(3) << c.weight << "\n";
            }
            out_ << "\n";
        }
        if (!result.feedback_terms.empty()) {
            out_ << "Feedback terms:";
            for (const std::string& t : result.feedback_terms) out_ << " " << t;
            out_ << "\n";
        }
        if (!result.suggestion.empty()) out_ << "Did you mean: " << result.suggestion << "?\n";
    }

    void print_count(Xapian::doccount count, const std::string&) override { out_ << count << "\n"; }

private:
    std::ostream& out_;
    bool color_;
};

class JsonPrinter : public ResultPrinter {
public:
    explicit JsonPrinter(std::ostream& out) : out_(out) {}

    void print(const SearchResult& result, const std::string& query_id, double elapsed_ms) override {
        for (const Hit& h : result.hits) {
            nlohmann::json hit = hit_record(h);
            hit["type"] = "hit";
            if (!query_id.empty()) hit["query"] = query_id;
            write(hit);
        }
        write(summary_record(result, query_id, elapsed_ms));
    }

    void print_count(Xapian::doccount count, const std::string& query_id) override {
        write(count_record(count, query_id));
    }

  private:
    void write(const nlohmann::json& record) {
        // Invalid UTF-8 in a stored article must not stop the output.
        out_ << record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }

    std::ostream& out_;
};

class TrecPrinter : public ResultPrinter {
public:
    explicit TrecPrinter(std::ostream& out) : out_(out) {}

    void print(const SearchResult& result, const std::string& query_id, double) override {
        for (const Hit& h : result.hits) {
            out_ << (query_id.empty() ? "1" : query_id) << " Q0 " << h.id << " " << h.rank << " "
                 << std::fixed << std::setprecision(6) << h.score << " izdeu\n";
        }
    }

    void print_count(Xapian::doccount count, const std::string& query_id) override {
        out_ << query_id << " " << count << "\n";
    }

private:
    std::ostream& out_;
};

}  // namespace

nlohmann::json summary_record(const SearchResult& result, const std::string& query_id, double elapsed_ms) {
    nlohmann::json j = {
        {"type", "summary"},
        {"estimated", result.estimated},
        {"hits", result.hits.size()},
        {"suggestion", result.suggestion.empty() ? nlohmann::json() : nlohmann::json(result.suggestion)},
        // Milliseconds to three decimals: a script compares, a person reads.
        {"elapsed_ms", std::round(elapsed_ms * 1000) / 1000}};
    if (!result.feedback_terms.empty()) j["feedback_terms"] = result.feedback_terms;
    if (!query_id.empty()) j["query"] = query_id;
    return j;
}

nlohmann::json count_record(Xapian::doccount count, const std::string& query_id) {
    nlohmann::json j = {{"type", "count"}, {"count", count}};
    if (!query_id.empty()) j["query"] = query_id;
    return j;
}

std::unique_ptr<ResultPrinter> make_printer(OutputFormat format, std::ostream& out, bool color) {
    switch (format) {
        case OutputFormat::Json: return std::make_unique<JsonPrinter>(out);
        case OutputFormat::Trec: return std::make_unique<TrecPrinter>(out);
        case OutputFormat::Text: break;
    }
    return std::make_unique<TextPrinter>(out, color);
}

}  // namespace izdeu::query
