#include "source_walker.h"

#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <utility>

namespace izdeu {

namespace fs = std::filesystem;

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool matches_any(const std::vector<std::string>& globs, const std::string& name,
                 const std::string& relative) {
    for (const std::string& g : globs) {
        if (fnmatch(g.c_str(), name.c_str(), 0) == 0 || fnmatch(g.c_str(), relative.c_str(), 0) == 0) {
            return true;
        }
    }
    return false;
}

struct Walker {
    const WalkOptions& options;
    WalkResult& result;
    std::set<std::pair<dev_t, ino_t>> visited_dirs;

    void add_file(const std::string& path, const std::string& id, const std::string& root,
                  const struct stat& st, bool explicit_file) {
        InputFile file;
        if (!classify_input(path, file.kind, file.gzip)) {
            if (!explicit_file) return;  // other files in an article folder are not articles
            file.kind = InputKind::Article;
        }
        file.path = path;
        file.id = id;
        file.root = root;
        file.size = static_cast<std::uint64_t>(st.st_size);
        file.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
        result.files.push_back(std::move(file));
    }

    void walk_dir(const std::string& dir, const std::string& relative, const std::string& root,
                  std::size_t depth) {
        if (depth > options.max_depth) {
            result.problems.push_back({dir, "folder tree deeper than " +
                                                std::to_string(options.max_depth) + " levels, not walked"});
            return;
        }
        std::error_code ec;
        fs::directory_iterator it(dir, fs::directory_options::none, ec);
        if (ec) {
            result.problems.push_back({dir, "cannot read folder: " + ec.message()});
            return;
        }
        std::vector<std::string> names;
        for (; it != fs::directory_iterator(); it.increment(ec)) {
            if (ec) {
                result.problems.push_back({dir, "cannot read folder: " + ec.message()});
                break;
            }
            names.push_back(it->path().filename().string());
        }
        std::sort(names.begin(), names.end());  // a stable order, whatever the file system's
        for (const std::string& name : names) {
            if (!options.hidden && !name.empty() && name[0] == '.') continue;
            const std::string path = dir + "/" + name;
            const std::string rel = relative.empty() ? name : relative + "/" + name;
            if (matches_any(options.exclude, name, rel)) continue;
            struct stat st {};
            if (::stat(path.c_str(), &st) != 0) {
                const int error = errno;
                struct stat lst {};
                const bool link = ::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode);
                std::string reason = std::string("cannot stat: ") + std::strerror(error);
                if (link) {
                    reason = error == ELOOP ? "symbolic link loop (the link leads back to itself), skipped"
                                            : "broken symbolic link";
                }
                result.problems.push_back({path, reason});
                continue;
            }
            if (S_ISDIR(st.st_mode)) {
                // Symlinked folders are followed once; a folder seen before is a loop.
                if (!visited_dirs.insert({st.st_dev, st.st_ino}).second) {
                    result.problems.push_back({path, "symbolic link loop (folder already visited), skipped"});
                    continue;
                }
                walk_dir(path, rel, root, depth + 1);
            } else if (S_ISREG(st.st_mode)) {
                if (!options.include.empty() && !matches_any(options.include, name, rel)) continue;
                add_file(path, rel, root, st, false);
            }
        }
    }
};

}  // namespace

bool classify_input(const std::string& name, InputKind& kind, bool& gzip) {
    gzip = ends_with(name, ".gz");
    const std::string base = gzip ? name.substr(0, name.size() - 3) : name;
    if (ends_with(base, ".txt")) {
        kind = InputKind::Article;
        return true;
    }
    if (ends_with(base, ".jsonl")) {
        kind = InputKind::Jsonl;
        return true;
    }
    return false;
}

WalkResult walk_sources(const std::vector<std::string>& paths, const WalkOptions& options) {
    WalkResult result;
    Walker walker{options, result, {}};
    for (const std::string& given : paths) {
        std::error_code ec;
        fs::path absolute = fs::absolute(given, ec).lexically_normal();
        std::string path = absolute.string();
        while (path.size() > 1 && path.back() == '/') path.pop_back();
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) {
            result.problems.push_back({given, std::string("cannot read: ") + std::strerror(errno)});
            continue;
        }
        // Symbolic links in the path named are resolved, so a file has one path (its record in
        // the index) whichever link it is reached through, in this run and the next.
        if (fs::path real = fs::canonical(path, ec); !ec) path = real.string();
        if (S_ISDIR(st.st_mode)) {
            // Loops are looked for in each root's walk: a root reached again (through a link, or
            // inside another root) is walked again, and its files kept once below.
            walker.visited_dirs.clear();
            walker.visited_dirs.insert({st.st_dev, st.st_ino});
            result.roots.push_back(path);
            walker.walk_dir(path, "", path, 0);
        } else if (S_ISREG(st.st_mode)) {
            result.roots.push_back(path);
            walker.add_file(path, fs::path(path).filename().string(), path, st, true);
        } else {
            result.problems.push_back({given, "not a regular file or folder"});
        }
    }
    // Several roots may overlap; keep one entry per file.
    std::stable_sort(result.files.begin(), result.files.end(),
                     [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
    result.files.erase(std::unique(result.files.begin(), result.files.end(),
                                   [](const InputFile& a, const InputFile& b) { return a.path == b.path; }),
                       result.files.end());
    return result;
}

}  // namespace izdeu
