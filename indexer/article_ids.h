#pragma once
// Article ids of .txt files, and which file owns each id.
//
// A .txt article's id is its path relative to the index's *id root*: a folder the database
// records (izdeu:id-root) on its first run, so the same file gets the same id whichever way its
// folder is named on the command line (news/en, ./news/en/, /home/u/news/en). Paths are compared
// with symbolic links resolved; a file outside the id root gets its absolute path as id.
//
// Ids are one name space for the whole database: two files that give the same id (two feeds
// with one JSONL id, a feed id equal to a .txt path) would silently replace each other's
// article, so the second one is refused instead (IdOwners).

#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <xapian.h>

#include "source_walker.h"

namespace izdeu {

/// The folders the .txt ids of an index made before the id root was recorded are relative to,
/// read from its file records and ids (a file's path ends with "/" + its id): one folder, or
/// two when they disagree (the search stops there), or none when no .txt id tells.
std::vector<std::string> id_roots_in_use(const Xapian::Database& db);

/// The id root of this run, absolute with symbolic links resolved.
/// `given` is --root; `recorded` what the index holds (empty: nothing recorded); `walked_roots`
/// the files and folders named on the command line that exist; `legacy_roots` what
/// id_roots_in_use() found in an index that has articles but no recorded root (one: kept as if
/// recorded, so no id changes); `fresh_build` a --rebuild, which keeps the recorded root only
/// when it holds every path named. With nothing given or recorded, the root is the deepest
/// folder that holds every named file and folder. Throws UsageError (a --root that contradicts
/// the index) or DatabaseError (an old index whose ids are relative to several folders: no one
/// root keeps them all).
std::string choose_id_root(const std::optional<std::string>& given, const std::string& recorded,
                           const std::vector<std::string>& walked_roots, const std::vector<std::string>& legacy_roots,
                           bool fresh_build);

/// Sets each file's id to its path relative to id_root (or its absolute path outside it).
void assign_article_ids(std::vector<InputFile>& files, const std::string& id_root);

/// Who gives each id: the files written in this run, and the index as last committed (a file
/// this run rewrote without an id no longer gives it). Used by the thread that commits only.
class IdOwners {
  public:
    /// `before`: the index, opened for reading (nullptr for a fresh build); `path_of`:
    /// source-file term (XF...) -> path of every file the index knows; `leaving`: source-file
    /// terms of the files this run deletes (their ids may move to another file).
    IdOwners(Xapian::Database* before, std::unordered_map<std::string, std::string> path_of,
             std::unordered_set<std::string> leaving);

    /// Claims an id for the file at `path`. Returns the path of another file that already gives
    /// it (the claim is refused), or an empty string when `path` may write it.
    std::string claim(const std::string& id_term, const std::string& path);

    /// Call after each commit of the run: the index is read at that revision, which the
    /// writer leaves intact until its next commit (an older one's blocks it reuses: reading
    /// them failed with "EOF reading block" in a run committing every few articles).
    void committed();

  private:
    std::string owner_term_before(const std::string& id_term);

    Xapian::Database* before_;
    std::unordered_map<std::string, std::string> path_of_;
    std::unordered_set<std::string> leaving_;
    /// Ids written in this run, by a hash of the id term (a million ids in ~50 MB), to the
    /// index of their file in paths_.
    std::unordered_map<std::size_t, std::uint32_t> written_;
    std::unordered_map<std::string, std::uint32_t> path_index_;
    std::vector<std::string> paths_;
};

}  // namespace izdeu
