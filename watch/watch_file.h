#pragma once
// The watches file: saved searches that people edit by hand.
//
//   # a comment line
//   court = "Constitutional Court"   # a comment after a watch
//   ombudsman = омбудсмен OR уполномоченный
//       limit = 50        # indented lines set the watch above them
//       edits = yes       # an edited article counts as new (default: no)
//
// A name is letters (any script), digits, '_', '-' and '.'; the query is everything after the
// first '=', in izdeu-query's grammar, up to a '#' that follows a space (outside a "quoted
// phrase"): that starts a comment, as on setting lines. A byte order mark at the start is
// skipped. Errors name the line and the column (in characters).

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace izdeu::watch {

inline constexpr unsigned kDefaultLimit = 20;
inline constexpr unsigned kMaxLimit = 1000;

struct Watch {
    std::string name;
    std::string query;
    std::size_t line = 0;          ///< 1-based line of the "name = query" line
    std::size_t query_column = 0;  ///< 1-based column (characters) where the query starts
    unsigned limit = kDefaultLimit;
    bool edits = false;  ///< an article edited after the mark is reported too
};

/// A malformed watches file; what() is "FILE:LINE:COLUMN: reason".
struct WatchFileError : std::runtime_error {
    WatchFileError(const std::string& file, std::size_t line, std::size_t column, const std::string& reason);
    std::size_t line, column;
};

/// Parses the file's text; `file` names it in errors. Throws WatchFileError.
std::vector<Watch> parse_watch_file(std::string_view text, const std::string& file);

/// Reads and parses a file. Throws WatchFileError (also when it cannot be read: line 0).
std::vector<Watch> read_watch_file(const std::string& path);

}  // namespace izdeu::watch
