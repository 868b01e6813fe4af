#include "watch_file.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "text_encoding.h"
#include "utf8.h"

namespace izdeu::watch {

namespace {

std::string position(const std::string& file, std::size_t line, std::size_t column) {
    std::string where = file;
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict, its bug 105329) about
    // ":" + std::to_string(n) in a release build.
    if (line > 0) where.append(":").append(std::to_string(line));
    if (column > 0) where.append(":").append(std::to_string(column));
    return where;
}

/// 1-based column, in characters, of a byte offset into a line.
std::size_t column_of(std::string_view line, std::size_t byte) {
    std::size_t column = 1;
    for (std::size_t i = 0; i < byte && i < line.size(); ++i) {
        if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++column;
    }
    return column;
}

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

std::size_t skip_spaces(std::string_view s, std::size_t from) {
    while (from < s.size() && is_space(s[from])) ++from;
    return from;
}

/// The end of s without trailing spaces, from `from`.
std::size_t trimmed_end(std::string_view s, std::size_t from) {
    std::size_t end = s.size();
    while (end > from && is_space(s[end - 1])) --end;
    return end;
}

/// Where a watch line's comment starts: a '#' at `from` or after a space or tab, outside a
/// "quoted phrase" (npos: none). A '#' inside a word or a phrase is the query's.
std::size_t comment_start(std::string_view line, std::size_t from) {
    bool in_phrase = false;
    for (std::size_t i = from; i < line.size(); ++i) {
        if (line[i] == '"') in_phrase = !in_phrase;
        if (line[i] == '#' && !in_phrase && (i == from || is_space(line[i - 1]))) return i;
    }
    return std::string_view::npos;
}

bool name_byte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.' || c >= 0x80;  // letters of other scripts (the line is valid UTF-8)
}

}  // namespace

WatchFileError::WatchFileError(const std::string& file, std::size_t line_, std::size_t column_,
                               const std::string& reason)
    : std::runtime_error(position(file, line_, column_) + ": " + reason), line(line_), column(column_) {}

std::vector<Watch> parse_watch_file(std::string_view text, const std::string& file) {
    std::vector<Watch> watches;
    std::size_t line_no = 0;
    std::size_t start = 0;
    // Some editors begin a UTF-8 file with a byte order mark; it is not part of the first name,
    // and columns count from after it, as the editor shows them.
    if (text.substr(0, 3) == "\xEF\xBB\xBF") start = 3;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        auto fail = [&](std::size_t byte, const std::string& reason) {
            return WatchFileError(file, line_no, column_of(line, byte), reason);
        };
        if (!is_valid_utf8(line)) {
            std::int32_t at = 0;
            while (at < static_cast<std::int32_t>(line.size())) {
                const std::int32_t before = at;
                if (next_code_point(line, at) < 0) throw fail(static_cast<std::size_t>(before), "not UTF-8 text");
            }
        }
        const std::size_t first = skip_spaces(line, 0);
        if (first == line.size() || line[first] == '#') continue;
        const std::size_t equals = line.find('=', first);
        if (first > 0) {
            // A setting of the watch above.
            if (watches.empty())
                throw fail(first, "an indented setting before any watch (settings follow their watch)");
            if (equals == std::string_view::npos) throw fail(first, "expected 'setting = value'");
            const std::string_view key = line.substr(first, trimmed_end(line.substr(0, equals), first) - first);
            std::size_t value_at = skip_spaces(line, equals + 1);
            std::size_t value_end = line.find('#', value_at);
            if (value_end == std::string_view::npos) value_end = line.size();
            value_end = trimmed_end(line.substr(0, value_end), value_at);
            const std::string_view value = line.substr(value_at, value_end - value_at);
            Watch& watch = watches.back();
            if (key == "limit") {
                unsigned limit = 0;
                bool digits = !value.empty() && value.size() <= 7;
                for (char c : value) {
                    if (c < '0' || c > '9') digits = false;
                }
                if (digits) {
                    for (char c : value) limit = limit * 10 + static_cast<unsigned>(c - '0');
                }
                if (!digits || limit < 1 || limit > kMaxLimit) {
                    throw fail(value_at, "limit takes a whole number from 1 to " + std::to_string(kMaxLimit));
                }
                watch.limit = limit;
            } else if (key == "edits") {
                if (value == "yes" || value == "true") {
                    watch.edits = true;
                } else if (value == "no" || value == "false") {
                    watch.edits = false;
                } else {
                    throw fail(value_at, "edits takes yes or no");
                }
            } else {
                throw fail(first, "unknown setting '" + std::string(key) + "' (limit, edits)");
            }
            continue;
        }
        if (equals == std::string_view::npos) throw fail(line.size(), "expected 'name = query'");
        const std::size_t name_end = trimmed_end(line.substr(0, equals), 0);
        if (name_end == 0) throw fail(0, "a watch needs a name before '='");
        for (std::size_t i = 0; i < name_end; ++i) {
            if (!name_byte(static_cast<unsigned char>(line[i]))) {
                throw fail(i, "a watch name is letters, digits, '_', '-' and '.'");
            }
        }
        if (name_end > 64) throw fail(0, "a watch name has at most 64 bytes");
        const std::size_t query_at = skip_spaces(line, equals + 1);
        const std::size_t comment = std::min(comment_start(line, query_at), line.size());
        const std::size_t query_end = trimmed_end(line.substr(0, comment), query_at);
        if (query_at >= query_end) throw fail(equals + 1, "the watch has no query after '='");
        Watch watch;
        watch.name = std::string(line.substr(0, name_end));
        for (const Watch& other : watches) {
            if (other.name == watch.name) {
                throw fail(0, "a second watch named '" + watch.name + "' (the first is on line " +
                                  std::to_string(other.line) + ")");
            }
        }
        watch.query = std::string(line.substr(query_at, query_end - query_at));
        watch.line = line_no;
        watch.query_column = column_of(line, query_at);
        watches.push_back(std::move(watch));
    }
    return watches;
}

std::vector<Watch> read_watch_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw WatchFileError(path, 0, 0,
                             "cannot read the watches file (create it with one 'name = query' line per watch, "
                             "or name another with --watches)");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_watch_file(text.str(), path);
}

}  // namespace izdeu::watch
