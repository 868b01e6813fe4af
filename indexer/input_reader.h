#pragma once
// Reads one input file into articles: gzip, encodings, the article format and JSONL.

#include <string>
#include <string_view>
#include <vector>

#include "article.h"
#include "source_walker.h"

namespace izdeu {

struct ReadProblem {
    std::string where;   ///< "path" or "path:line"
    std::string reason;
};

struct ReadResult {
    std::vector<Article> articles;
    std::vector<ReadProblem> problems;  ///< parts that failed; the rest was read
    std::vector<std::string> notes;     ///< e.g. "converted from windows-1251"
    std::string content_hash;
};

/// Reads the raw bytes (decompressing .gz). Throws ArticleError when unreadable.
std::string read_file_bytes(const InputFile& file);

/// Parses already-read bytes. Throws ArticleError when nothing in the file is usable.
ReadResult parse_input(const InputFile& file, std::string_view bytes);

/// Parses JSONL text: one article per line, keyed by "id".
void parse_jsonl(std::string_view text, const std::string& path, ReadResult& result);

}  // namespace izdeu
