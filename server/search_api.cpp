#include "search_api.h"

#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "errors.h"
#include "hit_record.h"
#include "number_option.h"
#include "query_builder.h"
#include "query_filters.h"
#include "query_parser.h"
#include "schema.h"
#include "snippet.h"
#include "spelling_suggester.h"

namespace izdeu::serve {

namespace {

using nlohmann::json;

/// A parameter the API cannot take; `parameter` names it in the error.
struct BadParameter : std::runtime_error {
    BadParameter(std::string name, const std::string& message)
        : std::runtime_error(message), parameter(std::move(name)) {}
    std::string parameter;
};

ApiResponse reply(int status, const json& body) {
    // Invalid UTF-8 in a stored article must not stop the answer: it becomes U+FFFD.
    return {status, body.dump(-1, ' ', false, json::error_handler_t::replace)};
}

ApiResponse error_reply(int status, const std::string& message, const std::string& parameter = "",
                        std::optional<std::size_t> column = std::nullopt) {
    json j = {{"error", message}};
    if (!parameter.empty()) j["parameter"] = parameter;
    if (column) j["column"] = *column;
    return reply(status, j);
}

/// Runs one request, mapping each kind of failure to its status: the caller's mistakes 400,
/// an unusable database 503 with the reason.
template <class Handler>
ApiResponse guarded(Handler&& handler) {
    try {
        return handler();
    } catch (const BadParameter& e) {
        return error_reply(400, e.what(), e.parameter);
    } catch (const query::ParseError& e) {
        return error_reply(400, e.what(), "q", e.column);
    } catch (const query::QueryError& e) {
        return error_reply(400, e.what(), "q");
    } catch (const DatabaseError& e) {
        return error_reply(503, e.what());
    } catch (const Xapian::WildcardError&) {
        return error_reply(400, "wildcard matches too many words (limit 1000); make the prefix longer", "q");
    } catch (const Xapian::DatabaseModifiedError& e) {
        return error_reply(503,
                           "the index changed faster than this request could be answered (an indexer "
                           "committing every few articles); try again (Xapian: " +
                               e.get_description() + ")");
    } catch (const Xapian::DatabaseError& e) {
        return error_reply(503, "the database failed while searching; it may be damaged or being replaced (Xapian: " +
                                    e.get_description() + ")");
    } catch (const Xapian::NetworkError& e) {
        return error_reply(503, "a remote shard did not answer (Xapian: " + e.get_description() + ")");
    } catch (const Xapian::Error& e) {
        return error_reply(500, "the search could not be run (Xapian: " + e.get_description() + ")");
    } catch (const std::exception& e) {
        return error_reply(500, std::string("internal error: ") + e.what());
    }
}

/// The request's parameters, each allowed name at most once.
class ParamReader {
  public:
    ParamReader(const Params& params, std::set<std::string> allowed) {
        for (const auto& [name, value] : params) {
            if (!allowed.count(name)) throw BadParameter(name, "unknown parameter '" + name + "'");
            if (!values_.emplace(name, value).second) {
                throw BadParameter(name, "parameter '" + name + "' is given more than once");
            }
        }
    }

    std::optional<std::string> text(const std::string& name) const {
        auto it = values_.find(name);
        if (it == values_.end()) return std::nullopt;
        return it->second;
    }

    std::uint64_t whole(const std::string& name, std::uint64_t fallback, std::uint64_t max) const {
        auto t = text(name);
        if (!t) return fallback;
        try {
            return parse_whole_number(name, *t, 0, max);
        } catch (const UsageError& e) {
            throw BadParameter(name, e.what());
        }
    }

    bool flag(const std::string& name, bool fallback) const {
        auto t = text(name);
        if (!t) return fallback;
        if (*t == "1" || *t == "true" || *t == "yes") return true;
        if (*t == "0" || *t == "false" || *t == "no") return false;
        throw BadParameter(name, name + " takes 1 or 0, not '" + *t + "'");
    }

  private:
    std::map<std::string, std::string> values_;
};

query::ParseOptions parse_options(const ApiLimits& limits, const Today& today) {
    query::ParseOptions options;
    options.today_year = today.year;
    options.today_month = today.month;
    options.today_day = today.day;
    options.max_bytes = limits.max_query_bytes;
    return options;
}

/// The query text: required, bounded.
std::string query_text(const ParamReader& params, const ApiLimits& limits) {
    std::optional<std::string> q = params.text("q");
    if (!q || q->find_first_not_of(" \t\r\n") == std::string::npos) throw BadParameter("q", "no query given");
    if (q->size() > limits.max_query_bytes) {
        throw BadParameter("q", "the query is too long (limit " + std::to_string(limits.max_query_bytes) + " bytes)");
    }
    return *q;
}

json facets_json(const query::Facets& facets) {
    const auto list = [](const std::vector<query::FacetCount>& counts) {
        json a = json::array();
        for (const query::FacetCount& c : counts) a.push_back({{"value", c.value}, {"count", c.count}});
        return a;
    };
    return {{"lang", list(facets.languages)},
            {"credit", list(facets.credits)},
            {"month", list(facets.months)},
            {"undated", facets.undated},
            {"counted", facets.counted}};
}

/// Reads the stored fields of one article (the document data is JSON: schema.h).
json stored_fields(const Xapian::Document& doc) {
    json data = json::parse(doc.get_data(), nullptr, false);
    return data.is_object() ? data : json::object();
}

json spans_json(const std::vector<std::pair<std::size_t, std::size_t>>& spans) {
    json a = json::array();
    for (const auto& [s, e] : spans) a.push_back({s, e});
    return a;
}

}  // namespace

ApiResponse SearchApi::search(const Params& params) {
    const auto started = std::chrono::steady_clock::now();
    return guarded([&] {
        const ParamReader p(params, {"q", "limit", "offset", "sort", "since", "lang", "credit", "plain", "collapse",
                                     "snippets", "facets", "explain"});
        const std::string text = query_text(p, limits_);
        query::SearchOptions options;
        options.limit = static_cast<Xapian::doccount>(p.whole("limit", 10, limits_.max_limit));
        options.offset = static_cast<Xapian::doccount>(p.whole("offset", 0, limits_.max_offset));
        const std::string sort = p.text("sort").value_or("relevance");
        if (sort == "date") {
            options.sort = query::SortOrder::Date;
        } else if (sort != "relevance") {
            throw BadParameter("sort", "sort takes relevance or date, not '" + sort + "'");
        }
        options.collapse = p.flag("collapse", true);
        options.snippets = p.flag("snippets", true);
        options.explain = p.flag("explain", false);
        options.time_limit_seconds = limits_.time_limit_seconds;
        const bool plain = p.flag("plain", false);
        const bool want_facets = p.flag("facets", true);
        const query::ParseOptions parse = parse_options(limits_, today_());

        // Filters are parsed before the database is asked for, so a bad one costs nothing.
        struct Filter {
            std::string name, value;
            query::Node node;
        };
        std::vector<Filter> filters;
        const auto filter = [&](const char* name, auto make) {
            if (auto value = p.text(name); value && !value->empty()) {
                try {
                    filters.push_back({name, *value, make(*value, parse)});
                } catch (const UsageError& e) {
                    throw BadParameter(name, e.what());
                }
            }
        };
        filter("since", query::since_filter);
        filter("lang", query::language_filter);
        filter("credit", query::credit_filter);

        // The grammar needs no database: a malformed query is answered even when there is none.
        std::optional<query::Node> parsed;
        if (!plain) parsed = query::parse_query(text, parse);

        SearcherPool::Lease lease = pool_.acquire();
        query::Searcher& searcher = lease.searcher();
        // An indexer that commits twice while we read (building the query expands wildcards over
        // the term list; suggestions and facets read it again) discards our revision: the whole
        // answer is computed again on the new one, so its parts never disagree.
        return searcher.reading_with(
            [&] { return lease.reopen(); },
            [&]() -> ApiResponse {
                query::QueryBuilder builder(searcher.analyzer(), options.ranking, &searcher.database());
                query::BuiltQuery built = plain ? builder.build_plain(text) : builder.build(*parsed);
                for (const Filter& f : filters) {
                    try {
                        query::add_filter(built, builder.build(f.node).query);
                    } catch (const query::QueryError& e) {
                        // The builder's message points into the filter as a query nobody typed.
                        throw BadParameter(f.name, f.name == "lang"
                                                       ? "lang takes en, ru, kk or und, not '" + f.value + "'"
                                                       : f.name + ": " + e.what());
                    }
                }

                query::SearchResult result = searcher.search(built, options);
                if (options.offset == 0) {
                    // The respelled query is built as this one was: same grammar, same filters.
                    query::SpellingSuggester speller(searcher.database(), searcher.analyzer());
                    result.suggestion =
                        query::suggest_for(speller, searcher, text, parsed, built, [&](const std::string& respelled) {
                            query::BuiltQuery b = plain ? builder.build_plain(respelled)
                                                        : builder.build(query::parse_query(respelled, parse));
                            for (const Filter& f : filters) query::add_filter(b, builder.build(f.node).query);
                            return b;
                        });
                }
                json hits = json::array();
                for (const query::Hit& h : result.hits) hits.push_back(query::hit_record(h));
                json body = {{"hits", std::move(hits)}, {"total", result.estimated}};
                if (want_facets) {
                    const Xapian::Query& matching = built.base.empty() ? built.query : built.base;
                    body["facets"] = facets_json(query::count_facets(searcher.database(), lease.facet_columns(),
                                                                     matching, 10, limits_.time_limit_seconds));
                }
                body["did_you_mean"] = result.suggestion.empty() ? json(nullptr) : json(result.suggestion);
                if (!result.feedback_terms.empty()) body["feedback_terms"] = result.feedback_terms;
                for (const std::string& w : searcher.warnings()) body["warnings"].push_back(w);
                body["elapsed_ms"] =
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
                return reply(200, body);
            });
    });
}

ApiResponse SearchApi::article(const Params& params) {
    return guarded([&] {
        const ParamReader p(params, {"id", "q", "plain"});
        const std::string id = p.text("id").value_or("");
        if (id.empty()) throw BadParameter("id", "no article id given");
        std::optional<std::string> q = p.text("q");
        if (q && q->find_first_not_of(" \t\r\n") == std::string::npos) q.reset();
        if (q && q->size() > limits_.max_query_bytes) query_text(p, limits_);  // throws "too long"
        const bool plain = p.flag("plain", false);

        SearcherPool::Lease lease = pool_.acquire();
        query::Searcher& searcher = lease.searcher();
        return searcher.reading_with(
            [&] { return lease.reopen(); },
            [&]() -> ApiResponse {
                const Xapian::Database& db = searcher.database();
                const std::string term = schema::id_term(id);
                auto posting = db.postlist_begin(term);
                if (posting == db.postlist_end(term)) return error_reply(404, "no article with id '" + id + "'", "id");
                json data = stored_fields(db.get_document(*posting));
                json body = {{"id", data.value("id", id)},         {"title", data.value("title", "")},
                             {"date", data.value("date", "")},     {"lang", data.value("lang", "")},
                             {"credit", data.value("credit", "")}, {"text", data.value("text", "")}};
                if (data.contains("url")) body["url"] = data["url"];
                if (data.contains("views")) body["views"] = data["views"];
                json highlights = json::array(), title_highlights = json::array();
                if (q) {
                    query::QueryBuilder builder(searcher.analyzer(), query::RankingOptions(), &db);
                    const query::BuiltQuery built =
                        plain ? builder.build_plain(*q)
                              : builder.build(query::parse_query(*q, parse_options(limits_, today_())));
                    const Language language = language_from_code(body["lang"].get<std::string>());
                    highlights = spans_json(highlight_text(body["text"].get<std::string>(), language, built.highlight,
                                                           searcher.analyzer()));
                    title_highlights = spans_json(highlight_text(body["title"].get<std::string>(), language,
                                                                 built.highlight, searcher.analyzer()));
                }
                body["highlights"] = std::move(highlights);
                body["title_highlights"] = std::move(title_highlights);
                return reply(200, body);
            });
    });
}

ApiResponse SearchApi::health() {
    json databases = pool_.config().databases;
    try {
        SearcherPool::Lease lease = pool_.acquire();
        const Xapian::Database& db = lease.searcher().database();
        // A monitor polls this during cron runs: an indexer's quick commits are not "unavailable".
        const auto [last_run_text, articles] = lease.searcher().reading([&] {
            return std::pair{db.get_metadata(std::string(schema::kMetaLastRun)), db.get_doccount()};
        });
        json last_run = json::parse(last_run_text.empty() ? "null" : last_run_text, nullptr, false);
        if (last_run.is_discarded()) last_run = last_run_text;
        json body = {{"status", "ok"}, {"database", databases}, {"articles", articles}, {"last_run", last_run}};
        for (const std::string& w : lease.searcher().warnings()) body["warnings"].push_back(w);
        return reply(200, body);
    } catch (const DatabaseError& e) {
        return reply(503, {{"status", "unavailable"}, {"database", databases}, {"error", e.what()}});
    } catch (const Xapian::Error& e) {
        return reply(503, {{"status", "unavailable"}, {"database", databases}, {"error", e.get_description()}});
    }
}

}  // namespace izdeu::serve
