#pragma once
// Reads one input file into articles: gzip, encodings, the article format and JSONL.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "article.h"
#include "source_walker.h"

namespace izdeu {

struct ReadProblem {
    std::string where;  ///< "path" or "path:line"
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

/// Parses one JSONL line (already without its newline) into result: an article, or a problem
/// naming `where` (path:line). Blank lines are skipped.
void parse_jsonl_line(std::string_view line, const std::string& where, ReadResult& result);

/// Reads a file block by block (decompressing .gz), so a large feed is never held whole.
/// Throws ArticleError when the file cannot be opened or read.
class BlockReader {
  public:
    explicit BlockReader(const InputFile& file);
    ~BlockReader();
    BlockReader(const BlockReader&) = delete;
    BlockReader& operator=(const BlockReader&) = delete;

    /// The next block, empty at the end. Valid until the next call.
    std::string_view next();

  private:
    struct Source;
    std::unique_ptr<Source> source_;
    std::string path_;
    std::string buffer_;
};

/// Lines of a file, read through a BlockReader.
class LineReader {
  public:
    explicit LineReader(const InputFile& file) : blocks_(file) {}
    /// The next line without its newline (a final line need not end with one); false at the end.
    bool next(std::string& line);

  private:
    BlockReader blocks_;
    std::string pending_;
    std::size_t start_ = 0;
    bool at_end_ = false;
};

}  // namespace izdeu
