#include "watch_printer.h"

#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "arrival_time.h"
#include "hit_record.h"
#include "mail_encoding.h"
#include "snippet.h"

namespace izdeu::watch {

namespace {

std::size_t total_hits(const std::vector<WatchReport>& reports) {
    std::size_t n = 0;
    for (const WatchReport& r : reports) n += r.hits.size();
    return n;
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

bool has_news(const std::vector<WatchReport>& reports) {
    return total_hits(reports) > 0;
}

void print_text(const std::vector<WatchReport>& reports, std::ostream& out) {
    std::vector<std::string> quiet;
    bool first = true;
    for (const WatchReport& r : reports) {
        if (!r.error.empty()) continue;
        if (r.hits.empty()) {
            quiet.push_back(r.watch->name);
            continue;
        }
        if (!first) out << "\n";
        first = false;
        out << "== " << r.watch->name << ": ";
        if (r.first_run) {
            out << "first run, the " << plural(r.hits.size(), "newest article", "newest articles") << " of "
                << r.matched << " matching now";
        } else {
            out << plural(r.hits.size(), "new article", "new articles");
            if (r.matched > r.hits.size()) {
                out << " (of " << r.matched << "; the limit is " << r.watch->limit << ")";
            }
        }
        out << " ==\n   query: " << r.watch->query << "\n\n";
        std::size_t rank = 0;
        for (const WatchHit& w : r.hits) {
            const query::Hit& h = w.hit;
            out << ++rank << ". " << (h.title.empty() ? "(untitled)" : h.title) << (w.edited ? "  [edited]" : "")
                << "\n";
            out << "   " << (h.date.empty() ? "no date" : h.date.substr(0, 10));
            if (!h.credit.empty()) out << " · " << h.credit;
            out << " · " << h.lang << " · " << h.id << " · "
                << (w.edited ? "changed " + arrival::readable_utc(w.changed_at)
                             : "arrived " + arrival::readable_utc(w.indexed_at))
                << "\n";
            if (!h.url.empty()) out << "   " << h.url << "\n";
            if (!h.snippet.text.empty()) out << "   " << mark_snippet(h.snippet, "[", "]") << "\n";
            out << "\n";
        }
    }
    if (!quiet.empty() && !first) {
        out << "Nothing new for:";
        for (const std::string& name : quiet) out << " " << name;
        out << "\n";
    }
}

void print_json(const std::vector<WatchReport>& reports, std::ostream& out) {
    const auto dump = [&](const nlohmann::json& j) {
        out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    };
    for (const WatchReport& r : reports) {
        if (!r.error.empty()) continue;
        for (const WatchHit& w : r.hits) {
            // The fields of izdeu-query's JSON hits, and when the article arrived or changed.
            nlohmann::json j = query::hit_record(w.hit);
            j["type"] = "hit";
            j["watch"] = r.watch->name;
            j["indexed_at"] = arrival::encode(w.indexed_at);
            j["changed_at"] = arrival::encode(w.changed_at);
            j["edited"] = w.edited;
            dump(j);
        }
    }
    for (const WatchReport& r : reports) {
        if (!r.error.empty()) continue;
        dump({{"type", "watch"},
              {"watch", r.watch->name},
              {"query", r.watch->query},
              {"first_run", r.first_run},
              {"reported", r.hits.size()},
              {"matched", r.matched}});
    }
}

void print_mail(const std::vector<WatchReport>& reports, const MailHeaders& headers, std::ostream& out) {
    std::string subject = "izdeu: " + plural(total_hits(reports), "new article", "new articles") + " in";
    std::size_t named = 0, with_news = 0;
    for (const WatchReport& r : reports) {
        if (r.hits.empty()) continue;
        ++with_news;
        if (named < 3) {
            subject +=
                std::string(named == 0 ? " " : ", ") + r.watch->name + " (" + std::to_string(r.hits.size()) + ")";
            ++named;
        }
    }
    if (with_news > named) subject += " and " + plural(with_news - named, "other watch", "other watches");
    std::ostringstream body;
    print_text(reports, body);

    if (!headers.from.empty()) out << "From: " << encode_address(headers.from) << "\n";
    out << "To: ";
    for (std::size_t i = 0; i < headers.to.size(); ++i) out << (i > 0 ? ",\n " : "") << encode_address(headers.to[i]);
    out << "\n";
    out << "Subject: " << encode_header_text(subject, 9) << "\n";
    out << "Date: " << rfc5322_date(headers.now) << "\n";
    if (!headers.message_id.empty()) out << "Message-ID: " << headers.message_id << "\n";
    // RFC 3834: mail from a program; auto-responders do not answer it.
    out << "Auto-Submitted: auto-generated\n";
    out << "MIME-Version: 1.0\n";
    out << "Content-Type: text/plain; charset=UTF-8\n";
    out << "Content-Transfer-Encoding: quoted-printable\n";
    out << "\n";
    out << quoted_printable(body.str());
}

}  // namespace izdeu::watch
