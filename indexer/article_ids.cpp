#include "article_ids.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>

#include "errors.h"
#include "revision_reads.h"
#include "schema.h"

namespace izdeu {

namespace fs = std::filesystem;

namespace {

/// Absolute, normalized, with symbolic links resolved as far as the path exists.
std::string resolved(const std::string& path) {
    std::error_code ec;
    fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
    if (ec) p = fs::absolute(path, ec).lexically_normal();
    std::string s = p.string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

/// The deepest folder holding every one of these absolute folders.
std::string common_folder(const std::vector<std::string>& folders) {
    fs::path common = folders.front();
    for (const std::string& f : folders) {
        const fs::path folder(f);  // iterators must not outlive the path they walk
        fs::path shared;
        auto a = common.begin();
        auto b = folder.begin();
        for (; a != common.end() && b != folder.end() && *a == *b; ++a, ++b) shared /= *a;
        common = shared;
    }
    std::string s = common.string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s.empty() ? "/" : s;
}

std::string relative_id(const std::string& file, const std::string& root) {
    if (root == "/") return file.substr(1);
    if (file.size() > root.size() && file.compare(0, root.size(), root) == 0 && file[root.size()] == '/') {
        return file.substr(root.size() + 1);
    }
    return file;  // outside the root: the absolute path is still unique and stable
}

}  // namespace

std::vector<std::string> id_roots_in_use(const Xapian::Database& db) {
    std::vector<std::string> roots;
    const std::string records(schema::kMetaFilePrefix);
    for (auto k = db.metadata_keys_begin(records); k != db.metadata_keys_end(records) && roots.size() < 2; ++k) {
        const std::string record = db.get_metadata(*k);
        const std::size_t tab = record.find('\t');
        if (tab == std::string::npos) continue;
        const std::string path = record.substr(tab + 1);
        InputKind kind;
        bool gzip;
        if (!classify_input(path, kind, gzip) || kind != InputKind::Article) continue;  // feed ids are no paths
        const std::string file_term = schema::source_file_term(path);
        Xapian::PostingIterator doc = db.postlist_begin(file_term);
        if (doc == db.postlist_end(file_term)) continue;
        Xapian::TermIterator t = db.termlist_begin(*doc);
        t.skip_to(std::string(schema::kIdPrefix));
        if (t == db.termlist_end(*doc) || (*t).rfind(schema::kIdPrefix, 0) != 0) continue;
        const std::string id = (*t).substr(schema::kIdPrefix.size());
        if (id == path || id.empty()) continue;  // outside any root: an absolute id
        std::string root;
        if (path.size() > id.size() && path.compare(path.size() - id.size(), id.size(), id) == 0 &&
            path[path.size() - id.size() - 1] == '/') {
            root = resolved(path.substr(0, path.size() - id.size() - 1));
        } else {
            root = "?";  // a hashed long id, or one no folder explains: the ids cannot all be kept
        }
        if (std::find(roots.begin(), roots.end(), root) == roots.end()) roots.push_back(root);
    }
    return roots;
}

std::string choose_id_root(const std::optional<std::string>& given, const std::string& recorded_root,
                           const std::vector<std::string>& walked_roots, const std::vector<std::string>& legacy_roots,
                           bool fresh_build) {
    if (legacy_roots.size() > 1 && !fresh_build) {
        // Older indexes took ids relative to each folder named, so the ids already written
        // depend on how the folders were named; no one root reproduces them all, and taking one
        // would silently give the other articles new ids.
        std::string folders;
        for (const std::string& r : legacy_roots) {
            if (r != "?") folders += (folders.empty() ? "" : ", ") + r;
        }
        throw DatabaseError(
            "this index was made before izdeu recorded the folder article ids are relative to, and its ids are "
            "relative to several folders" +
            (folders.empty() ? std::string() : " (" + folders + ")") +
            ": rebuild it once with izdeu-index --rebuild (ids then become paths relative to the folder that "
            "holds every path named, or to the folder given with --root)");
    }
    // An old index whose ids all tell one folder keeps it, as if it had been recorded.
    const std::string recorded =
        recorded_root.empty() && legacy_roots.size() == 1 ? legacy_roots.front() : recorded_root;
    if (given) {
        std::error_code ec;
        if (!fs::is_directory(*given, ec)) throw UsageError("--root " + *given + " is not a folder");
        const std::string root = resolved(*given);
        if (!recorded.empty() && recorded != root) {
            throw UsageError("the ids of this index are relative to " + recorded + "; --root " + root +
                             " would give its articles other ids: change it with --rebuild --root " + root);
        }
        return root;
    }
    std::vector<std::string> folders;
    for (const std::string& r : walked_roots) {
        std::error_code ec;
        const std::string path = resolved(r);
        folders.push_back(fs::is_directory(path, ec) ? path : fs::path(path).parent_path().string());
    }
    // A fresh build holds only what it is given, so it may move a root that does not cover it.
    const bool covers = std::all_of(folders.begin(), folders.end(), [&](const std::string& f) {
        return relative_id(f, recorded) != f || f == recorded;
    });
    if (!recorded.empty() && (!fresh_build || covers)) return recorded;
    if (folders.empty()) return {};
    return common_folder(folders);
}

void assign_article_ids(std::vector<InputFile>& files, const std::string& id_root) {
    if (id_root.empty()) return;
    std::map<std::string, std::string> resolved_roots;  // a few walked roots, resolved once
    for (InputFile& f : files) {
        auto [it, inserted] = resolved_roots.emplace(f.root, std::string());
        if (inserted) it->second = resolved(f.root);
        // A file named on the command line is its own root; others are the root plus their id.
        const std::string file = f.root == f.path ? it->second : it->second + "/" + f.id;
        f.id = relative_id(file, id_root);
    }
}

IdOwners::IdOwners(Xapian::Database* before, std::unordered_map<std::string, std::string> path_of,
                   std::unordered_set<std::string> leaving)
    : before_(before), path_of_(std::move(path_of)), leaving_(std::move(leaving)) {}

std::string IdOwners::owner_term_before(const std::string& id_term) {
    if (!before_) return {};
    // committed() keeps the revision read the latest one; the retry is for a run whose own
    // commits still outpace it (revision_reads.h).
    return read_reopening([this] { return before_->reopen(); },
                          [&]() -> std::string {
                              Xapian::PostingIterator p = before_->postlist_begin(id_term);
                              if (p == before_->postlist_end(id_term)) return {};
                              Xapian::TermIterator t = before_->termlist_begin(*p);
                              const std::string prefix(schema::kSourceFilePrefix);
                              t.skip_to(prefix);
                              if (t != before_->termlist_end(*p) && (*t).rfind(prefix, 0) == 0) return *t;
                              return {};
                          });
}

void IdOwners::committed() {
    if (before_) before_->reopen();
}

std::string IdOwners::claim(const std::string& id_term, const std::string& path) {
    auto [pit, new_path] = path_index_.emplace(path, static_cast<std::uint32_t>(paths_.size()));
    if (new_path) paths_.push_back(path);
    const std::size_t key = std::hash<std::string>{}(id_term);
    if (auto w = written_.find(key); w != written_.end()) {
        return w->second == pit->second ? std::string() : paths_[w->second];
    }
    const std::string owner = owner_term_before(id_term);
    if (!owner.empty() && owner != schema::source_file_term(path) && !leaving_.count(owner)) {
        // An owner the index no longer knows (no file record) cannot be asked; take it over.
        if (auto known = path_of_.find(owner); known != path_of_.end()) return known->second;
    }
    written_.emplace(key, pit->second);
    return {};
}

}  // namespace izdeu
