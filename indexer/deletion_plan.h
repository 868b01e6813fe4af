#pragma once
// Which vanished files a run deletes, with a brake on mass deletion.
//
// A folder that is suddenly empty or mostly gone is far more often an unmounted share, a moved
// archive or a half-finished copy than an editor's decision; deleting its articles is silent
// and loses them from the index. So a run deletes nothing from a folder named on the command
// line when that would remove every article indexed from it (the folder is empty), or more than
// a set share of them (and more than a handful), unless the user says so.

#include <cstddef>
#include <string>
#include <unordered_set>
#include <vector>

namespace izdeu {

struct DeletionLimits {
    double max_share = 0.20;         ///< --max-delete, as a share of a folder's indexed articles
    bool allow_mass_delete = false;  ///< --allow-mass-delete: no brake at all
};

/// Deleting at most this many articles of a folder is ordinary upkeep, whatever the share
/// (a folder of three articles may lose one), unless the folder is empty.
inline constexpr std::size_t kOrdinaryDeletionArticles = 10;

struct IndexedFile {
    std::string path;          ///< absolute path, as recorded in the index
    std::size_t articles = 1;  ///< how many articles the index holds from it
};

struct DeletionPlan {
    std::vector<std::string> doomed;    ///< paths whose articles and records go
    std::vector<std::string> refusals;  ///< one "folder: why nothing was deleted" line per braked folder
    std::vector<std::string> held_by;   ///< the folder of each refusal
};

/// Whether `path` is `root` or inside it (both absolute, normalized).
bool path_is_under(const std::string& path, const std::string& root);

/// Plans the deletions of a run that got to its end. `roots`: the files and folders named that
/// exist; `unreadable`: folders the walk could not read (nothing under them counts as gone);
/// `seen`: the files the walk found; `indexed`: what the index knew before the run.
DeletionPlan plan_deletions(const std::vector<std::string>& roots, const std::vector<std::string>& unreadable,
                            const std::unordered_set<std::string>& seen, const std::vector<IndexedFile>& indexed,
                            const DeletionLimits& limits);

}  // namespace izdeu
