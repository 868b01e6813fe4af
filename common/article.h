#pragma once
// The article model: what izdeu knows about one news article, whichever file it came from.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace izdeu {

/// A publication date and, when known, time of day.
struct PublishedAt {
    int year = 0, month = 0, day = 0;
    int hour = -1, minute = -1;  ///< -1 when the time is unknown

    /// "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM".
    std::string iso() const;
    /// "YYYYMMDDHHMM" (sortable as a string; "0000" for an unknown time).
    std::string sortable() const;
};

/// Checks a calendar date (leap years included).
bool is_valid_date(int year, int month, int day);

/// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]", "DD.MM.YYYY" (with optional " HH:MM").
std::optional<PublishedAt> parse_date(std::string_view text);

struct Article {
    std::string id;       ///< unique key: path relative to the indexed root, or the JSONL "id"
    std::string title;
    std::string credit;   ///< photo credit or source
    std::optional<PublishedAt> published;
    std::optional<std::int64_t> views;
    std::string body;     ///< paragraphs separated by blank lines, footer removed
    std::string language; ///< "en", "ru", "kk", "und"; empty = detect from the text
    std::string url;
    /// What could not be parsed, each "line N: reason"; the rest of the article is kept.
    std::vector<std::string> warnings;
};

}  // namespace izdeu
