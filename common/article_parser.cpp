#include "article_parser.h"

#include <array>
#include <charconv>
#include <cstdio>

#include "errors.h"

namespace izdeu {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

// Trims ASCII whitespace and the UTF-8 no-break space, which editors paste into metadata lines.
std::string_view trim(std::string_view s) {
    for (;;) {
        if (!s.empty() && is_space(s.front())) {
            s.remove_prefix(1);
        } else if (s.size() >= 2 && s.substr(0, 2) == "\xC2\xA0") {
            s.remove_prefix(2);
        } else {
            break;
        }
    }
    for (;;) {
        if (!s.empty() && is_space(s.back())) {
            s.remove_suffix(1);
        } else if (s.size() >= 2 && s.substr(s.size() - 2) == "\xC2\xA0") {
            s.remove_suffix(2);
        } else {
            break;
        }
    }
    return s;
}

// Collapses runs of whitespace to one space, so "Head  of State" and "Head of State" compare equal.
std::string collapse_spaces(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool pending_space = false;
    for (char c : trim(s)) {
        if (is_space(c)) {
            pending_space = true;
            continue;
        }
        if (pending_space && !out.empty()) out += ' ';
        pending_space = false;
        out += c;
    }
    return out;
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

template <typename Int>
bool to_int(std::string_view s, Int& value) {
    if (!all_digits(s)) return false;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && ptr == s.data() + s.size();
}

// Latin-script Kazakh writes Сурет: as Sýret: (2018 alphabet) or Suret: (2021), or Foto:.
constexpr std::array<std::string_view, 10> kCreditLabels = {
    "Photo:", "Фото:", "Сурет:", "Foto:", "PHOTO:", "ФОТО:", "Sýret:", "Suret:", "SÝRET:", "SURET:"};

// Returns the text after a credit label, or nullopt when the line has none.
std::optional<std::string_view> strip_credit_label(std::string_view line) {
    for (std::string_view label : kCreditLabels) {
        if (line.substr(0, label.size()) == label) return line.substr(label.size());
    }
    return std::nullopt;
}

std::vector<std::string_view> split_words(std::string_view s) {
    std::vector<std::string_view> words;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && is_space(s[i])) ++i;
        size_t start = i;
        while (i < s.size() && !is_space(s[i])) ++i;
        if (i > start) words.push_back(s.substr(start, i - start));
    }
    return words;
}

std::optional<PublishedAt> parse_dotted_date(std::string_view s) {
    // DD.MM.YYYY
    size_t d1 = s.find('.');
    size_t d2 = d1 == std::string_view::npos ? d1 : s.find('.', d1 + 1);
    if (d2 == std::string_view::npos) return std::nullopt;
    PublishedAt at;
    if (!to_int(s.substr(0, d1), at.day) || !to_int(s.substr(d1 + 1, d2 - d1 - 1), at.month) ||
        !to_int(s.substr(d2 + 1), at.year) || s.size() - d2 - 1 != 4) {
        return std::nullopt;
    }
    if (!is_valid_date(at.year, at.month, at.day)) return std::nullopt;
    return at;
}

bool parse_clock(std::string_view s, int& hour, int& minute) {
    size_t colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 2 || s.size() - colon != 3) {
        return false;
    }
    return to_int(s.substr(0, colon), hour) && to_int(s.substr(colon + 1), minute) && hour < 24 &&
           minute < 60;
}

// Parses "CREDIT DD.MM.YYYY HH:MM VIEWS" from the right, so a credit of several words works.
void parse_metadata(std::string_view rest, size_t line_no, Article& article) {
    std::vector<std::string_view> words = split_words(rest);
    auto warn = [&](const std::string& what) {
        article.warnings.push_back("line " + std::to_string(line_no) + ": " + what);
    };
    // The date is the last word shaped like DD.MM.YYYY; the words before it are the credit.
    auto date_shaped = [](std::string_view w) {
        size_t dots = 0;
        for (char c : w) {
            if (c == '.') ++dots;
            else if (c < '0' || c > '9') return false;
        }
        return dots == 2 && w.size() >= 8;
    };
    size_t date_index = words.size();
    for (size_t i = words.size(); i-- > 0;) {
        if (date_shaped(words[i])) {
            date_index = i;
            break;
        }
    }
    if (date_index == words.size()) {
        article.credit = collapse_spaces(rest);
        if (article.credit.empty()) warn("metadata line without credit or date");
        return;
    }
    std::optional<PublishedAt> parsed = parse_dotted_date(words[date_index]);
    if (!parsed) warn("impossible date '" + std::string(words[date_index]) + "'");
    PublishedAt at = parsed.value_or(PublishedAt{});
    std::string credit;
    for (size_t i = 0; i < date_index; ++i) {
        if (!credit.empty()) credit += ' ';
        credit += words[i];
    }
    article.credit = credit;
    size_t next = date_index + 1;
    if (next < words.size() && words[next].find(':') != std::string_view::npos) {
        int hour = 0, minute = 0;
        if (parse_clock(words[next], hour, minute)) {
            at.hour = hour;
            at.minute = minute;
        } else {
            warn("unreadable time '" + std::string(words[next]) + "'");
        }
        ++next;
    }
    if (next < words.size()) {
        std::int64_t views = 0;
        if (to_int(words[next], views)) {
            article.views = views;
        } else {
            warn("unreadable view count '" + std::string(words[next]) + "'");
        }
        ++next;
    }
    if (next < words.size()) warn("unexpected text after the view count");
    if (parsed) article.published = at;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start <= text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view line = text.substr(start, nl - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        start = nl + 1;
    }
    return lines;
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

}  // namespace

bool is_valid_date(int year, int month, int day) {
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    int days = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
    return day <= days;
}

std::string PublishedAt::iso() const {
    char buf[32];
    if (hour >= 0) {
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d", year, month, day, hour, minute);
    } else {
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    }
    return buf;
}

std::string PublishedAt::sortable() const {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d", year, month, day, hour < 0 ? 0 : hour,
                  minute < 0 ? 0 : minute);
    return buf;
}

std::optional<PublishedAt> parse_date(std::string_view text) {
    text = trim(text);
    if (text.size() >= 10 && text[2] == '.') {
        std::vector<std::string_view> words = split_words(text);
        auto at = parse_dotted_date(words[0]);
        if (at && words.size() > 1 && !parse_clock(words[1], at->hour, at->minute)) {
            at->hour = at->minute = -1;
        }
        return at;
    }
    PublishedAt at;
    if (text.size() < 10 || text[4] != '-' || text[7] != '-' || !to_int(text.substr(0, 4), at.year) ||
        !to_int(text.substr(5, 2), at.month) || !to_int(text.substr(8, 2), at.day) ||
        !is_valid_date(at.year, at.month, at.day)) {
        return std::nullopt;
    }
    if (text.size() >= 16 && (text[10] == 'T' || text[10] == ' ')) {
        int hour = 0, minute = 0;
        if (parse_clock(text.substr(11, 5), hour, minute)) {
            at.hour = hour;
            at.minute = minute;
        }
    }
    return at;
}

bool is_boilerplate_paragraph(std::string_view paragraph) {
    std::string_view p = trim(paragraph);
    if (p.size() > 400) return false;  // real footers are one short line
    static constexpr std::array<std::string_view, 16> kMarkers = {
        "Subscribe to our", "subscribe to our", "Follow us on", "Подписывайтесь на", "Подпишитесь на",
        "подписывайтесь на", "Жазылыңыз", "жазылыңыз", "арнамызға жазыл", "Telegram-канал", "Telegram арна",
        "Read more news on",
        // Latin-script Kazakh, 2018 and 2021 alphabets.
        "arnamyzǵa jazyl", "arnamyzğa jazyl", "Telegram arna", "Jazylyńyz"};
    bool telegram_first = p.substr(0, 8) == "Telegram";
    for (std::string_view marker : kMarkers) {
        if (contains(p, marker)) return true;
    }
    return telegram_first && p.size() < 200;
}

Article parse_article_text(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::vector<std::string_view> lines = split_lines(text);
    Article article;

    size_t i = 0;
    auto skip_blank = [&] {
        while (i < lines.size() && trim(lines[i]).empty()) ++i;
    };
    skip_blank();
    if (i == lines.size()) throw ArticleError("no text: the article is empty");

    // Title; a title line that is really the metadata line means the title is missing.
    if (!strip_credit_label(trim(lines[i]))) {
        article.title = collapse_spaces(lines[i]);
        ++i;
        skip_blank();
        if (i < lines.size() && collapse_spaces(lines[i]) == article.title) {
            ++i;
            skip_blank();
        }
    } else {
        article.warnings.push_back("line " + std::to_string(i + 1) + ": no title");
    }

    if (i < lines.size()) {
        if (auto rest = strip_credit_label(trim(lines[i]))) {
            parse_metadata(*rest, i + 1, article);
            ++i;
        }
    }

    // Body: paragraphs separated by blank lines; lines inside a paragraph keep their breaks.
    std::vector<std::string> paragraphs;
    std::string current;
    for (; i < lines.size(); ++i) {
        std::string_view line = trim(lines[i]);
        if (line.empty()) {
            if (!current.empty()) paragraphs.push_back(std::move(current));
            current.clear();
            continue;
        }
        if (!current.empty()) current += '\n';
        current += line;
    }
    if (!current.empty()) paragraphs.push_back(std::move(current));
    while (!paragraphs.empty() && is_boilerplate_paragraph(paragraphs.back())) {
        paragraphs.pop_back();
    }
    for (const std::string& p : paragraphs) {
        if (!article.body.empty()) article.body += "\n\n";
        article.body += p;
    }
    if (article.title.empty() && article.body.empty()) {
        throw ArticleError("no title and no body text");
    }
    return article;
}

}  // namespace izdeu
