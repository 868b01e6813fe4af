#include "hit_record.h"

namespace izdeu::query {

// The fields and their order follow JsonPrinter (result_printer.cpp); tests/serve_test.py checks
// that the API's hits and izdeu-query's JSON lines have the same keys.
nlohmann::json hit_record(const Hit& h) {
    nlohmann::json j = {{"rank", h.rank},
                        {"score", h.score},
                        {"id", h.id},
                        {"title", h.title},
                        {"date", h.date},
                        {"lang", h.lang},
                        {"credit", h.credit},
                        {"snippet", h.snippet.text},
                        {"duplicates", h.duplicates}};
    nlohmann::json spans = nlohmann::json::array();
    for (const auto& [s, e] : h.snippet.highlights) spans.push_back({s, e});
    j["highlights"] = spans;
    if (!h.url.empty()) j["url"] = h.url;
    if (!h.explanation.empty()) {
        nlohmann::json terms = nlohmann::json::object();
        for (const TermContribution& c : h.explanation) terms[c.term] = c.weight;
        j["explain"] = terms;
    }
    if (h.parts) {
        j["score_parts"] = {{"words", h.parts->words},
                            {"boosts_feedback", h.parts->boosts_feedback},
                            {"lead", h.parts->lead},
                            {"coverage", h.parts->coverage},
                            {"order_cap", h.parts->order_cap}};
    }
    return j;
}

}  // namespace izdeu::query
