#pragma once
// Finds the input files under the paths given on the command line, in a stable order.

#include <cstdint>
#include <string>
#include <vector>

namespace izdeu {

enum class InputKind { Article, Jsonl };

struct InputFile {
    std::string path;       ///< absolute, normalized, links in the root resolved: the key of its state
    std::string id;         ///< article id: the path relative to the root it was found under
    std::string root;       ///< absolute root it was found under (for deletion of vanished files)
    InputKind kind = InputKind::Article;
    bool gzip = false;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
};

struct WalkOptions {
    std::vector<std::string> include;  ///< globs; when non-empty a file must match one
    std::vector<std::string> exclude;  ///< globs; a matching file or folder is skipped
    bool hidden = false;               ///< also walk hidden files and folders
    std::size_t max_depth = 256;
};

struct WalkProblem {
    std::string path;
    std::string reason;
};

struct WalkResult {
    std::vector<InputFile> files;
    std::vector<WalkProblem> problems;
    std::vector<std::string> roots;  ///< absolute roots that exist and were walked, links resolved
};

/// Walks files and folders recursively; symlinks are followed once, loops are reported.
WalkResult walk_sources(const std::vector<std::string>& paths, const WalkOptions& options);

/// Whether a file name has an extension izdeu reads (.txt, .jsonl, optionally .gz).
bool classify_input(const std::string& name, InputKind& kind, bool& gzip);

}  // namespace izdeu
